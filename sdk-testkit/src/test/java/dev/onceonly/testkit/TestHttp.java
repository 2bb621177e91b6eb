package dev.onceonly.testkit;

import com.squareup.moshi.JsonReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import okio.Buffer;
import org.jspecify.annotations.Nullable;

/** A plain JDK HTTP client for the tests, and the JSON they send and read. */
final class TestHttp {

  static final String SOURCE = "https://api.example.test/funding-sources/707177c3-bf15-4e7e-b37c-55c3898d9bf4";
  static final String DESTINATION = "https://api.example.test/funding-sources/04173e17-6398-4d36-a167-9d98c4b1f1c3";

  private final HttpClient client = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1) // no h2c upgrade: the sandbox speaks HTTP/1.1
      .connectTimeout(Duration.ofSeconds(5))
      .build();
  private final RunningSandbox sandbox;
  private @Nullable String token;

  TestHttp(RunningSandbox sandbox) {
    this.sandbox = sandbox;
  }

  TestHttp token(@Nullable String token) {
    this.token = token;
    return this;
  }

  static String newKey() {
    return UUID.randomUUID().toString();
  }

  /** A valid transfer body of {@code value} USD with {@code metadata.operation_id} if given. */
  static String transfer(String value, @Nullable String operationId) {
    return "{\"_links\":{\"source\":{\"href\":\"" + SOURCE + "\"},\"destination\":{\"href\":\""
        + DESTINATION + "\"}},\"amount\":{\"currency\":\"USD\",\"value\":\"" + value + "\"}"
        + (operationId == null ? "" : ",\"metadata\":{\"operation_id\":\"" + operationId + "\"}")
        + "}";
  }

  static String transfer(String value) {
    return transfer(value, null);
  }

  HttpResponse<String> post(@Nullable String key, String body) throws IOException, InterruptedException {
    return client.send(postRequest(key, body, null), HttpResponse.BodyHandlers.ofString());
  }

  HttpRequest postRequest(@Nullable String key, String body, @Nullable Duration timeout) {
    HttpRequest.Builder request = HttpRequest.newBuilder(sandbox.uri("/transfers"))
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      request.header("Idempotency-Key", key);
    }
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (timeout != null) {
      request.timeout(timeout);
    }
    return request.build();
  }

  CompletableFuture<HttpResponse<String>> postAsync(@Nullable String key, String body) {
    return client.sendAsync(postRequest(key, body, null), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String pathOrUrl) throws IOException, InterruptedException {
    URI uri = pathOrUrl.startsWith("http") ? URI.create(pathOrUrl) : sandbox.uri(pathOrUrl);
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Parses a JSON object into maps, lists, strings, doubles, booleans and nulls. */
  @SuppressWarnings("unchecked")
  static Map<String, @Nullable Object> json(String body) {
    try {
      Object value = JsonReader.of(new Buffer().writeUtf8(body)).readJsonValue();
      if (!(value instanceof Map)) {
        throw new AssertionError("not a JSON object: " + body);
      }
      return (Map<String, @Nullable Object>) value;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The value at a dotted path in a JSON object, such as {@code amount.value}. */
  static @Nullable Object at(Map<String, @Nullable Object> object, String path) {
    Object current = object;
    for (String name : path.split("\\.")) {
      if (!(current instanceof Map<?, ?> map)) {
        return null;
      }
      current = map.get(name);
    }
    return current;
  }
}

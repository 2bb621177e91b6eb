package dev.onceonly.internal;

import dev.onceonly.ApiRequest;
import dev.onceonly.IdempotencyProfile;
import dev.onceonly.OperationResult;
import dev.onceonly.RequestOptions;
import dev.onceonly.http.HttpRequest;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * {@code client.execute(...)}: any endpoint through the same engine as a transfer create. A
 * {@code POST} gets a key (the caller's, checked against the profile, or a minted one), is sent
 * with the same body bytes on every attempt, polled, recovered, journaled as
 * {@code execute:POST <path>}, and ends truthfully; a {@code GET} is a safe read.
 *
 * <p>What is checked of a success answer: its status, and that it decodes into the caller's
 * type. Nothing else can be: an arbitrary answer has no amount or destination to compare with the
 * request, as a transfer has. So, unlike a transfer create, a stored answer of another operation
 * under a reused caller key (MangoPay, GoCardless and Increase do not tell a reused key from a
 * repeated one) would be returned as this one's: give every operation a fresh key. Thread-safe.
 */
final class ApiCalls {

  private final RetryEngine engine;
  private final URI baseUrl;
  /** What every call applies unless its own options say otherwise (a client made by withOptions). */
  private final RequestOptions defaults;

  ApiCalls(RetryEngine engine, URI baseUrl) {
    this(engine, baseUrl, RequestOptions.none());
  }

  ApiCalls(RetryEngine engine, URI baseUrl, RequestOptions defaults) {
    this.engine = engine;
    this.baseUrl = baseUrl;
    this.defaults = defaults;
  }

  <T> T execute(ApiRequest request, Class<T> responseType) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(responseType, "responseType");
    if (request.method().equals("POST")) {
      return executeWithResult(request, responseType).value();
    }
    ApiBodies.Decoder<T> decoder = ApiBodies.decoder(responseType);
    RequestOptions options = request.options().withDefaults(defaults);
    HttpRequest get = new HttpRequest("GET", url(request), headers(request, options, false), null);
    return engine.executeSafe(get, "execute:GET", policyOf(options), reader(decoder)).value();
  }

  <T> OperationResult<T> executeWithResult(ApiRequest request, Class<T> responseType) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(responseType, "responseType");
    if (!request.method().equals("POST")) {
      throw new IllegalArgumentException("request: executeWithResult reports an idempotent operation (its key, attempts"
          + " and replay); " + request + " is a safe read with none of those: use execute");
    }
    ApiBodies.Decoder<T> decoder = ApiBodies.decoder(responseType);
    IdempotencyProfile profile = engine.profile();
    for (String name : request.headers().keySet()) {
      if (name.equalsIgnoreCase(profile.keyHeader())) {
        throw new IllegalArgumentException("request: header " + name + " carries the idempotency key, which the client"
            + " sets: give your own key in RequestOptions.idempotencyKey");
      }
    }
    RequestOptions options = request.options().withDefaults(defaults);
    // One key and one body per logical operation: every attempt re-sends these very bytes.
    String key = options.idempotencyKey().isPresent()
        ? profile.checkKey(options.idempotencyKey().get())
        : UUID.randomUUID().toString();
    byte[] body = request.body().orElse(null);
    HttpRequest post = new HttpRequest("POST", url(request), headers(request, options, body != null), body)
        .withHeader(profile.keyHeader(), key);
    Decider.Step.Done<T> done = engine.executeIdempotent(post, key, "execute:" + request, policyOf(options),
        options.keyFirstUsedAt().orElse(null), options.idempotencyKey().isPresent(), options.reference().orElse(null),
        reader(decoder));
    OperationResult<T> result = new OperationResult<>(done.value(), key, done.attempts(), done.replay(),
        done.journalError());
    engine.reportSuccess(result);
    return result;
  }

  /** Reads a success answer into a {@code T}; checks nothing beyond its status and its shape. */
  private <T> AnswerReader<T> reader(ApiBodies.Decoder<T> decoder) {
    Redactor redactor = engine.redactor();
    return response -> {
      byte[] body = response.body();
      if (TransferAnswers.isBlank(body)) {
        if (response.header("Location").isPresent()) {
          return AnswerReader.Answer.empty(); // the resource is at its Location: read it there
        }
        if (!decoder.acceptsEmpty()) {
          return AnswerReader.Answer.unreadable("the answer has no body, not a " + decoder.typeName(), null);
        }
      }
      try {
        return AnswerReader.Answer.matches(decoder.decode(body));
      } catch (TransferJson.JsonProblem e) {
        return AnswerReader.Answer.unreadable("not a " + decoder.typeName() + ": "
            + redactor.scrub(String.valueOf(e.getMessage())), e);
      }
    };
  }

  private String url(ApiRequest request) {
    StringBuilder url = new StringBuilder(baseUrl.resolve(request.path().substring(1)).toString());
    char separator = '?';
    for (Map.Entry<String, String> q : request.query().entrySet()) {
      url.append(separator).append(encode(q.getKey())).append('=').append(encode(q.getValue()));
      separator = '&';
    }
    return url.toString();
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** The SDK's headers, then the options' (the client's defaults and the call's), then the request's own. */
  private static Map<String, String> headers(ApiRequest request, RequestOptions options, boolean hasBody) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (hasBody) {
      headers.put("Content-Type", "application/json");
    }
    headers.put("Accept", "application/json");
    for (Map.Entry<String, String> h : options.headers().entrySet()) {
      headers.keySet().removeIf(name -> name.equalsIgnoreCase(h.getKey()));
      headers.put(h.getKey(), h.getValue());
    }
    for (Map.Entry<String, String> h : request.headers().entrySet()) {
      headers.keySet().removeIf(name -> name.equalsIgnoreCase(h.getKey()));
      headers.put(h.getKey(), h.getValue());
    }
    return headers;
  }

  /** A call's own policy, else the client's, with its attempt timeout if it gives one. */
  private dev.onceonly.RetryPolicy policyOf(RequestOptions options) {
    dev.onceonly.RetryPolicy policy = options.retryPolicy().orElse(engine.policy());
    if (options.attemptTimeout().isPresent() && !options.attemptTimeout().get().equals(policy.attemptTimeout())) {
      policy = policy.newBuilder().attemptTimeout(options.attemptTimeout().get()).build();
    }
    return policy;
  }
}

package dev.onceonly.http;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * One HTTP response, fully read (and bounded in size) by the transport.
 *
 * @param statusCode the status, such as {@code 201}
 * @param headers header values by name; names compare case-insensitively
 * @param body the body bytes, empty when there was none
 */
public record HttpResponse(int statusCode, Map<String, List<String>> headers, byte[] body) {

  private static final byte[] EMPTY = new byte[0];

  public HttpResponse {
    Objects.requireNonNull(body, "body");
    Map<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    // names that differ only in case are one header: keep the values of both
    headers.forEach((name, values) -> copy.merge(name, List.copyOf(values),
        (earlier, later) -> Stream.concat(earlier.stream(), later.stream()).toList()));
    headers = Collections.unmodifiableMap(copy);
  }

  /** A response without headers. */
  public static HttpResponse of(int statusCode, String body) {
    return new HttpResponse(statusCode, Map.of(), body.getBytes(StandardCharsets.UTF_8));
  }

  /** An empty body. */
  public static byte[] emptyBody() {
    return EMPTY;
  }

  /** The first value of the named header, if present. */
  public Optional<String> header(String name) {
    List<String> values = headers.get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  public boolean isSuccessful() {
    return statusCode >= 200 && statusCode < 300;
  }

  /** The status only: bodies may be large and carry personal data. */
  @Override
  public String toString() {
    return "HttpResponse{" + statusCode + ", " + body.length + " bytes}";
  }
}

package dev.onceonly.http;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP request, as the SDK hands it to an {@link HttpTransport}.
 *
 * <p>The body array is shared, not copied: the retry engine sends the very same bytes on every
 * attempt, and neither it nor a transport may modify them.
 *
 * @param method {@code GET} or {@code POST}
 * @param url the absolute URL
 * @param headers header names and values, in the order to send them; unmodifiable
 * @param body the body bytes, or {@code null} for none
 */
public record HttpRequest(String method, String url, Map<String, String> headers, byte @Nullable [] body) {

  public HttpRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(url, "url");
    headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
  }

  /** A copy of this request with one more header (replacing one of the same name, in any case). */
  public HttpRequest withHeader(String name, String value) {
    Map<String, String> copy = new LinkedHashMap<>(headers);
    copy.keySet().removeIf(existing -> existing.equalsIgnoreCase(name)); // HTTP names ignore case
    copy.put(name, value);
    return new HttpRequest(method, url, copy, body);
  }

  /** The method and the URL, for logs and events; never the headers or the body. */
  @Override
  public String toString() {
    return method + " " + url;
  }
}

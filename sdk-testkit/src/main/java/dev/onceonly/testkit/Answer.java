package dev.onceonly.testkit;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP answer the sandbox sends or stores: the status, the body bytes, and the headers that
 * belong to the answer itself ({@code Content-Type}, {@code Location}, {@code Retry-After}...).
 * The body array is never modified after construction.
 */
record Answer(int status, byte[] body, @Nullable String contentType, Map<String, String> headers) {

  static final String JSON = "application/json; charset=utf-8";
  static final String PROBLEM_JSON = "application/problem+json";

  Answer {
    headers = Map.copyOf(headers);
  }

  static Answer json(int status, byte[] body) {
    return new Answer(status, body, JSON, Map.of());
  }

  static Answer empty(int status) {
    return new Answer(status, new byte[0], null, Map.of());
  }

  Answer withHeader(String name, String value) {
    Map<String, String> copy = new LinkedHashMap<>(headers);
    copy.put(name, value);
    return new Answer(status, body, contentType, copy);
  }

  @Nullable String header(String name) {
    return headers.get(name);
  }
}

package dev.onceonly.internal;

import dev.onceonly.NetworkException;
import dev.onceonly.http.HttpRequest;
import dev.onceonly.http.HttpResponse;
import dev.onceonly.http.HttpTransport;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A scripted transport: answers requests from a queue of handlers (the last one repeats) and
 * records every request it was given.
 */
final class FakeTransport implements HttpTransport {

  final List<HttpRequest> requests = new ArrayList<>();
  final List<java.time.Duration> timeouts = new ArrayList<>();
  private final Deque<Function<HttpRequest, HttpResponse>> script = new ArrayDeque<>();

  @SafeVarargs
  final FakeTransport then(Function<HttpRequest, HttpResponse>... handlers) {
    script.addAll(List.of(handlers));
    return this;
  }

  /** Replaces the script: what is left of the old one (its repeating last answer included) is dropped. */
  @SafeVarargs
  final synchronized FakeTransport instead(Function<HttpRequest, HttpResponse>... handlers) {
    script.clear();
    return then(handlers);
  }

  @Override
  public synchronized HttpResponse execute(HttpRequest request, java.time.Duration timeout) {
    timeouts.add(timeout);
    requests.add(request);
    Function<HttpRequest, HttpResponse> handler = script.size() > 1 ? script.poll() : script.peek();
    if (handler == null) {
      throw new AssertionError("no scripted answer for " + request);
    }
    return handler.apply(request);
  }

  @Override
  public void close() {}

  List<HttpRequest> posts() {
    return requests.stream().filter(r -> r.method().equals("POST")).toList();
  }

  List<String> lines() {
    return requests.stream().map(r -> r.method() + " " + r.url().replaceFirst("https://api\\.example\\.test", "")).toList();
  }

  static Function<HttpRequest, HttpResponse> answer(int status, String body, String... headers) {
    Map<String, List<String>> map = new LinkedHashMap<>();
    for (int i = 0; i < headers.length; i += 2) {
      map.put(headers[i], List.of(headers[i + 1]));
    }
    return r -> new HttpResponse(status, map, body.getBytes(StandardCharsets.UTF_8));
  }

  static Function<HttpRequest, HttpResponse> connectRefused() {
    return r -> {
      throw new NetworkException("connect refused", false, null, new java.net.ConnectException("refused"));
    };
  }

  static Function<HttpRequest, HttpResponse> readTimeout() {
    return r -> {
      throw new NetworkException("read timed out", true, null, new java.net.SocketTimeoutException("timeout"));
    };
  }
}

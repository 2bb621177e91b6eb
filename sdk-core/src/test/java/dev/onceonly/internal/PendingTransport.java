package dev.onceonly.internal;

import dev.onceonly.http.HttpRequest;
import dev.onceonly.http.HttpResponse;
import dev.onceonly.http.HttpTransport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * An asynchronous transport whose exchanges stay in flight until the test answers them: each
 * {@link #executeAsync} records the request and returns a future the test completes (or sees
 * cancelled). Not thread-safe.
 */
final class PendingTransport implements HttpTransport {

  final List<HttpRequest> requests = new ArrayList<>();
  final List<Duration> timeouts = new ArrayList<>();
  final List<CompletableFuture<HttpResponse>> calls = new ArrayList<>();
  /**
   * Whether a cancelled exchange is reported as never having left (as the OkHttp transport does
   * for a call still queued or connecting): its {@code CancellationException} then has a
   * {@code NetworkException} cause saying so.
   */
  boolean cancelledCallsNeverLeft;

  @Override
  public HttpResponse execute(HttpRequest request, Duration timeout) {
    throw new AssertionError("the asynchronous driver must not call execute");
  }

  @Override
  public CompletableFuture<HttpResponse> executeAsync(HttpRequest request, Duration timeout) {
    requests.add(request);
    timeouts.add(timeout);
    CompletableFuture<HttpResponse> call = cancelledCallsNeverLeft ? new NeverLeft() : new CompletableFuture<>();
    calls.add(call);
    return call;
  }

  /** A call whose cancellation says it never left, as the transport's convention allows. */
  private static final class NeverLeft extends CompletableFuture<HttpResponse> {
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      java.util.concurrent.CancellationException e = new java.util.concurrent.CancellationException("cancelled");
      e.initCause(new dev.onceonly.NetworkException("cancelled before it was sent", false, null, null));
      return completeExceptionally(e) || isCancelled();
    }
  }

  /** The exchange in flight now (the last one sent). */
  CompletableFuture<HttpResponse> last() {
    return calls.get(calls.size() - 1);
  }

  /** Answers the last exchange. */
  void answer(int status, String body, String... headers) {
    last().complete(response(status, body, headers));
  }

  static HttpResponse response(int status, String body, String... headers) {
    Map<String, List<String>> map = new java.util.LinkedHashMap<>();
    for (int i = 0; i < headers.length; i += 2) {
      map.put(headers[i], List.of(headers[i + 1]));
    }
    return new HttpResponse(status, map, body.getBytes(StandardCharsets.UTF_8));
  }

  List<String> lines() {
    return requests.stream().map(r -> r.method() + " " + r.url().replaceFirst("https://api\\.example\\.test", "")).toList();
  }

  @Override
  public void close() {}
}

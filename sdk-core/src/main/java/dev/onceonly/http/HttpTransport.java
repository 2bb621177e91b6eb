package dev.onceonly.http;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Sends one HTTP request and reads its response; nothing more. It never retries: the SDK's
 * retry engine sits above it and decides what is safe to send again.
 *
 * <p>Implementations must be thread-safe, and must:
 * <ul>
 *   <li>turn every I/O failure into a {@link dev.onceonly.NetworkException} whose
 *       {@code requestMayHaveReachedServer()} is {@code false} only when the request certainly
 *       never left the process (a failed connect, DNS lookup or TLS handshake);
 *   <li>end the whole exchange (connect, write, wait, reading headers and body) within the
 *       {@code timeout} given, as a {@code NetworkException};
 *   <li>report a response body larger than the transport's bound as a
 *       {@link dev.onceonly.InvalidResponseException} carrying the status, never an
 *       {@link OutOfMemoryError};
 *   <li>throw a plain {@link dev.onceonly.PaymentsException} when the request could not be sent
 *       at all (the transport is closed, the request is malformed): nothing left the process.
 * </ul>
 */
public interface HttpTransport extends AutoCloseable {

  /** The default bound on a response body: 10 MiB. */
  long DEFAULT_MAX_RESPONSE_BYTES = 10L * 1024 * 1024;

  /**
   * Sends {@code request} and returns the fully read response, whatever its status.
   *
   * @param timeout the most the whole exchange may take; positive
   * @throws dev.onceonly.NetworkException the exchange failed or ran out of time
   * @throws dev.onceonly.InvalidResponseException the response could not be read within bounds
   * @throws dev.onceonly.PaymentsException the request could not be sent (nothing left)
   */
  HttpResponse execute(HttpRequest request, Duration timeout);

  /**
   * Sends {@code request} without waiting for it: the asynchronous form of {@link #execute},
   * with the same bound, the same outcomes and the same exceptions, delivered through the future
   * instead of thrown.
   *
   * <ul>
   *   <li>The future completes with the fully read response, or exceptionally with what
   *       {@code execute} would throw ({@link dev.onceonly.NetworkException},
   *       {@link dev.onceonly.InvalidResponseException}, {@link dev.onceonly.PaymentsException}).
   *       It should not be completed on a thread the caller must not block: the SDK moves its
   *       own work off that thread at once.
   *   <li>{@code timeout} bounds the whole exchange counted from this call, so that time spent
   *       queued behind a concurrency limit counts too.
   *   <li>Cancelling the future ({@link CompletableFuture#cancel}) cancels the exchange on the
   *       wire; a response that arrives afterwards is closed unread. A transport that knows
   *       whether the cancelled request may have left gives its
   *       {@link java.util.concurrent.CancellationException} a
   *       {@link dev.onceonly.NetworkException} cause saying so; without one, the SDK assumes it
   *       may have reached the server.
   *   <li>It must return quickly: the SDK calls it holding the operation's cancellation lock, so
   *       that once a caller's {@code cancel} returns no further request of the operation goes out.
   * </ul>
   *
   * <p>The default runs {@link #execute} on the calling thread (one of the SDK's own) and
   * returns a completed future. That is correct but blocks that thread for the exchange, and a
   * cancel waits for the exchange to end: a transport used with the asynchronous API should
   * override it, as the OkHttp transport does.
   *
   * @param timeout the most the whole exchange may take, from now; positive
   */
  default CompletableFuture<HttpResponse> executeAsync(HttpRequest request, Duration timeout) {
    try {
      return CompletableFuture.completedFuture(execute(request, timeout));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Releases the transport's resources. Never throws. */
  @Override
  void close();
}

package dev.onceonly.http;

import java.time.Duration;

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

  /** Releases the transport's resources. Never throws. */
  @Override
  void close();
}

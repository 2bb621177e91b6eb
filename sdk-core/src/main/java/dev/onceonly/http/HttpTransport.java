package dev.onceonly.http;

/**
 * Sends one HTTP request and reads its response; nothing more. It never retries: the SDK's
 * retry engine sits above it and decides what is safe to send again.
 *
 * <p>Implementations must be thread-safe, and must turn every I/O failure into a
 * {@link dev.onceonly.NetworkException} whose {@code requestMayHaveReachedServer()} is
 * {@code false} only when the request certainly never left the process (a failed connect, DNS
 * lookup or TLS handshake). A response body larger than the transport's bound is a
 * {@link dev.onceonly.InvalidResponseException}, never an {@link OutOfMemoryError}.
 */
public interface HttpTransport extends AutoCloseable {

  /** The default bound on a response body: 10 MiB. */
  long DEFAULT_MAX_RESPONSE_BYTES = 10L * 1024 * 1024;

  /**
   * Sends {@code request} and returns the fully read response, whatever its status.
   *
   * @throws dev.onceonly.NetworkException the exchange failed
   * @throws dev.onceonly.InvalidResponseException the response could not be read within bounds
   */
  HttpResponse execute(HttpRequest request);

  /** Releases the transport's resources. Never throws. */
  @Override
  void close();
}

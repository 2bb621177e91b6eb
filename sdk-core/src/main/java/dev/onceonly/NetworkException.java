package dev.onceonly;

import org.jspecify.annotations.Nullable;

/**
 * One HTTP exchange failed on the network: the connection could not be made, was reset, ended
 * early, or timed out. Transports turn every {@code IOException} into this type.
 *
 * <p>{@link #requestMayHaveReachedServer()} is what the retry engine classifies on: a failed
 * connect cannot have reached the server; a failure after the request started to be written
 * might have.
 */
public class NetworkException extends PaymentsException {

  private final boolean requestMayHaveReachedServer;

  public NetworkException(
      String message,
      boolean requestMayHaveReachedServer,
      @Nullable String idempotencyKey,
      @Nullable Throwable cause) {
    super(message, idempotencyKey, cause);
    this.requestMayHaveReachedServer = requestMayHaveReachedServer;
  }

  /** False only when the request certainly never left this process (connect, DNS, TLS failed). */
  public boolean requestMayHaveReachedServer() {
    return requestMayHaveReachedServer;
  }
}

package dev.onceonly;

import org.jspecify.annotations.Nullable;

/**
 * The server's answer could not be used: malformed JSON, a required field missing, a body
 * larger than the configured bound, or a redirect to another origin.
 *
 * <p>For a {@code create}, the operation itself may have succeeded: {@link #idempotencyKey()}
 * names it, and re-sending the same parameters with that key is safe.
 */
public class InvalidResponseException extends PaymentsException {

  private final int statusCode;

  public InvalidResponseException(
      String message, int statusCode, @Nullable String idempotencyKey, @Nullable Throwable cause) {
    super(message, idempotencyKey, cause);
    this.statusCode = statusCode;
  }

  /** The HTTP status of the unusable answer. */
  public int statusCode() {
    return statusCode;
  }
}

package dev.onceonly;

import org.jspecify.annotations.Nullable;

/**
 * The server's answer could not be used: malformed JSON, a required field missing, a body
 * larger than the configured bound, an answer that is not the requested resource, or a
 * redirect to another origin.
 *
 * <p>For an idempotent operation such as {@code create}, this is never thrown on its own: an
 * unusable answer after an attempt that may have reached the server means the operation may
 * exist, so it is the cause of an {@link OutcomeUnknownException}. It is thrown as such for
 * reads ({@code get}), which cannot create anything.
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

package dev.onceonly;

import org.jspecify.annotations.Nullable;

/**
 * Retries ran out and no attempt can have reached the server (every connect failed, or the
 * server only answered {@code 408}/{@code 429}): nothing was created. Calling {@code create}
 * again, with the same key or a new one, cannot make a duplicate.
 */
public class RequestNotSentException extends PaymentsException {

  private final int attempts;

  public RequestNotSentException(
      String message, @Nullable String idempotencyKey, int attempts, @Nullable Throwable cause) {
    super(message, idempotencyKey, cause);
    this.attempts = attempts;
  }

  /** How many requests were tried. */
  public int attempts() {
    return attempts;
  }
}

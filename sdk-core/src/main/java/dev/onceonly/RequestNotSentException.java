package dev.onceonly;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * No attempt can have reached the server: every connect failed, the server only answered
 * {@code 408}/{@code 429} (which say the request was not acted on), or the operation stopped
 * (closed client, interrupt, deadline) before anything left. Nothing was created: calling
 * {@code create} again, with the same key or a new one, cannot make a duplicate.
 * {@link #reason()} says why it stopped.
 */
public class RequestNotSentException extends PaymentsException {

  private final int attempts;
  private final StopReason reason;

  public RequestNotSentException(
      String message, @Nullable String idempotencyKey, int attempts, StopReason reason, @Nullable Throwable cause) {
    super(message, idempotencyKey, cause);
    this.attempts = attempts;
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** How many requests were tried. */
  public int attempts() {
    return attempts;
  }

  /** Why the operation stopped. */
  public StopReason reason() {
    return reason;
  }
}

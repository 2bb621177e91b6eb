package dev.onceonly;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One attempt of an operation that did not end it: what failed, and what the client does next.
 *
 * @param attempt the 1-based number of the attempt that failed
 * @param request what was sent, such as {@code POST /transfers} or {@code GET /responses/{key}}
 * @param idempotencyKey the operation's key; {@code null} for reads, which carry none
 * @param statusCode the HTTP status answered, or 0 when the exchange failed on the network
 * @param cause why the attempt did not end the operation
 * @param willRetry whether another attempt follows; {@code false} when attempts, the deadline or
 *     the key's window ran out
 * @param delay the wait before the next attempt (zero when none follows)
 * @param delaySource where that wait came from
 */
public record AttemptEvent(
    int attempt,
    String request,
    @Nullable String idempotencyKey,
    int statusCode,
    PaymentsException cause,
    boolean willRetry,
    Duration delay,
    DelaySource delaySource) {

  /** The key as an {@code Optional}. */
  public Optional<String> key() {
    return Optional.ofNullable(idempotencyKey);
  }
}

package dev.onceonly;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The root of every exception this SDK throws. Unchecked.
 *
 * <p>Subtypes say what went wrong: {@link ApiException} for an HTTP error answer,
 * {@link NetworkException} for a failed exchange, {@link OutcomeUnknownException} when retries
 * ran out and the operation may or may not have happened, {@link RequestNotSentException} when
 * nothing can have reached the server. Messages never contain the bearer token or a request
 * body.
 */
public class PaymentsException extends RuntimeException {

  private final @Nullable String idempotencyKey;

  public PaymentsException(String message, @Nullable String idempotencyKey, @Nullable Throwable cause) {
    super(message, cause);
    this.idempotencyKey = idempotencyKey;
  }

  public PaymentsException(String message) {
    this(message, null, null);
  }

  /**
   * The {@code Idempotency-Key} of the operation that failed: present whenever a key was sent
   * (every {@code create}), absent for reads, which need none.
   */
  public Optional<String> idempotencyKey() {
    return Optional.ofNullable(idempotencyKey);
  }
}

package dev.onceonly;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The root of every exception this SDK throws. Unchecked.
 *
 * <p>Subtypes say what happened, and for a money-moving operation the type never lies:
 * <ul>
 *   <li>{@link OutcomeUnknownException}: an attempt may have reached the server and the server
 *       gave no final verdict; the operation may exist. Resume it with its key.
 *   <li>{@link RequestNotSentException}: no attempt can have reached the server; nothing exists.
 *   <li>{@link ApiException} (and {@link IdempotencyKeyReusedException}): the server's final
 *       verdict on the key; nothing exists for it.
 *   <li>{@link IdempotencyKeyExpiredException}: the key is too old to send; nothing was sent.
 * </ul>
 * {@link NetworkException} and {@link InvalidResponseException} describe one failed attempt: they
 * are thrown by reads and appear as the cause of the types above. Messages never contain the
 * bearer token or a request body, and server text in them is bounded and scrubbed of anything
 * that looks like a credential.
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

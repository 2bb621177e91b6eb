package dev.onceonly;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Retries ran out (attempts, the deadline, or the key's window) after at least one attempt may
 * have reached the server, and the server could not be made to say what happened: the
 * operation may or may not have taken place.
 *
 * <p>What to do: keep {@link #idempotencyKey()} and {@link #keyExpiresAt()} (for example in the
 * row that asked for the transfer), and before {@code keyExpiresAt()} call {@code create} again
 * with the <em>same parameters</em> and
 * {@code RequestOptions.builder().idempotencyKey(key).keyFirstUsedAt(...)}: the server then
 * either replays the transfer it made or makes it once. After {@code keyExpiresAt()} the server
 * has forgotten the key, so a retry could move the money twice; look the transfer up instead.
 * {@link #getCause()} is the last failure seen.
 */
public class OutcomeUnknownException extends PaymentsException {

  private final String key;
  private final Instant keyExpiresAt;
  private final int attempts;

  public OutcomeUnknownException(
      String message, String idempotencyKey, Instant keyExpiresAt, int attempts, Throwable cause) {
    super(message, Objects.requireNonNull(idempotencyKey, "idempotencyKey"), cause);
    this.key = idempotencyKey;
    this.keyExpiresAt = Objects.requireNonNull(keyExpiresAt, "keyExpiresAt");
    this.attempts = attempts;
  }

  /** Always present: the key that resumes the operation. */
  @Override
  public Optional<String> idempotencyKey() {
    return Optional.of(key);
  }

  /** Until when the server remembers the key; resume before then or not at all. */
  public Instant keyExpiresAt() {
    return keyExpiresAt;
  }

  /** How many requests the operation made, polls of {@code /responses} included. */
  public int attempts() {
    return attempts;
  }
}

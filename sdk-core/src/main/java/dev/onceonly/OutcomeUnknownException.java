package dev.onceonly;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The operation <em>may or may not</em> have taken place: an attempt may have reached the
 * server, and the server could not be made to say what happened. The client throws this (or a
 * subtype) for <em>every</em> failure after an attempt may have reached the server, unless the
 * server gave its final verdict on the key: retries or time ran out, an error that says nothing
 * about the earlier attempt (a {@code 401}, a proxy's {@code 403}), an answer it could not use,
 * a stored server error, the client closed or the thread interrupted mid-operation.
 * {@link #reason()} says which; {@link #getCause()} is the failure behind it.
 *
 * <p>What to do: keep {@link #idempotencyKey()}, {@link #keyFirstSentAt()} and
 * {@link #keyExpiresAt()} (for example in the row that asked for the transfer), and before
 * {@code keyExpiresAt()} call {@code create} again with the <em>same parameters</em> and
 * {@code RequestOptions.builder().idempotencyKey(key).keyFirstUsedAt(keyFirstSentAt)}: the
 * server then either replays the transfer it made or makes it once. After
 * {@code keyExpiresAt()} the server has forgotten the key, so a retry could move the money
 * twice; look the transfer up instead.
 */
public class OutcomeUnknownException extends PaymentsException {

  private final String key;
  private final Instant keyFirstSentAt;
  private final Instant keyExpiresAt;
  private final int attempts;
  private final StopReason reason;

  public OutcomeUnknownException(
      String message,
      String idempotencyKey,
      Instant keyFirstSentAt,
      Instant keyExpiresAt,
      int attempts,
      StopReason reason,
      @Nullable Throwable cause) {
    super(message, Objects.requireNonNull(idempotencyKey, "idempotencyKey"), cause);
    this.key = idempotencyKey;
    this.keyFirstSentAt = Objects.requireNonNull(keyFirstSentAt, "keyFirstSentAt");
    this.keyExpiresAt = Objects.requireNonNull(keyExpiresAt, "keyExpiresAt");
    this.attempts = attempts;
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** Always present: the key that resumes the operation. */
  @Override
  public Optional<String> idempotencyKey() {
    return Optional.of(key);
  }

  /**
   * When the key was first sent: what a resume in another process passes as
   * {@code RequestOptions.Builder.keyFirstUsedAt}, so that it is never sent past its window.
   */
  public Instant keyFirstSentAt() {
    return keyFirstSentAt;
  }

  /** Until when the server remembers the key; resume before then (less a margin) or not at all. */
  public Instant keyExpiresAt() {
    return keyExpiresAt;
  }

  /** How many requests the operation made, polls of {@code /responses} and read-backs included. */
  public int attempts() {
    return attempts;
  }

  /** Why the operation ended without an answer. */
  public StopReason reason() {
    return reason;
  }
}

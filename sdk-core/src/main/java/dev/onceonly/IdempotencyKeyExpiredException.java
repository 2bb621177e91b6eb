package dev.onceonly;

import java.time.Instant;

/**
 * The engine refused to send a key whose window has closed (or is about to): past it, the
 * server forgets the key and the same request would create a second resource. Nothing was sent
 * for this call. Check whether the earlier operation happened before starting a new one with a
 * new key.
 */
public class IdempotencyKeyExpiredException extends PaymentsException {

  private final Instant keyExpiresAt;

  public IdempotencyKeyExpiredException(String message, String idempotencyKey, Instant keyExpiresAt) {
    super(message, idempotencyKey, null);
    this.keyExpiresAt = keyExpiresAt;
  }

  /** When the server forgets (or forgot) the key. */
  public Instant keyExpiresAt() {
    return keyExpiresAt;
  }
}

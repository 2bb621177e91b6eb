package dev.onceonly.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * When this client first sent each idempotency key whose operation ended without an answer (an
 * exception the caller may resume from), so that a key resumed in the same process is never
 * sent past its window. Operations that got their answer are not recorded: a busy client keeps
 * only its failures here, not every key of the last 24 hours. Entries older than the window are
 * dropped as the ledger grows: past it the engine refuses the key by the caller's
 * {@code keyFirstUsedAt} or not at all, so keeping them buys nothing. Thread-safe.
 */
final class KeyLedger {

  private static final int PURGE_THRESHOLD = 10_000;

  private final ConcurrentHashMap<String, Instant> firstSent = new ConcurrentHashMap<>();
  private final Duration window;
  private volatile int purgeAt = PURGE_THRESHOLD;

  KeyLedger(Duration window) {
    this.window = window;
  }

  /** When {@code key} was first sent, by this ledger's record or the caller's, whichever is older. */
  @Nullable
  Instant firstSent(String key, @Nullable Instant callerSays) {
    Instant recorded = firstSent.get(key);
    if (recorded == null) {
      return callerSays;
    }
    return callerSays != null && callerSays.isBefore(recorded) ? callerSays : recorded;
  }

  /** How many keys are remembered. */
  int size() {
    return firstSent.size();
  }

  /** Records a send of {@code key} at {@code at}; keeps the earliest. */
  void recordSend(String key, Instant at) {
    firstSent.merge(key, at, (old, now) -> old.isBefore(now) ? old : now);
    int size = firstSent.size();
    if (size > purgeAt) {
      Instant cutoff = at.minus(window);
      firstSent.values().removeIf(sent -> sent.isBefore(cutoff));
      // Scan again only once the ledger has doubled, so a busy client pays O(1) per send.
      purgeAt = Math.max(PURGE_THRESHOLD, 2 * firstSent.size());
    }
  }
}

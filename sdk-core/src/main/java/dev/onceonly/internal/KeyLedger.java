package dev.onceonly.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * When this client first sent each idempotency key whose operation ended without an answer (an
 * exception the caller may resume from), so that a key resumed in the same process is never
 * sent past its window. Operations that got their answer are not recorded: a busy client keeps
 * only its failures here, not every key of the last 24 hours.
 *
 * <p>Bounded: entries older than the window are dropped (past it the engine refuses the key by
 * the caller's {@code keyFirstUsedAt} or not at all), and at most {@link #MAX_KEYS} are kept, so
 * that a long outage cannot grow it without end. When full, the oldest entry goes; a caller who
 * resumes such a key must pass {@code keyFirstUsedAt} (every {@code OutcomeUnknownException}
 * carries it as {@code keyFirstSentAt()}), which a durable journal does for it. Thread-safe.
 */
final class KeyLedger {

  /** The most keys remembered. */
  static final int MAX_KEYS = 100_000;

  /** Insertion order is first-failure order, close enough to age for eviction. Guarded by itself. */
  private final LinkedHashMap<String, Instant> firstSent = new LinkedHashMap<>();
  private final Duration window;
  private final int maxKeys;

  KeyLedger(Duration window) {
    this(window, MAX_KEYS);
  }

  KeyLedger(Duration window, int maxKeys) {
    this.window = window;
    this.maxKeys = maxKeys;
  }

  /** When {@code key} was first sent, by this ledger's record or the caller's, whichever is older. */
  @Nullable
  Instant firstSent(String key, @Nullable Instant callerSays) {
    Instant recorded;
    synchronized (firstSent) {
      recorded = firstSent.get(key);
    }
    if (recorded == null) {
      return callerSays;
    }
    return callerSays != null && callerSays.isBefore(recorded) ? callerSays : recorded;
  }

  /** How many keys are remembered. */
  int size() {
    synchronized (firstSent) {
      return firstSent.size();
    }
  }

  /** Records a send of {@code key} at {@code at}; keeps the earliest. */
  void recordSend(String key, Instant at) {
    synchronized (firstSent) {
      firstSent.merge(key, at, (old, now) -> old.isBefore(now) ? old : now);
      // The eldest entries come first: drop those past the window, then any beyond the cap.
      // Amortised O(1) per send, whatever the size.
      Instant cutoff = at.minus(window);
      Iterator<Map.Entry<String, Instant>> oldest = firstSent.entrySet().iterator();
      while (oldest.hasNext()) {
        Map.Entry<String, Instant> eldest = oldest.next();
        if (firstSent.size() <= maxKeys && !eldest.getValue().isBefore(cutoff)) {
          break;
        }
        oldest.remove();
      }
    }
  }
}

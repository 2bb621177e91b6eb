package dev.onceonly.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * When this client first sent each idempotency key, so that a key resumed in the same process
 * is never sent past its window. Entries older than the window are dropped as the ledger grows:
 * the engine refuses those keys by the caller's {@code keyFirstUsedAt} or not at all, so an
 * unbounded map buys nothing. Thread-safe.
 *
 * <p>Every create records its key, and the ledger keeps it for the whole window (24 hours by
 * default), so a busy client holds many entries. Keys in the form the client mints, a UUID in
 * lower-case hex ({@code 19051a62-3403-11e6-ac61-9e71128cae77}), are therefore kept packed: the
 * key's 128 bits and the send time in one array of longs (32 bytes a slot, at most twice as many
 * slots as entries) and no objects for the garbage collector to trace or copy, where a map entry
 * with its key string and {@code Instant} takes about 140 bytes in four objects. A packed key stands for exactly one
 * string, so nothing changes but the memory: any other key (the caller's own) goes to a plain
 * map.
 */
final class KeyLedger {

  private static final int PURGE_THRESHOLD = 10_000;
  private static final int SEGMENTS = 16; // a power of two: locks held for a few probes, rarely contended
  /** Not a key's half: a key whose half has these bits (one UUID in 2^64) stays a string. */
  private static final long NOT_PACKED = Long.MIN_VALUE;
  /** The value of each lower-case hex digit, -1 for every other ASCII character. */
  private static final long[] HEX = new long[128];

  static {
    java.util.Arrays.fill(HEX, -1);
    for (int c = '0'; c <= '9'; c++) {
      HEX[c] = c - '0';
    }
    for (int c = 'a'; c <= 'f'; c++) {
      HEX[c] = c - 'a' + 10;
    }
  }

  private final ConcurrentHashMap<String, Instant> others = new ConcurrentHashMap<>();
  private final Segment[] segments = new Segment[SEGMENTS];
  private final AtomicInteger packedCount = new AtomicInteger();
  private final Duration window;
  private volatile int purgeAt = PURGE_THRESHOLD;

  KeyLedger(Duration window) {
    this.window = window;
    for (int i = 0; i < SEGMENTS; i++) {
      segments[i] = new Segment();
    }
  }

  /** When {@code key} was first sent, by this ledger's record or the caller's, whichever is older. */
  @Nullable
  Instant firstSent(String key, @Nullable Instant callerSays) {
    Instant recorded = recorded(key);
    if (recorded == null) {
      return callerSays;
    }
    return callerSays != null && callerSays.isBefore(recorded) ? callerSays : recorded;
  }

  /** Records a send of {@code key} at {@code at}; keeps the earliest. */
  void recordSend(String key, Instant at) {
    long high = packedHigh(key);
    long low = high == NOT_PACKED ? NOT_PACKED : packedLow(key);
    if (low != NOT_PACKED) {
      segmentOf(high, low).record(high, low, at.getEpochSecond(), at.getNano(), packedCount);
    } else {
      others.merge(key, at, (old, now) -> old.isBefore(now) ? old : now);
    }
    int size = size();
    if (size > purgeAt) {
      Instant cutoff = at.minus(window);
      others.values().removeIf(sent -> sent.isBefore(cutoff));
      for (Segment segment : segments) {
        segment.removeSentBefore(cutoff.getEpochSecond(), cutoff.getNano(), packedCount);
      }
      // Scan again only once the ledger has doubled, so a busy client pays O(1) per send.
      purgeAt = Math.max(PURGE_THRESHOLD, 2 * size());
    }
  }

  private @Nullable Instant recorded(String key) {
    long high = packedHigh(key);
    long low = high == NOT_PACKED ? NOT_PACKED : packedLow(key);
    if (low != NOT_PACKED) {
      return segmentOf(high, low).get(high, low);
    }
    return others.get(key);
  }

  private int size() {
    return packedCount.get() + others.size();
  }

  private Segment segmentOf(long high, long low) {
    return segments[(int) (mix(high, low) >>> 60) & (SEGMENTS - 1)];
  }

  private static long mix(long high, long low) {
    long h = high * 0x9E3779B97F4A7C15L ^ low;
    h ^= h >>> 33;
    h *= 0xC2B2AE3D27D4EB4FL;
    return h ^ (h >>> 29);
  }

  /** Whether {@code key} is a UUID in lower-case hex: 8-4-4-4-12 digits of {@code 0-9a-f}. */
  static boolean isPackable(String key) {
    return packedHigh(key) != NOT_PACKED && packedLow(key) != NOT_PACKED;
  }

  /**
   * The first 64 bits of a packable key ({@code xxxxxxxx-xxxx-xxxx-}), or {@link #NOT_PACKED}
   * when the key is not in that form (a key whose bits are that value is kept unpacked).
   */
  private static long packedHigh(String key) {
    if (key.length() != 36 || key.charAt(8) != '-' || key.charAt(13) != '-' || key.charAt(18) != '-') {
      return NOT_PACKED;
    }
    long value = 0;
    long bad = 0;
    for (int i = 0; i < 18; i++) {
      if (i == 8 || i == 13) {
        continue;
      }
      char c = key.charAt(i);
      long digit = c < 128 ? HEX[c] : -1;
      bad |= digit;
      value = value << 4 | (digit & 0xf);
    }
    return bad < 0 || value == NOT_PACKED ? NOT_PACKED : value;
  }

  /** The last 64 bits ({@code xxxx-xxxxxxxxxxxx}) of a key whose high half packed, or {@link #NOT_PACKED}. */
  private static long packedLow(String key) {
    if (key.charAt(23) != '-') {
      return NOT_PACKED;
    }
    long value = 0;
    long bad = 0;
    for (int i = 19; i < 36; i++) {
      if (i == 23) {
        continue;
      }
      char c = key.charAt(i);
      long digit = c < 128 ? HEX[c] : -1;
      bad |= digit;
      value = value << 4 | (digit & 0xf);
    }
    return bad < 0 || value == NOT_PACKED ? NOT_PACKED : value;
  }

  /**
   * An open-addressing table of packed keys and their first send time, guarded by its own lock.
   * Each slot is four longs side by side (the key's two halves, the second, the nanosecond), so
   * that a probe reads one cache line; a slot is empty when its nanosecond is -1.
   */
  private static final class Segment {
    private static final int HIGH = 0;
    private static final int LOW = 1;
    private static final int SECOND = 2;
    private static final int NANO = 3;

    private long[] slots = empty(16);
    private int size;

    synchronized @Nullable Instant get(long high, long low) {
      int at = find(slots, high, low);
      return slots[at + NANO] < 0 ? null : Instant.ofEpochSecond(slots[at + SECOND], slots[at + NANO]);
    }

    synchronized void record(long high, long low, long second, int nano, AtomicInteger count) {
      int at = find(slots, high, low);
      if (slots[at + NANO] >= 0) {
        if (before(second, nano, slots[at + SECOND], slots[at + NANO])) {
          slots[at + SECOND] = second; // an earlier send than the one recorded
          slots[at + NANO] = nano;
        }
        return;
      }
      slots[at + HIGH] = high;
      slots[at + LOW] = low;
      slots[at + SECOND] = second;
      slots[at + NANO] = nano;
      size++;
      count.incrementAndGet();
      if (size * 2 > slots.length / 4) {
        rehash(slots.length * 2, Long.MIN_VALUE, 0, count);
      }
    }

    /** Drops the entries sent before the cutoff; rebuilds the table only if there are some. */
    synchronized void removeSentBefore(long second, int nano, AtomicInteger count) {
      for (int at = 0; at < slots.length; at += 4) {
        if (slots[at + NANO] >= 0 && before(slots[at + SECOND], slots[at + NANO], second, nano)) {
          rehash(slots.length, second, nano, count);
          return;
        }
      }
    }

    private static boolean before(long second, long nano, long otherSecond, long otherNano) {
      return second < otherSecond || (second == otherSecond && nano < otherNano);
    }

    /** The index of the key's slot, or of the empty slot where it would go. */
    private static int find(long[] slots, long high, long low) {
      int mask = slots.length / 4 - 1;
      int slot = (int) mix(high, low) & mask;
      while (slots[slot * 4 + NANO] >= 0 && (slots[slot * 4 + HIGH] != high || slots[slot * 4 + LOW] != low)) {
        slot = (slot + 1) & mask;
      }
      return slot * 4;
    }

    /** Rebuilds the table with {@code length} longs, keeping entries not sent before the cutoff. */
    private void rehash(int length, long cutoffSecond, int cutoffNano, AtomicInteger count) {
      long[] old = slots;
      long[] fresh = empty(length);
      int kept = 0;
      for (int at = 0; at < old.length; at += 4) {
        if (old[at + NANO] < 0 || before(old[at + SECOND], old[at + NANO], cutoffSecond, cutoffNano)) {
          continue;
        }
        int to = find(fresh, old[at + HIGH], old[at + LOW]);
        System.arraycopy(old, at, fresh, to, 4);
        kept++;
      }
      slots = fresh;
      count.addAndGet(kept - size);
      size = kept;
    }

    private static long[] empty(int length) {
      long[] slots = new long[length];
      for (int at = NANO; at < length; at += 4) {
        slots[at] = -1;
      }
      return slots;
    }
  }
}

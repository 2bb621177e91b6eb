package dev.onceonly.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** {@link KeyLedger} with the keys the client mints (packed) and any others: the same answers as a plain map. */
class KeyLedgerPackedTest {

  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00.123456789Z");

  /** The ledger as it was before keys were packed: the reference. */
  private static final class MapLedger {
    private final ConcurrentHashMap<String, Instant> firstSent = new ConcurrentHashMap<>();
    private final Duration window;
    private int purgeAt = 10_000;

    MapLedger(Duration window) {
      this.window = window;
    }

    @Nullable Instant firstSent(String key, @Nullable Instant callerSays) {
      Instant recorded = firstSent.get(key);
      if (recorded == null) {
        return callerSays;
      }
      return callerSays != null && callerSays.isBefore(recorded) ? callerSays : recorded;
    }

    void recordSend(String key, Instant at) {
      firstSent.merge(key, at, (old, now) -> old.isBefore(now) ? old : now);
      int size = firstSent.size();
      if (size > purgeAt) {
        Instant cutoff = at.minus(window);
        firstSent.values().removeIf(sent -> sent.isBefore(cutoff));
        purgeAt = Math.max(10_000, 2 * firstSent.size());
      }
    }
  }

  @Test
  void packsOnlyLowerCaseUuids() {
    assertTrue(KeyLedger.isPackable("19051a62-3403-11e6-ac61-9e71128cae77"));
    assertTrue(KeyLedger.isPackable(UUID.randomUUID().toString()));
    assertFalse(KeyLedger.isPackable("19051A62-3403-11E6-AC61-9E71128CAE77")); // another string: kept apart
    assertFalse(KeyLedger.isPackable("19051a62-3403-11e6-ac61-9e71128cae7"));
    assertFalse(KeyLedger.isPackable("19051a62-3403-11e6-ac61-9e71128cae777"));
    assertFalse(KeyLedger.isPackable("19051a6223403-11e6-ac61-9e71128cae77"));
    assertFalse(KeyLedger.isPackable("19051a62-3403-11e6-ac61-9e71128cae7g"));
    assertFalse(KeyLedger.isPackable("k-0000000000000001"));
    assertFalse(KeyLedger.isPackable("80000000-0000-0000-0000-000000000001")); // its high half is the sentinel: a string
    assertTrue(KeyLedger.isPackable("00000000-0000-0000-0000-000000000000"));
  }

  @Test
  void keysOnBothSidesOfTheSentinelAreKeptApart() {
    KeyLedger ledger = new KeyLedger(Duration.ofHours(24));
    String sentinel = "80000000-0000-0000-0000-000000000001";
    String neighbour = "80000000-0000-0001-0000-000000000001";
    ledger.recordSend(sentinel, T0);
    ledger.recordSend(neighbour, T0.plusSeconds(1));
    assertEquals(T0, ledger.firstSent(sentinel, null));
    assertEquals(T0.plusSeconds(1), ledger.firstSent(neighbour, null));
  }

  @Test
  void keepsTheEarliestSendOfAMintedKeyToTheNanosecond() {
    KeyLedger ledger = new KeyLedger(Duration.ofHours(24));
    String key = "19051a62-3403-11e6-ac61-9e71128cae77";
    ledger.recordSend(key, T0.plusNanos(10));
    ledger.recordSend(key, T0.plusSeconds(20));
    ledger.recordSend(key, T0.plusNanos(5));
    ledger.recordSend(key, T0.plusNanos(7));

    assertEquals(T0.plusNanos(5), ledger.firstSent(key, null));
    assertEquals(T0, ledger.firstSent(key, T0));
    assertNull(ledger.firstSent("19051a62-3403-11e6-ac61-9e71128cae78", null)); // one bit apart
    assertNull(ledger.firstSent(key.toUpperCase(Locale.ROOT), null)); // another key to a server
  }

  @Test
  void answersAsThePlainMapDidOverRandomSendsAndPurges() {
    SplittableRandom random = new SplittableRandom(11);
    Duration window = Duration.ofSeconds(100);
    KeyLedger ledger = new KeyLedger(window);
    MapLedger reference = new MapLedger(window);
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      String uuid = new UUID(random.nextLong(), random.nextLong()).toString();
      keys.add(switch (i % 3) {
        case 0 -> uuid;
        case 1 -> uuid.toUpperCase(Locale.ROOT);
        default -> "caller-key-" + i;
      });
    }
    Instant now = T0;
    for (int i = 0; i < 60_000; i++) {
      now = now.plusNanos(random.nextLong(5_000_000_000L)); // time runs past the window many times
      String key = random.nextInt(4) == 0 ? keys.get(random.nextInt(keys.size()))
          : new UUID(random.nextLong(), random.nextLong()).toString(); // most keys fresh, as minted
      Instant at = now.minusNanos(random.nextLong(1_000_000_000L)); // sends out of order too
      ledger.recordSend(key, at);
      reference.recordSend(key, at);
      String asked = random.nextBoolean() ? key : keys.get(random.nextInt(keys.size()));
      Instant callerSays = random.nextInt(3) == 0 ? now.minusSeconds(random.nextInt(200)) : null;
      assertEquals(reference.firstSent(asked, callerSays), ledger.firstSent(asked, callerSays), asked + " at " + i);
    }
    for (String key : keys) {
      assertEquals(reference.firstSent(key, null), ledger.firstSent(key, null), key);
    }
  }

  @Test
  void forgetsMintedKeysPastTheirWindowOnceItGrowsLarge() {
    KeyLedger ledger = new KeyLedger(Duration.ofHours(24));
    List<String> old = new ArrayList<>();
    for (int i = 0; i < 10_001; i++) {
      String key = UUID.randomUUID().toString();
      old.add(key);
      ledger.recordSend(key, T0);
    }
    Instant later = T0.plus(Duration.ofHours(25));
    String kept = null;
    for (int i = 0; i < 10_002; i++) {
      kept = UUID.randomUUID().toString();
      ledger.recordSend(kept, later);
    }
    assertNull(ledger.firstSent(old.get(7), null), "past its window: forgotten");
    assertEquals(later, ledger.firstSent(kept, null));
  }

  @Test
  void threadsRecordingAtOnceLoseNothing() throws Exception {
    KeyLedger ledger = new KeyLedger(Duration.ofHours(24));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<List<String>>> futures = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        futures.add(pool.submit(() -> {
          List<String> mine = new ArrayList<>();
          for (int i = 0; i < 5_000; i++) {
            String key = UUID.randomUUID().toString();
            mine.add(key);
            ledger.recordSend(key, T0.plusMillis(i));
          }
          return mine;
        }));
      }
      for (Future<List<String>> future : futures) {
        List<String> mine = future.get();
        for (int i = 0; i < mine.size(); i++) {
          assertEquals(T0.plusMillis(i), ledger.firstSent(mine.get(i), null));
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}

package dev.onceonly.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class KeyLedgerTest {

  final Instant t0 = Instant.parse("2026-11-23T10:00:00Z");
  final KeyLedger ledger = new KeyLedger(Duration.ofHours(24));

  @Test
  void keepsTheEarliestSendAndTheCallersOlderClaim() {
    ledger.recordSend("k-0000000000000001", t0.plusSeconds(10));
    ledger.recordSend("k-0000000000000001", t0.plusSeconds(20));
    ledger.recordSend("k-0000000000000001", t0.plusSeconds(5));

    assertEquals(t0.plusSeconds(5), ledger.firstSent("k-0000000000000001", null));
    assertEquals(t0, ledger.firstSent("k-0000000000000001", t0), "the caller knows of an earlier send");
    assertEquals(t0.plusSeconds(5), ledger.firstSent("k-0000000000000001", t0.plusSeconds(60)));
    assertNull(ledger.firstSent("k-unknown-00000000", null));
  }

  @Test
  void forgetsKeysPastTheirWindowOnceItGrowsLarge() {
    for (int i = 0; i < 10_001; i++) {
      ledger.recordSend(String.format("old-%012d", i), t0); // the first scan finds nothing to drop
    }
    Instant later = t0.plus(Duration.ofHours(25));
    for (int i = 0; i < 10_002; i++) {
      ledger.recordSend(String.format("new-%012d", i), later); // past double the size: scanned again
    }

    assertNull(ledger.firstSent("old-000000000007", null), "past its window: forgotten");
    assertEquals(later, ledger.firstSent("new-000000000007", null));
  }

  @Test
  void staysBoundedDuringAnOutageDroppingTheOldestFirst() {
    KeyLedger small = new KeyLedger(Duration.ofHours(24), 1_000);
    for (int i = 0; i < 5_000; i++) {
      small.recordSend(String.format("k-%014d", i), t0.plusSeconds(i)); // all within the window
    }

    assertEquals(1_000, small.size());
    assertNull(small.firstSent("k-00000000000000", null), "the oldest went first");
    assertEquals(t0.plusSeconds(4_999), small.firstSent("k-00000000004999", null));
  }

  @Test
  void theDefaultCapIsAHundredThousandKeys() {
    assertEquals(100_000, KeyLedger.MAX_KEYS);
  }
}

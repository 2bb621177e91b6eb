package dev.onceonly.journal;

import static dev.onceonly.journal.Entries.T0;
import static dev.onceonly.journal.Entries.assertSameEntry;
import static dev.onceonly.journal.Entries.keys;
import static dev.onceonly.journal.Entries.pending;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link OperationJournal} does, as its Javadoc promises; each implementation's test
 * class extends this and says how to open one on an empty store.
 */
abstract class OperationJournalContract {

  static final Duration LEASE = Duration.ofSeconds(30);

  OperationJournal journal;

  /** A journal on an empty store of its own. */
  abstract OperationJournal openJournal() throws Exception;

  @BeforeEach
  void openTheJournal() throws Exception {
    journal = openJournal();
  }

  @AfterEach
  void closeTheJournal() {
    journal.close();
  }

  @Test
  void claimRejectsBadArgumentsByNameAndClaimsNothing() {
    journal.begin(pending("k-1"));
    java.time.Instant now = T0.plusSeconds(10);

    assertEquals("owner", assertThrows(NullPointerException.class,
        () -> journal.claim(null, now, LEASE, 1)).getMessage());
    assertEquals("now", assertThrows(NullPointerException.class,
        () -> journal.claim("owner-a", null, LEASE, 1)).getMessage());
    assertEquals("lease", assertThrows(NullPointerException.class,
        () -> journal.claim("owner-a", now, null, 1)).getMessage());
    assertEquals("max must be >= 1, was: 0", assertThrows(IllegalArgumentException.class,
        () -> journal.claim("owner-a", now, LEASE, 0)).getMessage());
    assertEquals("lease must be positive, was: PT0S", assertThrows(IllegalArgumentException.class,
        () -> journal.claim("owner-a", now, Duration.ZERO, 1)).getMessage());
    assertEquals("lease must be positive, was: PT-1S", assertThrows(IllegalArgumentException.class,
        () -> journal.claim("owner-a", now, Duration.ofSeconds(-1), 1)).getMessage());

    assertEquals(List.of("k-1"), keys(journal.claim("owner-b", now, LEASE, 1)), "nothing was claimed before");
  }

  @Test
  void beginStoresTheEntryAndFindReturnsItAsWritten() {
    JournalEntry e = pending("k-1");

    JournalEntry held = journal.begin(e);

    assertSameEntry(e, held);
    assertSameEntry(e, journal.find("k-1").orElseThrow());
  }

  @Test
  void findByReferenceReturnsTheNewestEntryGivenThatReferenceInWhateverState() {
    JournalEntry older = Entries.withReference(pending("k-1", T0), "invoice-7");
    JournalEntry newer = Entries.withReference(pending("k-2", T0.plusSeconds(60)), "invoice-7");
    journal.begin(older);
    journal.begin(newer);
    journal.begin(Entries.withReference(pending("k-3", T0.plusSeconds(90)), "invoice-8"));
    journal.settle("k-2", JournalState.SUCCEEDED, 201, "{}".getBytes(StandardCharsets.UTF_8));

    JournalEntry found = journal.findByReference("invoice-7").orElseThrow();

    assertEquals("k-2", found.idempotencyKey());
    assertEquals(JournalState.SUCCEEDED, found.state());
    assertEquals("invoice-7", found.reference());
    assertEquals(Optional.empty(), journal.findByReference("invoice-9"));
  }

  @Test
  void findOfAnUnknownKeyIsEmpty() {
    journal.begin(pending("k-1"));

    assertEquals(Optional.empty(), journal.find("k-2"));
  }

  @Test
  void beginOfAKeyAlreadyHeldKeepsTheEarlierEntryAndItsFirstSentAt() {
    JournalEntry first = pending("k-1", T0);
    journal.begin(first);
    JournalEntry again = Entries.withBody(pending("k-1", T0.plusSeconds(5)), "other".getBytes(StandardCharsets.UTF_8));

    JournalEntry held = journal.begin(again);

    assertSameEntry(first, held);
    assertSameEntry(first, journal.find("k-1").orElseThrow());
    assertEquals(List.of("k-1"), keys(journal.pending()));
  }

  @Test
  void beginOfASettledKeyReturnsTheSettledEntryUnchanged() {
    JournalEntry e = pending("k-1");
    journal.begin(e);
    byte[] answer = "{\"id\":\"tr_1\"}".getBytes(StandardCharsets.UTF_8);
    journal.settle("k-1", JournalState.SUCCEEDED, 201, answer);

    JournalEntry held = journal.begin(pending("k-1", T0.plusSeconds(1)));

    assertSameEntry(Entries.settled(e, JournalState.SUCCEEDED, 201, answer), held);
    assertEquals(List.of(), journal.pending());
  }

  @Test
  void beginRefusesAnEntryThatIsNotPendingAndWritesNothing() {
    JournalEntry settled = Entries.settled(pending("k-1"), JournalState.SUCCEEDED, 200, new byte[0]);

    assertThrows(IllegalArgumentException.class, () -> journal.begin(settled));

    assertEquals(Optional.empty(), journal.find("k-1"));
  }

  @Test
  void bodyBytesRoundTripExactlyIncludingBytesThatAreNotUtf8() {
    byte[] body = new byte[256 + 6];
    for (int i = 0; i < 256; i++) {
      body[i] = (byte) i; // every byte value, NUL and 0x80..0xFF included
    }
    byte[] invalidUtf8 = {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE, (byte) 0xED, (byte) 0xA0};
    System.arraycopy(invalidUtf8, 0, body, 256, invalidUtf8.length);
    JournalEntry e = Entries.withBody(pending("k-bytes"), body);

    journal.begin(e);

    assertSameEntry(e, journal.find("k-bytes").orElseThrow());
  }

  @Test
  void anEmptyBodyRoundTripsAsEmpty() {
    JournalEntry e = Entries.withBody(pending("k-empty"), new byte[0]);

    journal.begin(e);

    assertEquals(0, journal.find("k-empty").orElseThrow().body().length);
  }

  @Test
  void headersRoundTripInTheirOrderWithAnyCharacters() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Zeta", "last letter first");
    headers.put("Content-Type", "application/json; charset=utf-8");
    headers.put("alpha", "");
    headers.put("X-Odd", "a:b %41 100% \\n");
    headers.put("X-Unicode", "Grüße € 日本");
    headers.put("X-Control", "line1\nline2\r\t\u0000end");
    headers.put("X:Colon-In-Name", "v");
    JournalEntry e = Entries.withHeaders(pending("k-headers"), headers);

    journal.begin(e);

    assertSameEntry(e, journal.find("k-headers").orElseThrow());
  }

  @Test
  void noHeadersRoundTripAsNone() {
    JournalEntry e = Entries.withHeaders(pending("k-none"), Map.of());

    journal.begin(e);

    assertEquals(Map.of(), journal.find("k-none").orElseThrow().headers());
  }

  @Test
  void pendingListsOnlyPendingEntriesOldestFirst() {
    journal.begin(pending("k-b", T0.plusSeconds(2)));
    journal.begin(pending("k-c", T0.plusSeconds(3)));
    journal.begin(pending("k-a", T0.plusSeconds(1)));
    journal.begin(pending("k-d", T0));
    journal.settle("k-d", JournalState.FAILED, 422, new byte[] {1});

    assertEquals(List.of("k-a", "k-b", "k-c"), keys(journal.pending()));
  }

  @Test
  void settleStoresTheStateStatusAndAnswer() {
    JournalEntry e = pending("k-1");
    journal.begin(e);
    byte[] answer = "{\"id\":\"tr_1\",\"status\":\"pending\"}".getBytes(StandardCharsets.UTF_8);

    journal.settle("k-1", JournalState.SUCCEEDED, 201, answer);

    assertSameEntry(Entries.settled(e, JournalState.SUCCEEDED, 201, answer), journal.find("k-1").orElseThrow());
    assertEquals(List.of(), journal.pending());
  }

  @Test
  void settlingTwiceChangesNothingTheSecondTime() {
    JournalEntry e = pending("k-1");
    journal.begin(e);
    byte[] first = "first".getBytes(StandardCharsets.UTF_8);
    journal.settle("k-1", JournalState.SUCCEEDED, 201, first);

    journal.settle("k-1", JournalState.FAILED, 409, "second".getBytes(StandardCharsets.UTF_8));

    assertSameEntry(Entries.settled(e, JournalState.SUCCEEDED, 201, first), journal.find("k-1").orElseThrow());
  }

  @Test
  void settlingAnUnknownKeyWritesNothing() {
    journal.settle("k-unknown", JournalState.SUCCEEDED, 200, new byte[] {1});

    assertEquals(Optional.empty(), journal.find("k-unknown"));
  }

  @Test
  void settleRefusesPendingAsAState() {
    journal.begin(pending("k-1"));

    assertThrows(IllegalArgumentException.class, () -> journal.settle("k-1", JournalState.PENDING, 0, new byte[0]));

    assertEquals(List.of("k-1"), keys(journal.pending()));
  }

  @Test
  void anEntrySettledAsExpiredKeepsAnEmptyAnswerNotNone() {
    journal.begin(pending("k-1"));

    journal.settle("k-1", JournalState.EXPIRED, 0, new byte[0]);

    JournalEntry found = journal.find("k-1").orElseThrow();
    assertEquals(JournalState.EXPIRED, found.state());
    assertEquals(0, found.statusCode());
    assertEquals(0, found.response().length);
  }

  @Test
  void claimHandsOutTheOldestUnheldEntriesUpToMax() {
    for (int i = 5; i >= 1; i--) {
      journal.begin(pending("k-" + i, T0.plusSeconds(i)));
    }

    List<JournalEntry> first = journal.claim("owner-a", T0.plusSeconds(10), LEASE, 3);
    List<JournalEntry> second = journal.claim("owner-b", T0.plusSeconds(10), LEASE, 3);
    List<JournalEntry> third = journal.claim("owner-c", T0.plusSeconds(10), LEASE, 3);

    assertEquals(List.of("k-1", "k-2", "k-3"), keys(first));
    assertEquals(List.of("k-4", "k-5"), keys(second));
    assertEquals(List.of(), third);
    assertSameEntry(pending("k-1", T0.plusSeconds(1)), first.get(0));
  }

  @Test
  void aClaimedEntryStaysWithItsOwnerUntilTheLeaseEndsThenGoesToAnother() {
    journal.begin(pending("k-1"));
    List<JournalEntry> a = journal.claim("owner-a", T0, LEASE, 10);

    List<JournalEntry> beforeEnd = journal.claim("owner-b", T0.plus(LEASE).minusMillis(1), LEASE, 10);
    List<JournalEntry> atEnd = journal.claim("owner-b", T0.plus(LEASE), LEASE, 10);
    List<JournalEntry> afterB = journal.claim("owner-a", T0.plus(LEASE).plusSeconds(1), LEASE, 10);

    assertEquals(List.of("k-1"), keys(a));
    assertEquals(List.of(), beforeEnd);
    assertEquals(List.of("k-1"), keys(atEnd));
    assertEquals(List.of(), afterB, "owner-b's new lease holds");
  }

  @Test
  void anEntryBegunWithALeaseIsHeldByItsWriterUntilTheLeaseEnds() {
    journal.begin(pending("k-1"), "writer", T0.plus(LEASE));

    assertEquals(List.of(), journal.claim("other", T0, LEASE, 10), "the writer is still on it");
    journal.release("k-1", "writer"); // the operation ended without settling: up for a resume
    journal.begin(pending("k-2"), "writer", T0.plus(LEASE));
    assertEquals(List.of("k-1"), keys(journal.claim("other", T0, LEASE, 10)));
    assertTrue(keys(journal.claim("another", T0.plus(LEASE), LEASE, 10)).contains("k-2"),
        "the writer died: its entry is up for a resume once its lease ends");
  }

  @Test
  void pendingListsLeasedEntriesToo() {
    journal.begin(pending("k-1"));
    journal.claim("owner-a", T0, LEASE, 1);

    assertEquals(List.of("k-1"), keys(journal.pending()));
  }

  @Test
  void releaseByTheOwnerMakesTheEntryClaimableBeforeItsLeaseEnds() {
    journal.begin(pending("k-1"));
    journal.claim("owner-a", T0, LEASE, 1);

    journal.release("k-1", "owner-a");

    assertEquals(List.of("k-1"), keys(journal.claim("owner-b", T0.plusSeconds(1), LEASE, 1)));
  }

  @Test
  void releaseByAnotherOwnerChangesNothing() {
    journal.begin(pending("k-1"));
    journal.claim("owner-a", T0, LEASE, 1);

    journal.release("k-1", "owner-b");

    assertEquals(List.of(), journal.claim("owner-b", T0.plusSeconds(1), LEASE, 1));
  }

  @Test
  void aSettledEntryIsNeverClaimedAndSettlingDropsTheLease() {
    journal.begin(pending("k-1"));
    journal.begin(pending("k-2", T0.plusSeconds(1)));
    journal.claim("owner-a", T0, LEASE, 2);

    journal.settle("k-1", JournalState.SUCCEEDED, 201, new byte[] {1});

    assertEquals(List.of("k-2"), keys(journal.pending()));
    assertEquals(List.of("k-2"), keys(journal.claim("owner-b", T0.plus(LEASE), LEASE, 10)));
  }

  @Test
  void claimRefusesANonPositiveMaxOrLease() {
    journal.begin(pending("k-1"));

    assertThrows(IllegalArgumentException.class, () -> journal.claim("o", T0, LEASE, 0));
    assertThrows(IllegalArgumentException.class, () -> journal.claim("o", T0, Duration.ZERO, 1));
    assertThrows(IllegalArgumentException.class, () -> journal.claim("o", T0, Duration.ofSeconds(-1), 1));
    assertEquals(List.of("k-1"), keys(journal.claim("o", T0, LEASE, 1)), "the refused calls claimed nothing");
  }

  @Test
  void purgeDeletesOnlySettledEntriesWhoseKeyExpiredBeforeTheCutoff() {
    var cutoff = T0.plus(Entries.KEY_WINDOW).plusSeconds(10);
    journal.begin(Entries.withKeyExpiresAt(pending("settled-expired"), cutoff.minusMillis(1)));
    journal.begin(Entries.withKeyExpiresAt(pending("settled-at-cutoff"), cutoff));
    journal.begin(Entries.withKeyExpiresAt(pending("settled-live"), cutoff.plusSeconds(1)));
    journal.begin(Entries.withKeyExpiresAt(pending("pending-expired"), cutoff.minusSeconds(1)));
    journal.begin(Entries.withKeyExpiresAt(pending("expired-state"), cutoff.minusSeconds(1)));
    for (String k : List.of("settled-expired", "settled-at-cutoff", "settled-live")) {
      journal.settle(k, JournalState.SUCCEEDED, 201, new byte[] {1});
    }
    journal.settle("expired-state", JournalState.EXPIRED, 0, new byte[0]);

    int purged = journal.purgeSettled(cutoff);

    assertEquals(2, purged);
    assertTrue(journal.find("settled-expired").isEmpty());
    assertTrue(journal.find("expired-state").isEmpty());
    assertTrue(journal.find("settled-at-cutoff").isPresent());
    assertTrue(journal.find("settled-live").isPresent());
    assertTrue(journal.find("pending-expired").isPresent());
  }
}

package dev.onceonly.internal;

import static dev.onceonly.internal.FakeTransport.answer;
import static dev.onceonly.internal.FakeTransport.connectRefused;
import static dev.onceonly.internal.FakeTransport.readTimeout;
import static dev.onceonly.internal.Fixtures.KEY;
import static dev.onceonly.internal.Fixtures.T0;
import static dev.onceonly.internal.Fixtures.TRANSFER;
import static dev.onceonly.internal.Fixtures.params;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onceonly.ApiException;
import dev.onceonly.OperationResult;
import dev.onceonly.OutcomeUnknownException;
import dev.onceonly.PendingOperation;
import dev.onceonly.ReplayStatus;
import dev.onceonly.RequestNotSentException;
import dev.onceonly.RequestOptions;
import dev.onceonly.ResumeReport;
import dev.onceonly.ResumeStatus;
import dev.onceonly.ResumedOperation;
import dev.onceonly.RetryListener;
import dev.onceonly.RetryPolicy;
import dev.onceonly.journal.JournalEntry;
import dev.onceonly.journal.JournalException;
import dev.onceonly.journal.JournalState;
import dev.onceonly.transfers.Transfer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the engine uses a durable journal: written ahead, settled at the end, resumed after a crash. */
class JournalingTest {

  static final RetryPolicy POLICY = RetryPolicy.builder().maxAttempts(3).build();
  static final RequestOptions OWN_KEY = RequestOptions.builder().idempotencyKey(KEY).reference("invoice-42").build();

  final FakeTransport transport = new FakeTransport();
  final TestJournal journal = new TestJournal();
  final Fixtures.Harness h = new Fixtures.Harness(transport, POLICY, RetryListener.NONE, journal);

  JournalEntry entry(String key) {
    return journal.find(key).orElseThrow();
  }

  @Test
  void theOperationIsWrittenAheadWithItsExactBytesBeforeTheFirstRequestLeaves() {
    transport.then(r -> {
      JournalEntry ahead = entry(KEY);
      assertEquals(JournalState.PENDING, ahead.state(), "written before the request left");
      assertArrayEquals(r.body(), ahead.body());
      assertEquals("POST", ahead.method());
      assertEquals("https://api.example.test/transfers", ahead.url());
      assertEquals(KEY, ahead.headers().get("Idempotency-Key"));
      assertEquals(T0, ahead.firstSentAt());
      assertEquals(T0.plus(Duration.ofHours(24)), ahead.keyExpiresAt());
      assertEquals("invoice-42", ahead.reference());
      return answer(201, TRANSFER).apply(r);
    });

    h.transfers.create(params(), OWN_KEY);

    JournalEntry settled = entry(KEY);
    assertEquals(JournalState.SUCCEEDED, settled.state());
    assertEquals(201, settled.statusCode());
    assertEquals(TRANSFER, new String(settled.response(), java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void aRefusalSettlesTheEntryAsFailed() {
    transport.then(answer(400, "{\"code\":\"ValidationError\",\"message\":\"bad\"}"));

    assertThrows(ApiException.class, () -> h.transfers.create(params(), OWN_KEY));

    assertEquals(JournalState.FAILED, entry(KEY).state());
    assertEquals(400, entry(KEY).statusCode());
  }

  @Test
  void nothingSentForAFreshEntrySettlesItAsFailed() {
    transport.then(connectRefused());

    assertThrows(RequestNotSentException.class, () -> h.transfers.create(params(), OWN_KEY));

    assertEquals(JournalState.FAILED, entry(KEY).state());
  }

  @Test
  void anUnknownOutcomeLeavesItPendingAndAResumeSettlesItWithTheSameKeyAndBytes() {
    transport.then(readTimeout(), readTimeout(), answer(404, "{}"));
    OutcomeUnknownException unknown = assertThrows(OutcomeUnknownException.class,
        () -> h.transfers.create(params(), OWN_KEY));
    byte[] firstBody = transport.posts().get(0).body();

    List<PendingOperation> pending = h.operations.pending();
    assertEquals(1, pending.size());
    assertEquals(KEY, pending.get(0).idempotencyKey());
    assertEquals(unknown.keyFirstSentAt(), pending.get(0).firstSentAt());
    assertEquals("invoice-42", pending.get(0).reference());

    // A later run (here the same process, an hour on) resumes it: the server replays.
    h.clock.advance(Duration.ofHours(1));
    transport.instead(answer(201, TRANSFER, "Idempotent-Replayed", "true"));
    ResumeReport report = h.operations.resumePending();

    assertEquals(1, report.operations().size());
    ResumedOperation resumed = report.operations().get(0);
    assertEquals(ResumeStatus.SUCCEEDED, resumed.status());
    assertEquals("74c9129b-d14a-e511-80da-0aa34a9b2388", resumed.transfer().orElseThrow().id());
    var lastPost = transport.posts().get(transport.posts().size() - 1);
    assertEquals(KEY, lastPost.headers().get("Idempotency-Key"));
    assertArrayEquals(firstBody, lastPost.body(), "the very bytes first sent");
    assertEquals(JournalState.SUCCEEDED, entry(KEY).state());
    assertEquals(List.of(), h.operations.pending());
  }

  @Test
  void aResumeThatStillCannotTellLeavesItPendingAndNeverSaysNothingWasSent() {
    transport.then(readTimeout(), readTimeout(), answer(404, "{}"));
    assertThrows(OutcomeUnknownException.class, () -> h.transfers.create(params(), OWN_KEY));

    transport.instead(connectRefused());
    ResumeReport report = h.operations.resumePending();

    ResumedOperation resumed = report.operations().get(0);
    assertEquals(ResumeStatus.STILL_UNKNOWN, resumed.status());
    assertInstanceOf(OutcomeUnknownException.class, resumed.failure().orElseThrow(),
        "an earlier attempt may have arrived: refused connects now prove nothing");
    assertEquals(JournalState.PENDING, entry(KEY).state());
  }

  @Test
  void pastItsWindowAPendingOperationIsNeverResentButReportedExpired() {
    transport.then(readTimeout(), readTimeout(), answer(404, "{}"));
    assertThrows(OutcomeUnknownException.class, () -> h.transfers.create(params(), OWN_KEY));
    int sent = transport.requests.size();

    h.clock.advance(Duration.ofHours(24).minus(Duration.ofMinutes(4)));
    ResumeReport report = h.operations.resumePending();

    assertEquals(ResumeStatus.EXPIRED, report.operations().get(0).status());
    assertEquals(sent, transport.requests.size(), "nothing sent");
    assertEquals(JournalState.EXPIRED, entry(KEY).state());
  }

  @Test
  void aJournalThatCannotBeWrittenMeansNothingIsSent() {
    journal.failBegin = true;
    transport.then(answer(201, TRANSFER));

    JournalException e = assertThrows(JournalException.class, () -> h.transfers.create(params()));

    assertEquals(0, transport.requests.size());
    assertTrue(e.idempotencyKey().isPresent());
    assertEquals("test journal", e.journal());
  }

  @Test
  void aJournalThatFailsToSettleNeverFailsACreateThatSucceeded() {
    journal.failSettle = true;
    transport.then(answer(201, TRANSFER));

    OperationResult<Transfer> result = h.transfers.createWithResult(params(), OWN_KEY);

    assertEquals("74c9129b-d14a-e511-80da-0aa34a9b2388", result.value().id());
    assertInstanceOf(JournalException.class, result.journalProblem().orElseThrow());
    assertEquals(JournalState.PENDING, entry(KEY).state(), "a resume settles it later");
  }

  @Test
  void aKeyWhoseAnswerTheJournalHoldsIsAnsweredWithoutARequest() {
    transport.then(answer(201, TRANSFER));
    h.transfers.create(params(), OWN_KEY);

    OperationResult<Transfer> again = h.transfers.createWithResult(params(), OWN_KEY);

    assertEquals(1, transport.requests.size());
    assertEquals(0, again.attempts());
    assertEquals(ReplayStatus.REPLAYED, again.replay());
  }

  @Test
  void aKeyWhoseStoredAnswerIsAnotherRequestsIsReportedAsReused() {
    transport.then(answer(201, TRANSFER));
    h.transfers.create(params(), OWN_KEY);
    var other = dev.onceonly.transfers.TransferCreateParams.builder()
        .source(params().source()).destination(params().destination())
        .amount(dev.onceonly.Money.of("USD", "1.00")).build();

    assertThrows(dev.onceonly.IdempotencyKeyReusedException.class, () -> h.transfers.create(other, OWN_KEY));
    assertEquals(1, transport.requests.size());
  }

  @Test
  void findTellsWhatBecameOfAReference() {
    transport.then(answer(201, TRANSFER));
    h.transfers.create(params(), OWN_KEY);

    ResumedOperation found = h.operations.find("invoice-42").orElseThrow();

    assertEquals(ResumeStatus.SUCCEEDED, found.status());
    assertEquals(KEY, found.idempotencyKey());
    assertEquals("74c9129b-d14a-e511-80da-0aa34a9b2388", found.transfer().orElseThrow().id());
    assertTrue(h.operations.find("invoice-43").isEmpty(), "never written ahead: nothing of it was sent");
  }

  @Test
  void twoInstancesSharingAJournalNeverResumeTheSameOperationAtOnce() {
    transport.then(readTimeout(), readTimeout(), answer(404, "{}"));
    assertThrows(OutcomeUnknownException.class, () -> h.transfers.create(params(), OWN_KEY));
    // Another instance holds the lease on it right now.
    assertEquals(1, journal.claim("another-instance", h.clock.instant(), Duration.ofMinutes(5), 10).size());
    int sent = transport.requests.size();

    ResumeReport report = h.operations.resumePending();

    assertEquals(List.of(), report.operations());
    assertEquals(sent, transport.requests.size());
  }

  @Test
  void anOperationUnderWayIsLeasedToItsClientSoAnotherInstanceDoesNotResumeIt() {
    transport.then(r -> {
      List<JournalEntry> stolen = journal.claim("another-instance", h.clock.instant(), Duration.ofMinutes(5), 10);
      assertEquals(List.of(), stolen, "in flight: leased to the client sending it");
      return answer(201, TRANSFER).apply(r);
    });

    h.transfers.create(params(), OWN_KEY);

    assertEquals(JournalState.SUCCEEDED, entry(KEY).state());
  }

  @Test
  void theInMemoryDefaultRemembersOnlyWhatEndedWithoutAnAnswer() {
    Fixtures.Harness plain = new Fixtures.Harness(transport, POLICY);
    transport.then(answer(201, TRANSFER));
    plain.transfers.create(params());
    assertEquals(List.of(), plain.operations.pending());

    transport.instead(readTimeout(), readTimeout(), answer(404, "{}"));
    assertThrows(OutcomeUnknownException.class, () -> plain.transfers.create(params(), OWN_KEY));

    assertEquals(List.of(KEY), plain.operations.pending().stream().map(PendingOperation::idempotencyKey).toList());
  }
}

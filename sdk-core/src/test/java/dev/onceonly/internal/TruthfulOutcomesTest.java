package dev.onceonly.internal;

import static dev.onceonly.internal.FakeTransport.answer;
import static dev.onceonly.internal.FakeTransport.readTimeout;
import static dev.onceonly.internal.Fixtures.KEY;
import static dev.onceonly.internal.Fixtures.T0;
import static dev.onceonly.internal.Fixtures.TRANSFER;
import static dev.onceonly.internal.Fixtures.envelope;
import static dev.onceonly.internal.Fixtures.params;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.onceonly.ApiException;
import dev.onceonly.AttemptEvent;
import dev.onceonly.IdempotencyKeyReusedException;
import dev.onceonly.InvalidResponseException;
import dev.onceonly.OperationResult;
import dev.onceonly.OutcomeUnknownException;
import dev.onceonly.PaymentsException;
import dev.onceonly.ReplayStatus;
import dev.onceonly.RequestNotSentException;
import dev.onceonly.RequestOptions;
import dev.onceonly.RetryListener;
import dev.onceonly.RetryPolicy;
import dev.onceonly.StopReason;
import dev.onceonly.http.HttpRequest;
import dev.onceonly.http.HttpResponse;
import dev.onceonly.transfers.Transfer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The engine never tells a caller something false: one test per way it used to (a maybe-sent
 * attempt followed by an error reported as final, exceptions escaping without the key, answers
 * not checked against the request, hot loops, secrets in messages), against a scripted transport.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Driver.class)
class TruthfulOutcomesTest {

  static final RetryPolicy POLICY = RetryPolicy.builder()
      .maxAttempts(6)
      .initialBackoff(Duration.ofMillis(200))
      .maxBackoff(Duration.ofSeconds(5))
      .maxElapsed(Duration.ofSeconds(60))
      .attemptTimeout(Duration.ofSeconds(10))
      .build();
  static final RequestOptions OWN_KEY = RequestOptions.builder().idempotencyKey(KEY).build();
  static final String NOT_FOUND = "{\"code\":\"NotFound\",\"message\":\"none\"}";

  final Driver driver;
  final FakeTransport transport = new FakeTransport();
  final List<AttemptEvent> events = new ArrayList<>();
  final RetryListener recording = new RetryListener() {
    @Override
    public void onAttempt(AttemptEvent event) {
      events.add(event);
    }
  };
  final Fixtures.Harness h;

  TruthfulOutcomesTest(Driver driver) {
    this.driver = driver;
    this.h = new Fixtures.Harness(transport, POLICY, recording, driver);
  }

  static Function<HttpRequest, HttpResponse> throwing(RuntimeException e) {
    return r -> {
      throw e;
    };
  }

  // ---- 1. time bounds -----------------------------------------------------------------------

  @Test
  void everyAttemptIsBoundedByTheAttemptTimeoutAndTheTimeLeftToTheDeadline() {
    RetryPolicy policy = POLICY.newBuilder().maxElapsed(Duration.ofSeconds(25)).build();
    Fixtures.Harness h2 = new Fixtures.Harness(transport, policy, driver);
    // Each attempt "takes" its whole bound, as a server trickling its answer would.
    transport.then(r -> {
      h2.clock.advance(transport.timeouts.get(transport.timeouts.size() - 1));
      throw new dev.onceonly.NetworkException("timed out", true, null, null);
    });

    OutcomeUnknownException e = assertThrows(OutcomeUnknownException.class, () -> h2.transfers.create(params(), OWN_KEY));

    assertEquals(Duration.ofSeconds(10), transport.timeouts.get(0), "the attempt timeout");
    Duration elapsed = Duration.between(T0, h2.clock.instant());
    assertTrue(elapsed.compareTo(policy.maxElapsed()) <= 0, "ended within maxElapsed, was " + elapsed);
    Duration last = transport.timeouts.get(transport.timeouts.size() - 1);
    assertTrue(last.compareTo(Duration.ofSeconds(10)) < 0, "the last attempt was cut at the deadline: " + transport.timeouts);
    assertEquals(StopReason.DEADLINE, e.reason());
  }

  @Test
  void theLocationReadBackSharesTheOperationsAttemptBudget() {
    Fixtures.Harness two = new Fixtures.Harness(transport, POLICY.newBuilder().maxAttempts(2).build(), driver);
    transport.then(answer(201, "", "Location", "https://api.example.test/transfers/t-1"), answer(502, "bad gateway"));

    OutcomeUnknownException e = assertThrows(OutcomeUnknownException.class, () -> two.transfers.create(params(), OWN_KEY));

    assertEquals(List.of("POST /transfers", "GET /transfers/t-1"), transport.lines(), "no fresh budget for the read-back");
    assertEquals(2, e.attempts());
    assertEquals(StopReason.ATTEMPTS_EXHAUSTED, e.reason());
  }

  @Test
  void theLocationReadBackSharesTheOperationsDeadline() {
    transport.then(r -> {
      h.clock.advance(Duration.ofSeconds(55));
      return answer(201, "", "Location", "https://api.example.test/transfers/t-1").apply(r);
    }, answer(200, TRANSFER));

    h.transfers.create(params(), OWN_KEY);

    assertEquals(Duration.ofSeconds(5), transport.timeouts.get(1), "the read-back gets what is left of the 60 s");
  }

  // ---- 2. errors after a maybe-sent attempt -------------------------------------------------

  @ParameterizedTest
  @ValueSource(ints = {401, 403, 404, 301, 302, 307, 501, 505})
  void anErrorAfterAMaybeSentAttemptIsAnUnknownOutcomeNotARefusal(int status) {
    transport.then(readTimeout(), answer(status, "{\"code\":\"Whatever\",\"message\":\"says nothing\"}"), answer(404, NOT_FOUND));

    OutcomeUnknownException e = assertThrows(OutcomeUnknownException.class, () -> h.transfers.create(params(), OWN_KEY));

    assertEquals(StopReason.AMBIGUOUS_ERROR, e.reason());
    assertEquals(status, ((ApiException) e.getCause()).statusCode());
    assertEquals(List.of("POST /transfers", "POST /transfers", "GET /responses/" + KEY), transport.lines(),
        "no more POSTs, one last lookup");
  }

  @ParameterizedTest
  @ValueSource(ints = {401, 403, 404, 302})
  void theSameErrorBeforeAnythingCanHaveArrivedIsTheServersRefusal(int status) {
    transport.then(FakeTransport.connectRefused(), answer(status, "{\"code\":\"Nope\",\"message\":\"refused\"}"));

    ApiException e = assertThrows(ApiException.class, () -> h.transfers.create(params(), OWN_KEY));

    assertEquals(status, e.statusCode());
    assertEquals(2, transport.requests.size());
  }

  @ParameterizedTest
  @ValueSource(ints = {507, 520, 521, 522, 523, 524, 599})
  void everyServerErrorButNotImplementedIsRetriedWithTheSameKeyAndBody(int status) {
    transport.then(answer(status, "<html>origin down</html>"), answer(201, TRANSFER));

    OperationResult<Transfer> result = h.transfers.createWithResult(params(), OWN_KEY);

    assertEquals(2, transport.posts().size());
    assertEquals(KEY, transport.posts().get(1).headers().get("Idempotency-Key"));
    assertArrayEquals(transport.posts().get(0).body(), transport.posts().get(1).body());
    assertEquals(ReplayStatus.UNKNOWN, result.replay());
  }

  // ---- 3. nothing but SDK exceptions, always with the key -----------------------------------

  @Test
  void closingTheClientWhileWaitingToRetryEndsAsUnknownWithTheKey() {
    Fixtures.Harness closing = new Fixtures.Harness(transport, POLICY, driver);
    closing.sleeper.onSleep(d -> closing.engine.close());
    transport.then(readTimeout(), answer(201, TRANSFER));

    OutcomeUnknownException e = assertThrows(OutcomeUnknownException.class,
        () -> closing.transfers.create(params(), OWN_KEY));

    assertEquals(StopReason.CLIENT_CLOSED, e.reason());
    assertEquals(KEY, e.idempotencyKey().orElseThrow());
    assertEquals(1, transport.requests.size(), "nothing is sent after close()");
  }

  @Test
  void closingTheClientWhileAnAttemptIsOutEndsAsUnknownNotIllegalState() {
    transport.then(r -> {
      h.engine.close();
      throw new IllegalStateException("the client is closed"); // what a closed transport used to throw
    });

    OutcomeUnknownException e = assertThrows(OutcomeUnknownException.class, () -> h.transfers.create(params(), OWN_KEY));

    assertEquals(StopReason.CLIENT_CLOSED, e.reason());
    assertEquals(1, transport.requests.size());
  }

  @Test
  void anInterruptWhileWaitingToRetryEndsAsUnknownAndKeepsTheFlag() {
    assumeTrue(driver == Driver.BLOCKING, "an interrupt of the calling thread is the blocking driver's;"
        + " the asynchronous driver's counterpart, cancellation, is in AsyncRetryEngineTest");
    Fixtures.Harness interrupted = new Fixtures.Harness(transport, POLICY, driver);
    interrupted.sleeper.onSleep(d -> Thread.currentThread().interrupt());
    transport.then(readTimeout(), answer(201, TRANSFER));
    try {
      OutcomeUnknownException e = assertThrows(OutcomeUnknownException.class,
          () -> interrupted.transfers.create(params(), OWN_KEY));

      assertEquals(StopReason.INTERRUPTED, e.reason());
      assertTrue(Thread.currentThread().isInterrupted(), "the caller's interrupt is kept");
      assertEquals(1, transport.requests.size());
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void closingBeforeAnythingIsSentSaysNothingWasSent() {
    h.engine.close();

    RequestNotSentException e = assertThrows(RequestNotSentException.class, () -> h.transfers.create(params(), OWN_KEY));

    assertEquals(StopReason.CLIENT_CLOSED, e.reason());
    assertEquals(0, transport.requests.size());
  }

  @ParameterizedTest
  @ValueSource(strings = {"9999999999999999", "99999999999999999", "9223372036854775807", "9223372036854775808"})
  void anAbsurdRetryAfterIsCappedNotAnArithmeticException(String retryAfter) {
    transport.then(answer(503, "", "Retry-After", retryAfter), answer(201, TRANSFER));

    h.transfers.create(params(), OWN_KEY);

    assertEquals(List.of(POLICY.maxBackoff()), h.sleeper.sleeps);
  }

  @Test
  void aResilience4jEventConsumerThatThrowsCannotChangeTheOutcome() {
    h.engine.retry().getEventPublisher().onEvent(event -> {
      throw new IllegalStateException("a consumer's bug");
    });
    transport.then(readTimeout(), answer(201, TRANSFER));

    assertEquals("74c9129b-d14a-e511-80da-0aa34a9b2388", h.transfers.create(params(), OWN_KEY).id());
  }

  @Test
  void aResilience4jEventConsumerThatThrowsOnFailureLeavesTheTruthfulException() {
    h.engine.retry().getEventPublisher().onEvent(event -> {
      throw new AssertionError("a consumer's bug");
    });
    transport.then(answer(400, "{\"code\":\"ValidationError\",\"message\":\"bad amount\"}"));

    ApiException e = assertThrows(ApiException.class, () -> h.transfers.create(params(), OWN_KEY));

    assertEquals(400, e.statusCode());
  }

  @Test
  void aListenerThatThrowsOnEveryAttemptCannotChangeTheOutcome() {
    Fixtures.Harness bad = new Fixtures.Harness(transport, POLICY, new RetryListener() {
      @Override
      public void onAttempt(AttemptEvent event) {
        throw new IllegalStateException("boom");
      }
    }, driver);
    transport.then(readTimeout(), answer(404, NOT_FOUND), answer(404, NOT_FOUND));

    OutcomeUnknownException e = assertThrows(OutcomeUnknownException.class, () -> bad.transfers.create(params(), OWN_KEY));

    assertEquals(KEY, e.idempotencyKey().orElseThrow());
  }

  @Test
  void anUnexpectedTransportExceptionIsWrappedWithTheKey() {
    transport.then(throwing(new UnsupportedOperationException("a transport bug")));

    OutcomeUnknownException e = assertThrows(OutcomeUnknownException.class, () -> h.transfers.create(params(), OWN_KEY));

    assertEquals(StopReason.TRANSPORT_FAILURE, e.reason());
    assertInstanceOf(UnsupportedOperationException.class, e.getCause().getCause());
  }

  // ---- 4. one type for "may exist" ----------------------------------------------------------

  @Test
  void anOversizedSuccessIsAnUnknownOutcomeWithTheKeyAndItsWindow() {
    transport.then(throwing(new InvalidResponseException("too large", 201, KEY, null)), answer(404, NOT_FOUND));

    OutcomeUnknownException e = assertThrows(OutcomeUnknownException.class, () -> h.transfers.create(params(), OWN_KEY));

    assertEquals(StopReason.UNUSABLE_ANSWER, e.reason());
    assertEquals(T0, e.keyFirstSentAt());
    assertEquals(T0.plus(Duration.ofHours(24)), e.keyExpiresAt());
    assertEquals(List.of(KEY), h.engine.journal().pending().stream().map(p -> p.idempotencyKey()).toList(),
        "remembered for a resume in this process");
  }

  @Test
  void anOversizedServerErrorIsRetriedLikeItsStatus() {
    transport.then(throwing(new InvalidResponseException("too large", 503, KEY, null)), answer(201, TRANSFER));

    assertEquals("74c9129b-d14a-e511-80da-0aa34a9b2388", h.transfers.create(params(), OWN_KEY).id());
    assertEquals(2, transport.posts().size());
  }

  @Test
  void aStoredResponsesAnswerThatIsNotAnEnvelopeIsAnUnknownOutcome() {
    transport.then(readTimeout(), answer(409, "{\"code\":\"idempotency_request_in_progress\",\"message\":\"busy\"}"),
        answer(200, "<html>login page</html>"));

    OutcomeUnknownException e = assertThrows(OutcomeUnknownException.class, () -> h.transfers.create(params(), OWN_KEY));

    assertEquals(StopReason.UNUSABLE_ANSWER, e.reason());
    assertInstanceOf(InvalidResponseException.class, e.getCause());
    assertEquals(3, transport.requests.size(), "no further lookups of a route that answers that");
  }

  @Test
  void aFailedReadBackOfTheLocationIsAnUnknownOutcome() {
    transport.then(answer(201, "", "Location", "https://api.example.test/transfers/t-1"), answer(404, NOT_FOUND),
        answer(404, NOT_FOUND));

    OutcomeUnknownException e = assertThrows(OutcomeUnknownException.class, () -> h.transfers.create(params(), OWN_KEY));

    assertEquals(StopReason.UNUSABLE_ANSWER, e.reason());
    assertEquals(List.of("POST /transfers", "GET /transfers/t-1", "GET /responses/" + KEY), transport.lines());
  }

  @Test
  void aLocationOnTheSameOriginSpelledDifferentlyIsFollowed() {
    transport.then(answer(201, "", "Location", "HTTPS://API.Example.Test:443/transfers/74c9129b-d14a-e511-80da-0aa34a9b2388"),
        answer(200, TRANSFER));

    assertEquals("74c9129b-d14a-e511-80da-0aa34a9b2388", h.transfers.create(params(), OWN_KEY).id());
  }

  // ---- 5. stored errors ---------------------------------------------------------------------

  @Test
  void aStoredServerErrorStopsAtOnceAsUnknown() {
    transport.then(answer(500, "{\"code\":\"InternalError\",\"message\":\"boom\"}", "Idempotent-Replayed", "true"));

    OutcomeUnknownException e = assertThrows(OutcomeUnknownException.class, () -> h.transfers.create(params(), OWN_KEY));

    assertEquals(StopReason.STORED_SERVER_ERROR, e.reason());
    assertEquals(1, transport.requests.size(), "re-sending would replay it forever");
  }

  @Test
  void aStoredServerErrorInAnEnvelopeStopsAtOnceAsUnknown() {
    transport.then(readTimeout(), answer(409, "{\"code\":\"idempotent_creation_conflict\",\"message\":\"done\"}"),
        answer(200, envelope(500, "{\"code\":\"InternalError\",\"message\":\"boom\"}")));

    OutcomeUnknownException e = assertThrows(OutcomeUnknownException.class, () -> h.transfers.create(params(), OWN_KEY));

    assertEquals(StopReason.STORED_SERVER_ERROR, e.reason());
    assertEquals(3, transport.requests.size());
  }

  @Test
  void aStoredClientErrorIsTheOperationsFailureEvenAfterATimeout() {
    transport.then(readTimeout(), answer(400, "{\"code\":\"ValidationError\",\"message\":\"bad\"}", "Idempotent-Replayed", "true"));

    ApiException e = assertThrows(ApiException.class, () -> h.transfers.create(params(), OWN_KEY));

    assertEquals(400, e.statusCode());
    assertEquals(2, transport.requests.size());
  }

  // ---- 6. not every 409 is idempotency ------------------------------------------------------

  @Test
  void aConflictToTheFirstPostOfAMintedKeyIsABusinessConflict() {
    transport.then(answer(409, "{\"code\":\"DuplicateReference\",\"message\":\"reference already used\"}"));

    ApiException e = assertThrows(ApiException.class, () -> h.transfers.create(params()));

    assertEquals(409, e.statusCode());
    assertEquals(1, transport.requests.size(), "failed at once, no polling");
  }

  @Test
  void aCreationConflictFromAServerWithoutStoredResponsesDoesNotPoll404sToTheEnd() {
    Fixtures.Harness many = new Fixtures.Harness(transport, POLICY.newBuilder().maxAttempts(30).build(), driver);
    transport.then(readTimeout(), answer(409, "{\"code\":\"idempotent_creation_conflict\",\"message\":\"done\"}"),
        answer(404, NOT_FOUND));

    OutcomeUnknownException e = assertThrows(OutcomeUnknownException.class, () -> many.transfers.create(params(), OWN_KEY));

    assertEquals(StopReason.ANSWER_NOT_RECOVERABLE, e.reason());
    assertEquals(2 + 1 + IdempotentDecider.EMPTY_POLLS_AFTER_CONFLICT, transport.requests.size());
  }

  // ---- 7. answers checked against the request -----------------------------------------------

  @Test
  void anAnswerForAnotherAmountIsNeverReturnedForAFreshKey() {
    String other = TRANSFER.replace("\"USD\",\"value\":\"1337.00\"", "\"EUR\",\"value\":\"999.00\"").replace("74c9", "ffff");
    transport.then(answer(201, other), answer(201, TRANSFER));

    OperationResult<Transfer> result = h.transfers.createWithResult(params(), RequestOptions.none());

    assertEquals("1337.00 USD", result.value().amount().toString());
    assertEquals(2, transport.posts().size(), "the stray answer counted as lost: the same POST again");
    assertEquals(result.idempotencyKey(), transport.posts().get(1).headers().get("Idempotency-Key"));
    assertEquals(ReplayStatus.UNKNOWN, result.replay());
  }

  @Test
  void aStrayAnswerUntilTheEndIsAnUnknownOutcomeNeverASuccess() {
    String other = TRANSFER.replace("\"value\":\"1337.00\"", "\"value\":\"10.00\"");
    transport.then(answer(201, other));

    OutcomeUnknownException e = assertThrows(OutcomeUnknownException.class, () -> h.transfers.create(params()));

    assertInstanceOf(InvalidResponseException.class, e.getCause());
  }

  @Test
  void aReplayThatContradictsTheRequestMeansTheKeyWasReused() {
    String other = TRANSFER.replace("\"value\":\"1337.00\"", "\"value\":\"10.00\"");
    transport.then(answer(201, other, "Idempotent-Replayed", "true"));

    assertThrows(IdempotencyKeyReusedException.class, () -> h.transfers.create(params(), OWN_KEY));
    assertEquals(1, transport.requests.size());
  }

  @Test
  void aStrayMarkedAsAReplayToAKeyMintedForThisCallIsNotAReuse() {
    String other = TRANSFER.replace("\"value\":\"1337.00\"", "\"value\":\"1.00\"").replace("74c9", "ffff");
    transport.then(readTimeout(), answer(201, other, "Idempotent-Replayed", "true"),
        answer(201, TRANSFER, "Idempotent-Replayed", "true"));

    OperationResult<Transfer> result = h.transfers.createWithResult(params(), RequestOptions.none());

    assertEquals("74c9129b-d14a-e511-80da-0aa34a9b2388", result.value().id(), "no one else can hold a minted key");
    assertEquals(3, transport.posts().size());
  }

  @Test
  void aStrayAfterAnInProgressConflictToAMintedKeyIsNotAReuse() {
    String other = TRANSFER.replace("\"value\":\"1337.00\"", "\"value\":\"1.00\"").replace("74c9", "ffff");
    transport.then(readTimeout(), answer(409, "{\"code\":\"idempotency_request_in_progress\",\"message\":\"busy\"}"),
        answer(404, "{}"), answer(201, other), answer(201, TRANSFER, "Idempotent-Replayed", "true"));

    assertEquals("74c9129b-d14a-e511-80da-0aa34a9b2388", h.transfers.create(params()).id());
  }

  @Test
  void aMangoPayStoredResponseForAnotherBodyMeansTheKeyWasReused() {
    String other = TRANSFER.replace("\"value\":\"1337.00\"", "\"value\":\"10.00\"");
    transport.then(answer(409, "{\"Message\":\"exists\",\"Type\":\"idempotent_creation_conflict\"}"),
        answer(200, envelope(201, other)));

    IdempotencyKeyReusedException e = assertThrows(IdempotencyKeyReusedException.class,
        () -> h.transfers.create(params(), OWN_KEY));

    assertEquals(KEY, e.idempotencyKey().orElseThrow());
  }

  @Test
  void anAnswerNamingAnotherDestinationIsNotThisRequests() {
    String other = TRANSFER.replace("04173e17-6398-4d36-a167-9d98c4b1f1c3", "aaaaaaaa-6398-4d36-a167-9d98c4b1f1c3");
    transport.then(answer(201, other), answer(201, TRANSFER));

    h.transfers.create(params());

    assertEquals(2, transport.posts().size());
  }

  @Test
  void anAnswerWithTheSameAmountWrittenDifferentlyMatches() {
    transport.then(answer(201, TRANSFER.replace("\"1337.00\"", "1337.0")));

    h.transfers.create(params());

    assertEquals(1, transport.posts().size());
  }

  // ---- 8. no hot loops ----------------------------------------------------------------------

  @Test
  void retryAfterZeroOnAnInProgressConflictStillWaitsTheFloor() {
    Fixtures.Harness many = new Fixtures.Harness(transport, POLICY.newBuilder().maxAttempts(50).build(), driver);
    transport.then(readTimeout(),
        answer(409, "{\"code\":\"idempotency_request_in_progress\",\"message\":\"busy\"}", "Retry-After", "0"));

    assertThrows(OutcomeUnknownException.class, () -> many.transfers.create(params(), OWN_KEY));

    assertTrue(many.sleeper.sleeps.size() >= 40, "it kept polling: " + many.sleeper.sleeps.size());
    assertTrue(many.sleeper.sleeps.stream().allMatch(d -> d.compareTo(POLICY.initialBackoff()) >= 0),
        "never closer than the floor: " + many.sleeper.sleeps);
  }

  @Test
  void aResponsesRouteAnswering410IsNotAHotLoop() {
    Fixtures.Harness many = new Fixtures.Harness(transport, POLICY.newBuilder().maxAttempts(50).build(), driver);
    transport.then(readTimeout(),
        answer(409, "{\"code\":\"idempotency_request_in_progress\",\"message\":\"busy\"}", "Retry-After", "0"),
        answer(410, "gone"),
        answer(409, "{\"code\":\"idempotency_request_in_progress\",\"message\":\"busy\"}", "Retry-After", "0"));

    assertThrows(OutcomeUnknownException.class, () -> many.transfers.create(params(), OWN_KEY));

    assertTrue(many.sleeper.sleeps.stream().allMatch(d -> d.compareTo(POLICY.initialBackoff()) >= 0),
        "never closer than the floor: " + many.sleeper.sleeps);
  }

  @Test
  void onlyTheReadAfterACreationConflictGoesAtOnce() {
    transport.then(readTimeout(), answer(409, "{\"code\":\"idempotent_creation_conflict\",\"message\":\"done\"}"),
        answer(404, NOT_FOUND), answer(200, envelope(201, TRANSFER)));

    h.transfers.create(params(), OWN_KEY);

    assertEquals(List.of("POST /transfers", "POST /transfers", "GET /responses/" + KEY, "GET /responses/" + KEY),
        transport.lines());
    assertEquals(2, h.sleeper.sleeps.size(), "a wait after the timeout and after the 404, none before the first read");
    assertTrue(h.sleeper.sleeps.stream().allMatch(d -> d.compareTo(POLICY.initialBackoff()) >= 0), h.sleeper.sleeps.toString());
  }

  // ---- 9. secrets and memory ----------------------------------------------------------------

  @Test
  void aTokenEchoedInAnErrorPageIsScrubbedFromMessagesAndEvents() {
    String page = "<html>401: invalid credentials Authorization: Bearer tok_secret for tok_secret</html>";
    transport.then(readTimeout(), answer(401, page), answer(404, NOT_FOUND));

    OutcomeUnknownException e = assertThrows(OutcomeUnknownException.class, () -> h.transfers.create(params(), OWN_KEY));

    List<String> texts = new ArrayList<>();
    for (Throwable t = e; t != null; t = t.getCause()) {
      texts.add(String.valueOf(t.getMessage()));
    }
    events.forEach(ev -> texts.add(ev.cause().getMessage()));
    assertTrue(texts.stream().noneMatch(t -> t.contains("tok_secret")), texts.toString());
    assertTrue(texts.stream().anyMatch(t -> t.contains("[redacted]")), texts.toString());
  }

  @Test
  void anAbsurdAmountInAnAnswerIsRefusedNotExpanded() {
    String huge = TRANSFER.replace("\"1337.00\"", "1e999999999");
    transport.then(answer(201, huge), answer(404, NOT_FOUND));

    OutcomeUnknownException e = assertThrows(OutcomeUnknownException.class, () -> h.transfers.create(params(), OWN_KEY));

    assertTrue(e.getCause().getMessage().contains("out of range"), e.getCause().getMessage());
  }

  @Test
  void everyExceptionCarriesTheKey() {
    List<Function<HttpRequest, HttpResponse>> scripts = List.of(
        throwing(new InvalidResponseException("bad", 201, null, null)),
        throwing(new PaymentsException("not sent")),
        throwing(new IllegalArgumentException("bug")),
        answer(400, "{}"),
        answer(422, "{}"));
    for (Function<HttpRequest, HttpResponse> script : scripts) {
      FakeTransport t = new FakeTransport().then(script, answer(404, NOT_FOUND));
      Fixtures.Harness hh = new Fixtures.Harness(t, POLICY, driver);
      PaymentsException e = assertThrows(PaymentsException.class, () -> hh.transfers.create(params(), OWN_KEY));
      assertEquals(KEY, e.idempotencyKey().orElse(null), e.toString());
    }
  }

  @Test
  void theHeadersOfAnswersAreNotNeededToClassify() {
    HttpResponse bare = new HttpResponse(201, Map.of(), TRANSFER.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    transport.then(r -> bare);

    assertEquals("74c9129b-d14a-e511-80da-0aa34a9b2388", h.transfers.create(params()).id());
  }
}

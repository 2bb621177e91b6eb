package dev.onceonly.internal;

import static dev.onceonly.internal.FakeTransport.answer;
import static dev.onceonly.internal.FakeTransport.connectRefused;
import static dev.onceonly.internal.FakeTransport.readTimeout;
import static dev.onceonly.internal.Fixtures.KEY;
import static dev.onceonly.internal.Fixtures.T0;
import static dev.onceonly.internal.Fixtures.TRANSFER;
import static dev.onceonly.internal.Fixtures.envelope;
import static dev.onceonly.internal.Fixtures.params;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.onceonly.ApiException;
import dev.onceonly.IdempotencyKeyReusedException;
import dev.onceonly.NetworkException;
import dev.onceonly.OperationResult;
import dev.onceonly.OutcomeUnknownException;
import dev.onceonly.ReplayStatus;
import dev.onceonly.RequestNotSentException;
import dev.onceonly.RequestOptions;
import dev.onceonly.RetryPolicy;
import dev.onceonly.http.HttpRequest;
import dev.onceonly.transfers.Transfer;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Every row of the protocol's retry classification, against a scripted transport. */
@ParameterizedClass(name = "{0}")
@EnumSource(Driver.class)
class RetryEngineTest {

  static final RetryPolicy POLICY = RetryPolicy.builder()
      .maxAttempts(6)
      .initialBackoff(Duration.ofMillis(200))
      .maxBackoff(Duration.ofSeconds(5))
      .maxElapsed(Duration.ofSeconds(60))
      .build();

  static final RequestOptions OWN_KEY = RequestOptions.builder().idempotencyKey(KEY).build();

  final Driver driver;
  final FakeTransport transport = new FakeTransport();
  final Fixtures.Harness h;

  RetryEngineTest(Driver driver) {
    this.driver = driver;
    this.h = new Fixtures.Harness(transport, POLICY, driver);
  }

  /** Every POST carried the same key and byte-identical bodies. */
  void assertOneKeyOneBody(String key) {
    List<HttpRequest> posts = transport.posts();
    assertTrue(!posts.isEmpty(), "at least one POST");
    for (HttpRequest post : posts) {
      assertEquals(key, post.headers().get("Idempotency-Key"));
      assertArrayEquals(posts.get(0).body(), post.body());
    }
  }

  @Test
  void sendsTheFirstAttemptWithAMintedUuidKey() {
    transport.then(answer(201, TRANSFER));

    OperationResult<Transfer> result = h.transfers.createWithResult(params(), RequestOptions.none());

    assertEquals("74c9129b-d14a-e511-80da-0aa34a9b2388", result.value().id());
    assertEquals(1, result.attempts());
    assertEquals(ReplayStatus.ORIGINAL, result.replay());
    UUID.fromString(result.idempotencyKey()); // a UUID, or this throws
    assertEquals(result.idempotencyKey(), transport.requests.get(0).headers().get("Idempotency-Key"));
    assertEquals(List.of(), h.sleeper.sleeps);
  }

  @Test
  void mintsADifferentKeyForEachOperation() {
    transport.then(answer(201, TRANSFER));
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      keys.add(h.transfers.createWithResult(params(), RequestOptions.none()).idempotencyKey());
    }
    assertEquals(20, keys.size());
  }

  @Test
  void retriesAConnectFailureWithTheSameKeyAndBody() {
    transport.then(connectRefused(), connectRefused(), answer(201, TRANSFER));

    OperationResult<Transfer> result = h.transfers.createWithResult(params(), RequestOptions.none());

    assertEquals(3, transport.posts().size());
    assertOneKeyOneBody(result.idempotencyKey());
    assertEquals(3, result.attempts());
    assertEquals(ReplayStatus.ORIGINAL, result.replay(), "nothing reached the server before");
    assertEquals(2, h.sleeper.sleeps.size());
  }

  @Test
  void failsAsNotSentWhenNoAttemptCanHaveReachedTheServer() {
    transport.then(connectRefused());

    RequestNotSentException e = assertThrows(RequestNotSentException.class,
        () -> h.transfers.create(params(), OWN_KEY));

    assertEquals(6, transport.requests.size(), "every attempt was a POST: no poll for what was never sent");
    assertEquals(6, e.attempts());
    assertEquals(KEY, e.idempotencyKey().orElseThrow());
    assertInstanceOf(NetworkException.class, e.getCause());
    assertTrue(e.getMessage().contains("Nothing was created"), e.getMessage());
  }

  @Test
  void retriesATimeoutAfterTheRequestWasWrittenAndCannotRuleOutAReplay() {
    transport.then(readTimeout(), answer(201, TRANSFER));

    OperationResult<Transfer> result = h.transfers.createWithResult(params(), RequestOptions.none());

    assertEquals(List.of("POST /transfers", "POST /transfers"), transport.lines());
    assertOneKeyOneBody(result.idempotencyKey());
    assertEquals(ReplayStatus.UNKNOWN, result.replay());
  }

  @Test
  void outcomeUnknownCarriesTheKeyItsExpiryTheAttemptsAndTheLastCause() {
    transport.then(readTimeout(), readTimeout(), readTimeout(), readTimeout(), readTimeout(),
        answer(404, "{\"code\":\"NotFound\",\"message\":\"no response stored\"}"));

    OutcomeUnknownException e = assertThrows(OutcomeUnknownException.class,
        () -> h.transfers.create(params(), OWN_KEY));

    assertEquals(List.of("POST /transfers", "POST /transfers", "POST /transfers", "POST /transfers",
        "POST /transfers", "GET /responses/" + KEY), transport.lines(),
        "the last attempt allowed asks for the stored answer instead of re-POSTing");
    assertEquals(KEY, e.idempotencyKey().orElseThrow());
    assertEquals(T0.plus(Duration.ofHours(24)), e.keyExpiresAt());
    assertEquals(6, e.attempts());
    assertInstanceOf(NetworkException.class, e.getCause());
    assertTrue(e.getMessage().contains(KEY), e.getMessage());
  }

  @Test
  void theLastLookupCanStillRecoverTheStoredAnswer() {
    transport.then(readTimeout(), readTimeout(), readTimeout(), readTimeout(), readTimeout(),
        answer(200, envelope(201, TRANSFER)));

    OperationResult<Transfer> result = h.transfers.createWithResult(params(), OWN_KEY);

    assertEquals(ReplayStatus.REPLAYED, result.replay());
    assertEquals(6, result.attempts());
    assertEquals("INV-42", result.value().metadata().get("invoice"));
  }

  @Test
  void noneMakesExactlyOneRequest() {
    Fixtures.Harness once = new Fixtures.Harness(transport, RetryPolicy.none(), driver);
    transport.then(readTimeout());

    OutcomeUnknownException e = assertThrows(OutcomeUnknownException.class,
        () -> once.transfers.create(params(), OWN_KEY));

    assertEquals(1, transport.requests.size());
    assertEquals(1, e.attempts());
  }

  @ParameterizedTest
  @ValueSource(ints = {408, 429})
  void retries408And429AfterRetryAfterAndTheyProveNothingWasDone(int status) {
    transport.then(answer(status, "{\"code\":\"slow_down\",\"message\":\"later\"}", "Retry-After", "3"));

    RequestNotSentException e = assertThrows(RequestNotSentException.class,
        () -> h.transfers.create(params(), OWN_KEY));

    assertEquals(6, transport.posts().size());
    assertOneKeyOneBody(KEY);
    assertEquals(List.of(Duration.ofSeconds(3), Duration.ofSeconds(3), Duration.ofSeconds(3),
        Duration.ofSeconds(3), Duration.ofSeconds(3)), h.sleeper.sleeps);
    assertEquals(status, ((ApiException) e.getCause()).statusCode());
  }

  @ParameterizedTest
  @ValueSource(ints = {500, 502, 503, 504})
  void retriesServerErrorsWithTheSameKey(int status) {
    transport.then(answer(status, "<html>bad gateway</html>"), answer(201, TRANSFER));

    OperationResult<Transfer> result = h.transfers.createWithResult(params(), OWN_KEY);

    assertEquals(2, transport.posts().size());
    assertOneKeyOneBody(KEY);
    assertEquals(ReplayStatus.UNKNOWN, result.replay());
  }

  @Test
  void serverErrorsUntilTheEndLeaveTheOutcomeUnknown() {
    transport.then(answer(500, "{\"code\":\"Internal\",\"message\":\"oops\"}"));

    OutcomeUnknownException e = assertThrows(OutcomeUnknownException.class,
        () -> h.transfers.create(params(), OWN_KEY));

    assertEquals(6, transport.requests.size());
    assertEquals("GET /responses/" + KEY, transport.lines().get(5));
    assertEquals(500, ((ApiException) e.getCause()).statusCode());
  }

  @Test
  void obeysRetryAfterAsAnHttpDate() {
    String in90s = DateTimeFormatter.RFC_1123_DATE_TIME.format(T0.plusSeconds(4).atOffset(ZoneOffset.UTC));
    transport.then(answer(503, "", "Retry-After", in90s), answer(201, TRANSFER));

    h.transfers.create(params(), OWN_KEY);

    assertEquals(List.of(Duration.ofSeconds(4)), h.sleeper.sleeps);
  }

  @Test
  void capsRetryAfterAtMaxBackoff() {
    transport.then(answer(503, "", "Retry-After", "86400"), answer(201, TRANSFER));

    h.transfers.create(params(), OWN_KEY);

    assertEquals(List.of(Duration.ofSeconds(5)), h.sleeper.sleeps);
  }

  @Test
  void ignoresAnUnreadableRetryAfterAndBacksOff() {
    transport.then(answer(503, "", "Retry-After", "soon"), answer(201, TRANSFER));

    h.transfers.create(params(), OWN_KEY);

    Duration slept = h.sleeper.sleeps.get(0);
    assertTrue(slept.toMillis() >= 200 && slept.toMillis() <= 400, "backoff for retry 1: " + slept);
  }

  @Test
  void pollsTheStoredResponseWhileTheServerIsStillWorking() {
    transport.then(
        readTimeout(),
        answer(409, "{\"code\":\"idempotency_request_in_progress\",\"message\":\"still working\"}", "Retry-After", "1"),
        answer(200, envelope(201, TRANSFER)));

    OperationResult<Transfer> result = h.transfers.createWithResult(params(), OWN_KEY);

    assertEquals(List.of("POST /transfers", "POST /transfers", "GET /responses/" + KEY), transport.lines());
    assertEquals(Duration.ofSeconds(1), h.sleeper.sleeps.get(1), "Retry-After before the poll");
    assertEquals(ReplayStatus.REPLAYED, result.replay());
    assertEquals("74c9129b-d14a-e511-80da-0aa34a9b2388", result.value().id());
  }

  @Test
  void fetchesTheStoredResponseAtOnceOnACreationConflict() {
    transport.then(
        readTimeout(),
        answer(409, "{\"Message\":\"A resource has already been created with this Idempotency Key\","
            + "\"Type\":\"idempotent_creation_conflict\",\"Id\":\"x\",\"Date\":1452723944,\"errors\":null}"),
        answer(200, envelope(201, TRANSFER)));

    OperationResult<Transfer> result = h.transfers.createWithResult(params(), OWN_KEY);

    assertEquals(List.of("POST /transfers", "POST /transfers", "GET /responses/" + KEY), transport.lines());
    assertEquals(1, h.sleeper.sleeps.size(), "only the backoff after the timeout; the poll follows at once");
    assertEquals(ReplayStatus.REPLAYED, result.replay());
  }

  @Test
  void aStoredErrorIsTheFinalAnswer() {
    transport.then(
        answer(409, "{\"Type\":\"idempotent_creation_conflict\",\"Message\":\"done\"}"),
        answer(200, envelope(400, "{\"code\":\"ValidationError\",\"message\":\"Invalid amount.\"}")));

    ApiException e = assertThrows(ApiException.class, () -> h.transfers.create(params(), OWN_KEY));

    assertEquals(400, e.statusCode());
    assertEquals("ValidationError", e.code().orElseThrow());
    assertEquals(KEY, e.idempotencyKey().orElseThrow());
    assertEquals(2, transport.requests.size());
  }

  @Test
  void rePostsWhenTheServerHasNoStoredResponsesRouteAndStopsAskingIt() {
    transport.then(
        answer(409, "{\"code\":\"Conflict\",\"message\":\"in progress\"}"),
        answer(404, "{\"code\":\"NotFound\",\"message\":\"not found\"}"),
        answer(409, "{\"code\":\"Conflict\",\"message\":\"in progress\"}"),
        answer(201, TRANSFER));

    OperationResult<Transfer> result = h.transfers.createWithResult(params(), OWN_KEY);

    assertEquals(List.of("POST /transfers", "GET /responses/" + KEY, "POST /transfers", "POST /transfers"),
        transport.lines(), "after the 404 the second 409 leads to a re-POST, not another poll");
    assertOneKeyOneBody(KEY);
    assertEquals(ReplayStatus.REPLAYED, result.replay(), "a 409 proved the server had the key");
  }

  @Test
  void rePostsAfterA405FromTheStoredResponsesRoute() {
    transport.then(
        answer(409, "{\"type\":\"https://example.test/idempotency-in-progress\",\"title\":\"busy\"}", "Retry-After", "1"),
        answer(405, ""),
        answer(201, TRANSFER, "Idempotent-Replayed", "true"));

    OperationResult<Transfer> result = h.transfers.createWithResult(params(), OWN_KEY);

    assertEquals(List.of("POST /transfers", "GET /responses/" + KEY, "POST /transfers"), transport.lines());
    assertEquals(ReplayStatus.REPLAYED, result.replay());
  }

  @Test
  void reportsAReplayTheServerMarks() {
    transport.then(answer(201, TRANSFER, "Idempotent-Replayed", "true"));

    OperationResult<Transfer> result = h.transfers.createWithResult(params(), RequestOptions.none());

    assertEquals(ReplayStatus.REPLAYED, result.replay());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "422|{\"code\":\"idempotency_key_reused\",\"message\":\"different body\"}",
      "417|{\"message\":\"expectation failed\"}",
      "400|{\"type\":\"idempotency_error\",\"message\":\"Keys for idempotent requests can only be used with the same parameters\"}"})
  void failsAtOnceWhenTheKeyWasUsedWithAnotherBody(String statusAndBody) {
    String[] parts = statusAndBody.split("\\|", 2);
    transport.then(answer(Integer.parseInt(parts[0]), parts[1]));

    IdempotencyKeyReusedException e = assertThrows(IdempotencyKeyReusedException.class,
        () -> h.transfers.create(params(), OWN_KEY));

    assertEquals(1, transport.requests.size());
    assertEquals(Integer.parseInt(parts[0]), e.statusCode());
    assertEquals(KEY, e.idempotencyKey().orElseThrow());
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 401, 403, 404, 410})
  void failsAtOnceOnOtherClientErrors(int status) {
    transport.then(answer(status, "{\"code\":\"ValidationError\",\"message\":\"Invalid amount.\"}"));

    ApiException e = assertThrows(ApiException.class, () -> h.transfers.create(params(), OWN_KEY));

    assertSame(ApiException.class, e.getClass());
    assertEquals(1, transport.requests.size());
    assertEquals(status, e.statusCode());
    assertEquals("Invalid amount.", e.getMessage());
  }

  @Test
  void followsTheLocationOfAnEmptyCreated() {
    transport.then(
        answer(201, "", "Location", "https://api.example.test/transfers/74c9129b-d14a-e511-80da-0aa34a9b2388"),
        answer(503, ""),
        answer(200, TRANSFER));

    OperationResult<Transfer> result = h.transfers.createWithResult(params(), OWN_KEY);

    assertEquals(List.of("POST /transfers", "GET /transfers/74c9129b-d14a-e511-80da-0aa34a9b2388",
        "GET /transfers/74c9129b-d14a-e511-80da-0aa34a9b2388"), transport.lines());
    assertEquals(3, result.attempts());
    assertEquals("74c9129b-d14a-e511-80da-0aa34a9b2388", result.value().id());
  }

  @Test
  void refusesToFollowALocationToAnotherOriginAndReportsTheOutcomeUnknown() {
    transport.then(answer(201, "", "Location", "https://evil.example/transfers/1"),
        answer(404, "{\"code\":\"NotFound\",\"message\":\"none\"}"));

    OutcomeUnknownException e = assertThrows(OutcomeUnknownException.class,
        () -> h.transfers.create(params(), OWN_KEY));

    assertEquals(List.of("POST /transfers", "GET /responses/" + KEY), transport.lines(),
        "nothing goes to the other origin; the last lookup asks the API itself");
    assertEquals(KEY, e.idempotencyKey().orElseThrow());
    assertEquals(dev.onceonly.StopReason.UNUSABLE_ANSWER, e.reason());
    assertInstanceOf(dev.onceonly.InvalidResponseException.class, e.getCause());
  }

  @Test
  void retriesAReadOnTransientFailures() {
    transport.then(readTimeout(), answer(502, "<html>proxy</html>"), answer(200, TRANSFER));

    Transfer transfer = h.transfers.get("74c9129b-d14a-e511-80da-0aa34a9b2388");

    assertEquals("74c9129b-d14a-e511-80da-0aa34a9b2388", transfer.id());
    assertEquals(3, transport.requests.size());
    assertTrue(transport.requests.stream().allMatch(r -> r.method().equals("GET")));
  }

  @Test
  void aReadThatRunsOutThrowsItsLastFailure() {
    transport.then(answer(503, "{\"code\":\"Unavailable\",\"message\":\"down\"}"));

    ApiException e = assertThrows(ApiException.class, () -> h.transfers.get("abc"));

    assertEquals(503, e.statusCode());
    assertEquals(6, transport.requests.size());
  }

  @Test
  void aMissingTransferIsA404ApiException() {
    transport.then(answer(404, "{\"code\":\"NotFound\",\"message\":\"The requested resource was not found.\"}"));

    ApiException e = assertThrows(ApiException.class, () -> h.transfers.get("nope"));

    assertEquals(404, e.statusCode());
    assertEquals(1, transport.requests.size());
  }

  @Test
  void malformedJsonOnACreatedIsAnUnknownOutcomeWithTheKey() {
    transport.then(answer(201, "{\"id\": \"abc\", \"amount\": "), answer(404, ""));

    OutcomeUnknownException e = assertThrows(OutcomeUnknownException.class,
        () -> h.transfers.create(params(), OWN_KEY));

    assertEquals(201, ((dev.onceonly.InvalidResponseException) e.getCause()).statusCode());
    assertEquals(KEY, e.idempotencyKey().orElseThrow());
    assertEquals(T0, e.keyFirstSentAt());
    assertEquals(T0.plus(Duration.ofHours(24)), e.keyExpiresAt());
  }

  @Test
  void interruptedWhileWaitingStopsAndKeepsTheInterruptFlag() {
    assumeTrue(driver == Driver.BLOCKING, "an interrupt of the calling thread is the blocking driver's;"
        + " the asynchronous driver's counterpart, cancellation, is in AsyncRetryEngineTest");
    FakeClock clock = new FakeClock(T0);
    ClientConfig config = new ClientConfig(Fixtures.BASE, null, POLICY, dev.onceonly.RetryListener.NONE, clock,
        d -> {
          throw new InterruptedException();
        });
    DefaultTransferService service = new DefaultTransferService(
        new RetryEngine(transport, config, new java.util.SplittableRandom(1)), Fixtures.BASE);
    transport.then(readTimeout());

    try {
      OutcomeUnknownException e = assertThrows(OutcomeUnknownException.class, () -> service.create(params(), OWN_KEY));
      assertTrue(Thread.currentThread().isInterrupted());
      assertEquals(1, transport.requests.size(), "no final lookup once interrupted");
      assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
    } finally {
      Thread.interrupted();
    }
  }
}

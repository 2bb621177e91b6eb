package dev.onceonly.internal;

import static dev.onceonly.internal.Fixtures.BASE;
import static dev.onceonly.internal.Fixtures.KEY;
import static dev.onceonly.internal.Fixtures.T0;
import static dev.onceonly.internal.IdempotentDeciderTest.ANY;
import static dev.onceonly.internal.IdempotentDeciderTest.POLICY;
import static dev.onceonly.internal.IdempotentDeciderTest.answer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onceonly.ApiException;
import dev.onceonly.DelaySource;
import dev.onceonly.IdempotencyKeyReusedException;
import dev.onceonly.IdempotencyProfile;
import dev.onceonly.NetworkException;
import dev.onceonly.OutcomeUnknownException;
import dev.onceonly.ReplayStatus;
import dev.onceonly.StopReason;
import dev.onceonly.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The decision core under each built-in profile, one row of its table per test: what the first
 * answers lead to, with no transport, clock or sleeper.
 */
class ProfileDeciderTest {

  static final String STRIPE_IN_USE = "{\"error\":{\"code\":\"idempotency_key_in_use\",\"type\":\"invalid_request_error\","
      + "\"message\":\"There is currently another in-progress request using this Stripe-Idempotency-Key.\"}}";
  static final String STRIPE_REUSED = "{\"error\":{\"type\":\"idempotency_error\",\"message\":\"Keys for idempotent"
      + " requests can only be used with the same parameters they were first used with.\"}}";
  static final String GOCARDLESS_CONFLICT = "{\"error\":{\"code\":409,\"type\":\"invalid_state\",\"message\":\"A resource"
      + " has already been created with this idempotency key\",\"documentation_url\":\"https://developer.gocardless.com\","
      + "\"request_id\":\"req-1\",\"errors\":[{\"reason\":\"idempotent_creation_conflict\",\"message\":\"A resource has"
      + " already been created with this idempotency key\",\"links\":{\"conflicting_resource_id\":\"PM00001\"}}]}}";
  static final String INCREASE_CONFLICT = "{\"status\":409,\"type\":\"idempotency_key_already_used_error\",\"title\":"
      + "\"The idempotency key submitted has already been used.\",\"detail\":null,\"resource_id\":\"ach_transfer_9\"}";

  static IdempotentDecider<String> decider(IdempotencyProfile profile, boolean callerKey) {
    HttpRequest post = new HttpRequest("POST", BASE + "transfers",
        Map.of("Content-Type", "application/json", profile.keyHeader(), KEY), "{}".getBytes(StandardCharsets.UTF_8));
    IdempotentDecider<String> d = new IdempotentDecider<>(POLICY, new Backoff(POLICY, new SplittableRandom(3)),
        RetryBudgetTracker.UNLIMITED, Redactor.none(), BASE, Origin.of(BASE), post, KEY, callerKey, null, ANY, T0);
    d.profile(profile);
    return d;
  }

  /** A decider whose first POST may have reached the server (its answer was lost). */
  static IdempotentDecider<String> afterALostAnswer(IdempotencyProfile profile) {
    IdempotentDecider<String> d = decider(profile, false);
    d.start(T0);
    d.beginAttempt(T0);
    d.onFailure(new NetworkException("read timed out", true, null, null), T0);
    d.beginAttempt(T0.plusSeconds(1));
    return d;
  }

  static final Instant T1 = T0.plusSeconds(1);

  // ---- Stripe ---------------------------------------------------------------------------------

  @Test
  void stripeKeyInUseIsWaitedOutAndTheSamePostSentAgainWithoutAResponsesRoute() {
    IdempotentDecider<String> d = afterALostAnswer(IdempotencyProfile.stripe());

    Decider.Step.Send<String> next = assertInstanceOf(Decider.Step.Send.class,
        d.onResponse(answer(409, STRIPE_IN_USE, "Retry-After", "1", "Stripe-Should-Retry", "true"), T1));

    assertEquals("POST " + BASE + "transfers", next.request().toString(), "Stripe has no /responses: re-POST");
    assertEquals(DelaySource.RETRY_AFTER, next.source());
    assertEquals(1000, next.waitMillis());
  }

  @Test
  void stripeIdempotencyErrorIsAReusedKey() {
    IdempotentDecider<String> d = afterALostAnswer(IdempotencyProfile.stripe());

    Decider.Step.Fail<String> fail = assertInstanceOf(Decider.Step.Fail.class, d.onResponse(answer(400, STRIPE_REUSED), T1));

    IdempotencyKeyReusedException e = assertInstanceOf(IdempotencyKeyReusedException.class, fail.error());
    assertEquals("idempotency_error", e.code().orElseThrow());
    assertTrue(e.getMessage().contains("same parameters"), e.getMessage());
  }

  @Test
  void stripeReplayIsMarkedAndAStoredServerErrorIsNotRetriedForEver() {
    IdempotentDecider<String> ok = afterALostAnswer(IdempotencyProfile.stripe());
    Decider.Step.Done<String> done = assertInstanceOf(Decider.Step.Done.class,
        ok.onResponse(answer(201, "tr_1", "Idempotent-Replayed", "true"), T1));
    assertEquals(ReplayStatus.REPLAYED, done.replay());

    IdempotentDecider<String> stored = afterALostAnswer(IdempotencyProfile.stripe());
    Decider.Step.Fail<String> fail = assertInstanceOf(Decider.Step.Fail.class,
        stored.onResponse(answer(500, "{\"error\":{\"type\":\"api_error\"}}", "Idempotent-Replayed", "true"), T1));
    assertEquals(StopReason.STORED_SERVER_ERROR, assertInstanceOf(OutcomeUnknownException.class, fail.error()).reason());
  }

  @Test
  void stripeShouldRetryTrueRetriesAnAnswerTheTableWouldNot() {
    IdempotentDecider<String> d = decider(IdempotencyProfile.stripe(), false);
    d.start(T0);
    d.beginAttempt(T0);

    Decider.Step.Send<String> next = assertInstanceOf(Decider.Step.Send.class, d.onResponse(
        answer(400, "{\"error\":{\"type\":\"invalid_request_error\",\"code\":\"lock_timeout\"}}", "Stripe-Should-Retry",
            "true"), T0));

    assertEquals("POST", next.request().method());
  }

  @Test
  void stripeShouldRetryFalseStopsA503WithoutAnotherRequest() {
    IdempotentDecider<String> d = decider(IdempotencyProfile.stripe(), false);
    d.start(T0);
    d.beginAttempt(T0);

    Decider.Step.Fail<String> fail = assertInstanceOf(Decider.Step.Fail.class, d.onResponse(
        answer(503, "{\"error\":{\"type\":\"api_error\"}}", "Stripe-Should-Retry", "false"), T0));

    OutcomeUnknownException e = assertInstanceOf(OutcomeUnknownException.class, fail.error());
    assertEquals(StopReason.AMBIGUOUS_ERROR, e.reason(), "a 5xx may have been acted on");
    assertEquals(1, d.attempts());
  }

  @Test
  void stripeShouldRetryFalseOnA429BeforeAnythingArrivedIsTheServersRefusal() {
    IdempotentDecider<String> d = decider(IdempotencyProfile.stripe(), false);
    d.start(T0);
    d.beginAttempt(T0);

    Decider.Step.Fail<String> fail = assertInstanceOf(Decider.Step.Fail.class, d.onResponse(
        answer(429, "{\"error\":{\"type\":\"rate_limit_error\"}}", "Stripe-Should-Retry", "false"), T0));

    assertEquals(429, assertInstanceOf(ApiException.class, fail.error()).statusCode());
  }

  @Test
  void aStripe409OfAnotherCodeAfterAMaybeSentAttemptIsNotTakenForInProgress() {
    IdempotentDecider<String> d = afterALostAnswer(IdempotencyProfile.stripe());

    Decider.Step.Fail<String> fail = assertInstanceOf(Decider.Step.Fail.class,
        d.onResponse(answer(409, "{\"error\":{\"code\":\"resource_already_exists\"}}"), T1));

    OutcomeUnknownException e = assertInstanceOf(OutcomeUnknownException.class, fail.error());
    assertEquals(StopReason.AMBIGUOUS_ERROR, e.reason());
    assertEquals(2, d.attempts(), "no /responses lookup on an API without the route");
  }

  @Test
  void aStripe409InUseToTheFirstPostOfAMintedKeyIsABusinessConflict() {
    IdempotentDecider<String> d = decider(IdempotencyProfile.stripe(), false);
    d.start(T0);
    d.beginAttempt(T0);

    Decider.Step.Fail<String> fail = assertInstanceOf(Decider.Step.Fail.class, d.onResponse(answer(409, STRIPE_IN_USE), T0));

    assertFalse(fail.error() instanceof OutcomeUnknownException);
    assertEquals(409, assertInstanceOf(ApiException.class, fail.error()).statusCode());
  }

  // ---- GoCardless -----------------------------------------------------------------------------

  @Test
  void goCardlessConflictIsSettledByReadingTheNamedResourceAtOnce() {
    IdempotentDecider<String> d = afterALostAnswer(IdempotencyProfile.goCardless());

    Decider.Step.Send<String> read = assertInstanceOf(Decider.Step.Send.class, d.onResponse(answer(409, GOCARDLESS_CONFLICT), T1));
    assertEquals("GET " + BASE + "transfers/PM00001", read.request().toString());
    assertEquals(0, read.waitMillis());
    assertEquals(DelaySource.IMMEDIATE, read.source());
    d.beginAttempt(T1);
    Decider.Step.Done<String> done = assertInstanceOf(Decider.Step.Done.class, d.onResponse(answer(200, "PM00001"), T1));

    assertEquals("PM00001", done.value());
    assertEquals(ReplayStatus.REPLAYED, done.replay());
    assertEquals(3, done.attempts(), "the read belongs to the same operation");
  }

  @Test
  void goCardlessNamedResourceThatContradictsTheRequestMeansTheKeyWasReused() {
    AnswerReader<String> checking = r -> r.body().length == 0 ? AnswerReader.Answer.empty()
        : AnswerReader.Answer.contradicts("asked for USD 1337.00, the answer says USD 5.00");
    IdempotencyProfile p = IdempotencyProfile.goCardless();
    HttpRequest post = new HttpRequest("POST", BASE + "transfers", Map.of(p.keyHeader(), KEY), new byte[] {'{', '}'});
    IdempotentDecider<String> d = new IdempotentDecider<>(POLICY, new Backoff(POLICY, new SplittableRandom(3)),
        RetryBudgetTracker.UNLIMITED, Redactor.none(), BASE, Origin.of(BASE), post, KEY, true, null, checking, T0);
    d.profile(p);
    d.start(T0);
    d.beginAttempt(T0);
    d.onResponse(answer(409, GOCARDLESS_CONFLICT), T0);
    d.beginAttempt(T0);

    Decider.Step.Fail<String> fail = assertInstanceOf(Decider.Step.Fail.class, d.onResponse(answer(200, "{}"), T0));

    IdempotencyKeyReusedException e = assertInstanceOf(IdempotencyKeyReusedException.class, fail.error());
    assertTrue(e.getMessage().contains("another request's"), e.getMessage());
  }

  @Test
  void goCardlessConflictNamingNoResourceYetIsWaitedOutAsInProgress() {
    IdempotentDecider<String> d = afterALostAnswer(IdempotencyProfile.goCardless());

    Decider.Step.Send<String> next = assertInstanceOf(Decider.Step.Send.class, d.onResponse(answer(409,
        "{\"error\":{\"type\":\"invalid_state\",\"errors\":[{\"reason\":\"idempotent_creation_conflict\"}]}}"), T1));

    assertEquals("POST", next.request().method());
    assertTrue(next.waitMillis() >= 200, "after a backoff, not at once");
  }

  @Test
  void goCardlessNamedResourceThatIsGoneEndsAsUnknown() {
    IdempotentDecider<String> d = afterALostAnswer(IdempotencyProfile.goCardless());
    d.onResponse(answer(409, GOCARDLESS_CONFLICT), T1);
    d.beginAttempt(T1);

    Decider.Step.Fail<String> fail = assertInstanceOf(Decider.Step.Fail.class,
        d.onResponse(answer(404, "{\"error\":{\"type\":\"invalid_api_usage\",\"code\":404}}"), T1));

    assertEquals(StopReason.ANSWER_NOT_RECOVERABLE, assertInstanceOf(OutcomeUnknownException.class, fail.error()).reason());
  }

  @Test
  void goCardlessNamedResourceReadIsRetriedOnA503() {
    IdempotentDecider<String> d = afterALostAnswer(IdempotencyProfile.goCardless());
    d.onResponse(answer(409, GOCARDLESS_CONFLICT), T1);
    d.beginAttempt(T1);

    Decider.Step.Send<String> again = assertInstanceOf(Decider.Step.Send.class, d.onResponse(answer(503, ""), T1));

    assertEquals("GET " + BASE + "transfers/PM00001", again.request().toString());
  }

  @Test
  void goCardless422IsAValidationErrorNotAReusedKey() {
    IdempotentDecider<String> d = decider(IdempotencyProfile.goCardless(), false);
    d.start(T0);
    d.beginAttempt(T0);

    Decider.Step.Fail<String> fail = assertInstanceOf(Decider.Step.Fail.class, d.onResponse(answer(422,
        "{\"error\":{\"type\":\"validation_failed\",\"code\":422,\"message\":\"Validation failed\","
            + "\"errors\":[{\"field\":\"amount\",\"message\":\"must be greater than 0\"}]}}"), T0));

    ApiException e = assertInstanceOf(ApiException.class, fail.error());
    assertFalse(e instanceof IdempotencyKeyReusedException);
    assertEquals("validation_failed", e.code().orElseThrow());
    assertEquals("amount", e.fieldErrors().get(0).field());
  }

  // ---- Increase -------------------------------------------------------------------------------

  @Test
  void increaseConflictIsSettledByReadingItsResourceId() {
    IdempotentDecider<String> d = afterALostAnswer(IdempotencyProfile.increase());

    Decider.Step.Send<String> read = assertInstanceOf(Decider.Step.Send.class, d.onResponse(answer(409, INCREASE_CONFLICT), T1));

    assertEquals("GET " + BASE + "transfers/ach_transfer_9", read.request().toString());
  }

  @Test
  void increaseReplayIsMarked() {
    IdempotentDecider<String> d = afterALostAnswer(IdempotencyProfile.increase());

    Decider.Step.Done<String> done = assertInstanceOf(Decider.Step.Done.class,
        d.onResponse(answer(200, "ach_transfer_9", "Idempotent-Replayed", "true"), T1));

    assertEquals(ReplayStatus.REPLAYED, done.replay());
  }

  // ---- PayPal, Checkout.com, Adyen ------------------------------------------------------------

  @Test
  void checkoutComUndocumented409AfterAMaybeSentAttemptEndsAsUnknownNotAsInProgress() {
    IdempotentDecider<String> d = afterALostAnswer(IdempotencyProfile.checkoutCom());

    Decider.Step.Fail<String> fail = assertInstanceOf(Decider.Step.Fail.class,
        d.onResponse(answer(409, "{\"request_id\":\"r-1\",\"error_type\":\"conflict\"}"), T1));

    assertEquals(StopReason.AMBIGUOUS_ERROR, assertInstanceOf(OutcomeUnknownException.class, fail.error()).reason());
    assertTrue(fail.error().getMessage().contains("Cko-Idempotency-Key " + KEY), fail.error().getMessage());
  }

  @Test
  void checkoutComConcurrent429IsRetried() {
    IdempotentDecider<String> d = afterALostAnswer(IdempotencyProfile.checkoutCom());

    assertInstanceOf(Decider.Step.Send.class, d.onResponse(answer(429, ""), T1));
  }

  @Test
  void adyenTransientErrorTrueRetriesWithTheSameKey() {
    IdempotentDecider<String> d = decider(IdempotencyProfile.adyen(), false);
    d.start(T0);
    d.beginAttempt(T0);

    Decider.Step.Send<String> next = assertInstanceOf(Decider.Step.Send.class, d.onResponse(answer(422,
        "{\"status\":422,\"errorCode\":\"000\",\"message\":\"Try again\",\"errorType\":\"validation\"}",
        "Transient-Error", "true"), T0));

    assertEquals("POST", next.request().method());
  }

  @Test
  void adyenTransientErrorFalseDoesNotStopARetry() {
    IdempotentDecider<String> d = decider(IdempotencyProfile.adyen(), false);
    d.start(T0);
    d.beginAttempt(T0);

    assertInstanceOf(Decider.Step.Send.class, d.onResponse(answer(503, "", "Transient-Error", "false"), T0));
  }

  @Test
  void payPalRepeatedRequestIsAnUnmarkedAnswer() {
    IdempotentDecider<String> d = afterALostAnswer(IdempotencyProfile.payPal());

    Decider.Step.Done<String> done = assertInstanceOf(Decider.Step.Done.class,
        d.onResponse(answer(201, "ORDER-1", "Idempotent-Replayed", "true"), T1));

    assertEquals(ReplayStatus.UNKNOWN, done.replay(), "PayPal marks no replays: the header means nothing from it");
  }

  // ---- MangoPay and Dwolla --------------------------------------------------------------------

  @Test
  void mangoPayConflictIsReadThroughResponsesAtOnce() {
    IdempotentDecider<String> d = afterALostAnswer(IdempotencyProfile.mangoPay());

    Decider.Step.Send<String> poll = assertInstanceOf(Decider.Step.Send.class, d.onResponse(answer(409,
        "{\"Message\":\"A resource has already been created with this Idempotency Key\","
            + "\"Type\":\"idempotent_creation_conflict\",\"Id\":\"x\",\"Date\":1452723944,\"errors\":null}"), T1));

    assertEquals("GET " + BASE + "responses/" + KEY, poll.request().toString());
    assertEquals(0, poll.waitMillis());
  }

  @Test
  void dwollaAny409IsInProgressAndReSentWithoutProbingResponses() {
    IdempotentDecider<String> d = afterALostAnswer(IdempotencyProfile.dwolla());

    Decider.Step.Send<String> next = assertInstanceOf(Decider.Step.Send.class,
        d.onResponse(answer(409, "{\"code\":\"Conflict\",\"message\":\"busy\"}"), T1));

    assertEquals("POST", next.request().method(), "the standard profile would first try GET /responses/{key}");
  }

  @Test
  void theStandardProfileStillProbesResponsesOnAPlain409() {
    IdempotentDecider<String> d = afterALostAnswer(IdempotencyProfile.standard());

    Decider.Step.Send<String> next = assertInstanceOf(Decider.Step.Send.class,
        d.onResponse(answer(409, "{\"code\":\"Conflict\",\"message\":\"busy\"}"), T1));

    assertEquals("GET " + BASE + "responses/" + KEY, next.request().toString());
  }

  // ---- a custom profile -----------------------------------------------------------------------

  @Test
  void aBusinessConflictIsRefusedEvenAfterAMaybeSentAttempt() {
    IdempotencyProfile acme = IdempotencyProfile.builder().inProgress(409, "in_flight")
        .businessConflict(409, "duplicate_reference").build();
    IdempotentDecider<String> d = afterALostAnswer(acme);

    Decider.Step.Fail<String> fail = assertInstanceOf(Decider.Step.Fail.class,
        d.onResponse(answer(409, "{\"code\":\"duplicate_reference\",\"message\":\"INV-42 was paid\"}"), T1));

    ApiException e = assertInstanceOf(ApiException.class, fail.error());
    assertEquals("duplicate_reference", e.code().orElseThrow());
  }
}

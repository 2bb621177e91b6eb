package dev.onceonly.internal;

import static dev.onceonly.internal.Fixtures.BASE;
import static dev.onceonly.internal.Fixtures.KEY;
import static dev.onceonly.internal.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.onceonly.ApiException;
import dev.onceonly.DelaySource;
import dev.onceonly.NetworkException;
import dev.onceonly.OutcomeUnknownException;
import dev.onceonly.RetryPolicy;
import dev.onceonly.StopReason;
import dev.onceonly.http.HttpRequest;
import dev.onceonly.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The decision core alone: no transport, no clock, no sleeper. Each test feeds it what happened
 * and reads what it decides, as a row of the protocol's table.
 */
class IdempotentDeciderTest {

  static final RetryPolicy POLICY = RetryPolicy.builder().maxAttempts(4).initialBackoff(Duration.ofMillis(200))
      .maxBackoff(Duration.ofSeconds(5)).maxElapsed(Duration.ofSeconds(60)).attemptTimeout(Duration.ofSeconds(10)).build();
  static final HttpRequest POST = new HttpRequest("POST", BASE + "transfers",
      Map.of("Content-Type", "application/json", "Idempotency-Key", KEY), "{}".getBytes(StandardCharsets.UTF_8));

  /** Matches any non-empty body, so that these tests are about the table, not the answer check. */
  static final AnswerReader<String> ANY = r -> r.body().length == 0
      ? AnswerReader.Answer.empty() : AnswerReader.Answer.matches(new String(r.body(), StandardCharsets.UTF_8));

  static IdempotentDecider<String> decider(boolean callerKey) {
    return new IdempotentDecider<>(POLICY, new Backoff(POLICY, new SplittableRandom(3)),
        RetryBudgetTracker.UNLIMITED, Redactor.none(), BASE, Origin.of(BASE), POST,
        KEY, callerKey, null, ANY, T0);
  }

  static HttpResponse answer(int status, String body, String... headers) {
    Map<String, List<String>> map = new java.util.LinkedHashMap<>();
    for (int i = 0; i < headers.length; i += 2) {
      map.put(headers[i], List.of(headers[i + 1]));
    }
    return new HttpResponse(status, map, body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theFirstStepIsThePostAtOnceAndEachAttemptIsBoundedByTheAttemptTimeout() {
    IdempotentDecider<String> d = decider(true);

    Decider.Step.Send<String> first = assertInstanceOf(Decider.Step.Send.class, d.start(T0));

    assertEquals(POST, first.request());
    assertEquals(0, first.waitMillis());
    assertNull(first.event());
    assertEquals(Duration.ofSeconds(10), d.beginAttempt(T0));
    assertEquals(Duration.ofSeconds(3), decider(true).beginAttempt(T0.plusSeconds(57)), "cut at the deadline");
    assertNull(decider(true).beginAttempt(T0.plusSeconds(60)), "no time left");
  }

  @Test
  void aTimeoutAfterTheWriteIsRetriedWithTheSamePostAfterABackoff() {
    IdempotentDecider<String> d = decider(true);
    d.start(T0);
    d.beginAttempt(T0);

    Decider.Step<String> next = d.onFailure(new NetworkException("read timed out", true, null, null), T0.plusSeconds(10));

    Decider.Step.Send<String> send = assertInstanceOf(Decider.Step.Send.class, next);
    assertEquals(POST, send.request());
    assertEquals(DelaySource.BACKOFF, send.source());
    assertEquals(1, send.event().attempt());
  }

  @Test
  void aRetryAfterOnA503IsObeyedButNeverUnderTheFloor() {
    IdempotentDecider<String> d = decider(true);
    d.start(T0);
    d.beginAttempt(T0);

    Decider.Step.Send<String> send = assertInstanceOf(Decider.Step.Send.class,
        d.onResponse(answer(503, "", "Retry-After", "0"), T0));

    assertEquals(DelaySource.RETRY_AFTER, send.source());
    assertEquals(200, send.waitMillis());
  }

  @Test
  void a401AfterAMaybeSentAttemptEndsWithOneLastLookupThenUnknown() {
    IdempotentDecider<String> d = decider(true);
    d.start(T0);
    d.beginAttempt(T0);
    d.onFailure(new NetworkException("reset", true, null, null), T0);
    d.beginAttempt(T0.plusSeconds(1));

    Decider.Step.Send<String> lookup = assertInstanceOf(Decider.Step.Send.class,
        d.onResponse(answer(401, "{\"code\":\"Unauthorized\",\"message\":\"expired\"}"), T0.plusSeconds(1)));
    assertEquals("GET " + BASE + "responses/" + KEY, lookup.request().toString());
    d.beginAttempt(T0.plusSeconds(2));
    Decider.Step.Fail<String> fail = assertInstanceOf(Decider.Step.Fail.class, d.onResponse(answer(404, ""), T0.plusSeconds(2)));

    OutcomeUnknownException e = assertInstanceOf(OutcomeUnknownException.class, fail.error());
    assertEquals(StopReason.AMBIGUOUS_ERROR, e.reason());
    assertEquals(401, ((ApiException) e.getCause()).statusCode());
    assertEquals(T0, e.keyFirstSentAt());
  }

  @Test
  void theLastAllowedRequestIsALookupWhenTheOutcomeIsOpen() {
    IdempotentDecider<String> d = decider(true);
    d.start(T0);
    Decider.Step<String> step = null;
    for (int i = 0; i < 3; i++) {
      d.beginAttempt(T0);
      step = d.onFailure(new NetworkException("reset", true, null, null), T0);
    }

    Decider.Step.Send<String> last = assertInstanceOf(Decider.Step.Send.class, step);
    assertEquals("GET", last.request().method(), "the 4th and last request reads the stored answer");
  }

  @Test
  void aBodilessCreatedIsReadBackAtOnceFromItsLocation() {
    IdempotentDecider<String> d = decider(false);
    d.start(T0);
    d.beginAttempt(T0);

    Decider.Step.Send<String> readBack = assertInstanceOf(Decider.Step.Send.class,
        d.onResponse(answer(201, "", "Location", "/transfers/t-1"), T0));
    d.beginAttempt(T0);
    Decider.Step.Done<String> done = assertInstanceOf(Decider.Step.Done.class, d.onResponse(answer(200, "t-1"), T0));

    assertEquals("GET " + BASE + "transfers/t-1", readBack.request().toString());
    assertEquals(0, readBack.waitMillis());
    assertEquals("t-1", done.value());
    assertEquals(2, done.attempts());
  }

  @Test
  void aStopFromTheDriverBeforeAnythingWasSentSaysNothingWasSent() {
    IdempotentDecider<String> d = decider(true);
    d.start(T0);

    Decider.Step.Fail<String> fail = assertInstanceOf(Decider.Step.Fail.class, d.stop(StopReason.CLIENT_CLOSED, T0));

    assertInstanceOf(dev.onceonly.RequestNotSentException.class, fail.error());
  }

  @Test
  void aKeyFirstUsedTooLongAgoIsRefusedBeforeTheFirstStep() {
    IdempotentDecider<String> d = new IdempotentDecider<>(POLICY, new Backoff(POLICY, new SplittableRandom(3)),
        RetryBudgetTracker.UNLIMITED, Redactor.none(), BASE, Origin.of(BASE), POST, KEY, true, T0.minus(Duration.ofHours(24)), ANY, T0);

    Decider.Step.Fail<String> fail = assertInstanceOf(Decider.Step.Fail.class, d.start(T0));

    assertInstanceOf(dev.onceonly.IdempotencyKeyExpiredException.class, fail.error());
    assertEquals(0, d.attempts());
  }
}

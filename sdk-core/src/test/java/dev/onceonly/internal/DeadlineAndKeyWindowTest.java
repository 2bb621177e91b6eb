package dev.onceonly.internal;

import static dev.onceonly.internal.FakeTransport.answer;
import static dev.onceonly.internal.FakeTransport.connectRefused;
import static dev.onceonly.internal.FakeTransport.readTimeout;
import static dev.onceonly.internal.Fixtures.KEY;
import static dev.onceonly.internal.Fixtures.T0;
import static dev.onceonly.internal.Fixtures.TRANSFER;
import static dev.onceonly.internal.Fixtures.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onceonly.IdempotencyKeyExpiredException;
import dev.onceonly.OutcomeUnknownException;
import dev.onceonly.RequestNotSentException;
import dev.onceonly.RequestOptions;
import dev.onceonly.RetryPolicy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass(name = "{0}")
@EnumSource(Driver.class)
class DeadlineAndKeyWindowTest {

  final Driver driver;
  final FakeTransport transport = new FakeTransport();

  DeadlineAndKeyWindowTest(Driver driver) {
    this.driver = driver;
  }

  @Test
  void stopsBeforeAWaitThatWouldCrossTheDeadline() {
    RetryPolicy policy = RetryPolicy.builder().maxAttempts(100)
        .initialBackoff(Duration.ofMillis(400)).maxBackoff(Duration.ofMillis(400))
        .maxElapsed(Duration.ofSeconds(1)).build();
    Fixtures.Harness h = new Fixtures.Harness(transport, policy, driver);
    transport.then(connectRefused());

    RequestNotSentException e = assertThrows(RequestNotSentException.class, () -> h.transfers.create(params()));

    assertEquals(List.of(Duration.ofMillis(400), Duration.ofMillis(400)), h.sleeper.sleeps,
        "a third wait would end at 1.2 s, past the 1 s deadline");
    assertEquals(3, transport.requests.size());
    assertTrue(e.getMessage().contains("deadline"), e.getMessage());
  }

  @Test
  void aRetryAfterPastTheDeadlineEndsTheOperationNowAndStillAsksForTheStoredAnswer() {
    RetryPolicy policy = RetryPolicy.builder().maxElapsed(Duration.ofSeconds(2)).build();
    Fixtures.Harness h = new Fixtures.Harness(transport, policy, driver);
    transport.then(answer(503, "", "Retry-After", "4"),
        answer(404, "{\"code\":\"NotFound\",\"message\":\"none\"}"));

    OutcomeUnknownException e = assertThrows(OutcomeUnknownException.class,
        () -> h.transfers.create(params(), RequestOptions.builder().idempotencyKey(KEY).build()));

    assertEquals(List.of(policy.initialBackoff()), h.sleeper.sleeps,
        "it does not sleep the 4 s in vain; only the floor between two requests before the last lookup");
    assertEquals(List.of("POST /transfers", "GET /responses/" + KEY), transport.lines());
    assertEquals(dev.onceonly.StopReason.DEADLINE, e.reason());
    assertEquals(2, e.attempts());
  }

  @Test
  void theWholeOperationNeverSleepsPastMaxElapsed() {
    RetryPolicy policy = RetryPolicy.builder().maxAttempts(1000).maxElapsed(Duration.ofSeconds(30)).build();
    Fixtures.Harness h = new Fixtures.Harness(transport, policy, driver);
    transport.then(readTimeout());

    assertThrows(OutcomeUnknownException.class, () -> h.transfers.create(params()));

    assertTrue(h.sleeper.total().compareTo(Duration.ofSeconds(30)) <= 0, "slept " + h.sleeper.total());
    assertTrue(transport.requests.size() < 1000);
  }

  @Test
  void refusesACallersKeyFirstUsedBeyondItsWindowAndSendsNothing() {
    Fixtures.Harness h = new Fixtures.Harness(transport, RetryPolicy.defaults(), driver);
    RequestOptions stale = RequestOptions.builder().idempotencyKey(KEY)
        .keyFirstUsedAt(T0.minus(Duration.ofHours(23)).minus(Duration.ofMinutes(56))).build();

    IdempotencyKeyExpiredException e = assertThrows(IdempotencyKeyExpiredException.class,
        () -> h.transfers.create(params(), stale));

    assertEquals(0, transport.requests.size());
    assertEquals(T0.plus(Duration.ofMinutes(4)), e.keyExpiresAt(), "24 h after first use");
    assertEquals(KEY, e.idempotencyKey().orElseThrow());
  }

  @Test
  void remembersWhenItFirstSentAKeyAndRefusesToResumeItTooLate() {
    Fixtures.Harness h = new Fixtures.Harness(transport, RetryPolicy.defaults(), driver);
    RequestOptions key = RequestOptions.builder().idempotencyKey(KEY).build();
    transport.then(readTimeout());
    OutcomeUnknownException first = assertThrows(OutcomeUnknownException.class, () -> h.transfers.create(params(), key));
    int sent = transport.requests.size();

    h.clock.advance(Duration.ofHours(24));

    assertThrows(IdempotencyKeyExpiredException.class, () -> h.transfers.create(params(), key));
    assertEquals(sent, transport.requests.size(), "nothing more was sent");
    assertEquals(T0.plus(Duration.ofHours(24)), first.keyExpiresAt());
  }

  @Test
  void resumingWithinTheWindowKeepsTheOriginalExpiry() {
    Fixtures.Harness h = new Fixtures.Harness(transport, RetryPolicy.defaults(), driver);
    RequestOptions key = RequestOptions.builder().idempotencyKey(KEY).build();
    transport.then(readTimeout());
    assertThrows(OutcomeUnknownException.class, () -> h.transfers.create(params(), key));
    h.clock.advance(Duration.ofHours(3));

    OutcomeUnknownException again = assertThrows(OutcomeUnknownException.class, () -> h.transfers.create(params(), key));

    assertEquals(T0.plus(Duration.ofHours(24)), again.keyExpiresAt(), "the window runs from the first send, not the resume");
  }

  @Test
  void neverPostsAKeyOnceItsWindowClosesDuringRetries() {
    RetryPolicy policy = RetryPolicy.builder().maxAttempts(10)
        .initialBackoff(Duration.ofSeconds(5)).maxBackoff(Duration.ofSeconds(5)).build();
    Fixtures.Harness h = new Fixtures.Harness(transport, policy, driver);
    // First used 23 h 54 min 50 s ago: with the 5 min margin, POSTs may go out for 10 s more.
    RequestOptions key = RequestOptions.builder().idempotencyKey(KEY)
        .keyFirstUsedAt(T0.minus(Duration.ofHours(24)).plus(Duration.ofMinutes(5)).plusSeconds(10)).build();
    transport.then(readTimeout(), readTimeout(), readTimeout(), answer(404, "{\"code\":\"NotFound\",\"message\":\"none\"}"));

    OutcomeUnknownException e = assertThrows(OutcomeUnknownException.class, () -> h.transfers.create(params(), key));

    assertEquals(List.of("POST /transfers", "POST /transfers", "GET /responses/" + KEY), transport.lines(),
        "POSTs at 0 s and 5 s; at 10 s the window is closed, so only the read of the stored answer");
    assertTrue(e.getMessage().contains("window"), e.getMessage());
  }

  @Test
  void aMintedKeySucceedsWithoutAnyWindowTrouble() {
    Fixtures.Harness h = new Fixtures.Harness(transport, RetryPolicy.defaults(), driver);
    transport.then(answer(201, TRANSFER));
    h.clock.advance(Duration.ofDays(400));

    assertEquals("74c9129b-d14a-e511-80da-0aa34a9b2388", h.transfers.create(params()).id());
  }

  @Test
  void remembersOnlyTheKeysOfOperationsThatEndedWithoutAnAnswer() {
    Fixtures.Harness h = new Fixtures.Harness(transport, RetryPolicy.defaults(), driver);
    transport.then(answer(201, TRANSFER), answer(201, TRANSFER), readTimeout());
    h.transfers.create(params());
    h.transfers.create(params(), RequestOptions.builder().idempotencyKey(KEY).build());
    assertEquals(0, h.engine.journal().pending().size(), "answered operations leave nothing behind");

    assertThrows(OutcomeUnknownException.class, () -> h.transfers.create(params()));

    assertEquals(1, h.engine.journal().pending().size(), "the key the caller may resume is remembered");
  }
}

package dev.onceonly.internal;

import static dev.onceonly.internal.FakeTransport.answer;
import static dev.onceonly.internal.FakeTransport.readTimeout;
import static dev.onceonly.internal.Fixtures.KEY;
import static dev.onceonly.internal.Fixtures.TRANSFER;
import static dev.onceonly.internal.Fixtures.envelope;
import static dev.onceonly.internal.Fixtures.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onceonly.AttemptEvent;
import dev.onceonly.DelaySource;
import dev.onceonly.NetworkException;
import dev.onceonly.OperationResult;
import dev.onceonly.OutcomeUnknownException;
import dev.onceonly.ReplayStatus;
import dev.onceonly.RequestOptions;
import dev.onceonly.RetryListener;
import dev.onceonly.RetryPolicy;
import io.github.resilience4j.retry.event.RetryEvent;
import io.github.resilience4j.retry.event.RetryOnRetryEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass(name = "{0}")
@EnumSource(Driver.class)
class RetryEventsTest {

  final Driver driver;
  final FakeTransport transport = new FakeTransport();
  final List<AttemptEvent> events = new ArrayList<>();
  final List<OperationResult<?>> successes = new ArrayList<>();
  final RetryListener listener = new RetryListener() {
    @Override
    public void onAttempt(AttemptEvent event) {
      events.add(event);
    }

    @Override
    public void onSuccess(OperationResult<?> result) {
      successes.add(result);
    }
  };
  final Fixtures.Harness h;
  final RequestOptions key = RequestOptions.builder().idempotencyKey(KEY).build();

  RetryEventsTest(Driver driver) {
    this.driver = driver;
    this.h = new Fixtures.Harness(transport, RetryPolicy.defaults(), listener, driver);
  }

  @Test
  void eachAttemptThatLeadsToAnotherIsReportedWithItsDelayAndWhereItCameFrom() {
    transport.then(
        readTimeout(),
        answer(409, "{\"code\":\"idempotency_request_in_progress\",\"message\":\"busy\"}", "Retry-After", "2"),
        answer(200, envelope(201, TRANSFER)));

    h.transfers.create(params(), key);

    assertEquals(2, events.size());
    AttemptEvent first = events.get(0);
    assertEquals(1, first.attempt());
    assertEquals(KEY, first.idempotencyKey());
    assertEquals(0, first.statusCode());
    assertInstanceOf(NetworkException.class, first.cause());
    assertTrue(first.willRetry());
    assertEquals(DelaySource.BACKOFF, first.delaySource());
    assertEquals(h.sleeper.sleeps.get(0), first.delay(), "the delay reported is the delay slept");
    AttemptEvent second = events.get(1);
    assertEquals(2, second.attempt());
    assertEquals(409, second.statusCode());
    assertEquals(DelaySource.RETRY_AFTER, second.delaySource());
    assertEquals(Duration.ofSeconds(2), second.delay());
    assertEquals("POST https://api.example.test/transfers", second.request());
  }

  @Test
  void successIsReportedWithTheKeyTheAttemptsAndTheReplay() {
    transport.then(readTimeout(), answer(201, TRANSFER, "Idempotent-Replayed", "true"));

    h.transfers.create(params(), key);

    assertEquals(1, successes.size());
    assertEquals(KEY, successes.get(0).idempotencyKey());
    assertEquals(2, successes.get(0).attempts());
    assertEquals(ReplayStatus.REPLAYED, successes.get(0).replay());
  }

  @Test
  void theLastFailedAttemptIsReportedAsNotRetried() {
    Fixtures.Harness once = new Fixtures.Harness(transport, RetryPolicy.builder().maxAttempts(2).build(), listener, driver);
    transport.then(readTimeout(), answer(404, "{\"code\":\"NotFound\",\"message\":\"none\"}"));

    assertThrows(OutcomeUnknownException.class, () -> once.transfers.create(params(), key));

    assertEquals(List.of(true, false), events.stream().map(AttemptEvent::willRetry).toList());
    assertEquals("GET https://api.example.test/responses/" + KEY, events.get(1).request());
  }

  @Test
  void aThrowingListenerCannotChangeTheOutcome() {
    RetryListener bad = new RetryListener() {
      @Override
      public void onAttempt(AttemptEvent event) {
        throw new IllegalStateException("boom");
      }

      @Override
      public void onSuccess(OperationResult<?> result) {
        throw new IllegalStateException("boom");
      }
    };
    Fixtures.Harness h2 = new Fixtures.Harness(transport, RetryPolicy.defaults(), bad, driver);
    transport.then(readTimeout(), answer(201, TRANSFER));

    assertEquals("74c9129b-d14a-e511-80da-0aa34a9b2388", h2.transfers.create(params(), key).id());
  }

  @Test
  void resilience4jSeesEveryRetryThroughItsEventPublisherAndMetrics() {
    List<RetryEvent> r4j = new ArrayList<>();
    h.engine.retry().getEventPublisher().onEvent(r4j::add);
    transport.then(readTimeout(), answer(503, ""), answer(201, TRANSFER));

    h.transfers.create(params(), key);

    assertEquals(List.of(RetryEvent.Type.RETRY, RetryEvent.Type.RETRY, RetryEvent.Type.SUCCESS),
        r4j.stream().map(RetryEvent::getEventType).toList());
    assertEquals(h.sleeper.sleeps.get(0), ((RetryOnRetryEvent) r4j.get(0)).getWaitInterval(),
        "resilience4j reports the wait the engine took");
    assertInstanceOf(NetworkException.class, r4j.get(0).getLastThrowable());
    assertEquals(1, h.engine.retry().getMetrics().getNumberOfSuccessfulCallsWithRetryAttempt());
  }
}

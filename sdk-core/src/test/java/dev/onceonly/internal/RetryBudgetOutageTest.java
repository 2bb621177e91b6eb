package dev.onceonly.internal;

import static dev.onceonly.internal.FakeTransport.answer;
import static dev.onceonly.internal.FakeTransport.connectRefused;
import static dev.onceonly.internal.FakeTransport.readTimeout;
import static dev.onceonly.internal.Fixtures.KEY;
import static dev.onceonly.internal.Fixtures.TRANSFER;
import static dev.onceonly.internal.Fixtures.envelope;
import static dev.onceonly.internal.Fixtures.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onceonly.ApiException;
import dev.onceonly.OperationResult;
import dev.onceonly.OutcomeUnknownException;
import dev.onceonly.PaymentsException;
import dev.onceonly.RequestNotSentException;
import dev.onceonly.RequestOptions;
import dev.onceonly.RetryBudget;
import dev.onceonly.RetryListener;
import dev.onceonly.RetryPolicy;
import dev.onceonly.StopReason;
import dev.onceonly.http.HttpRequest;
import dev.onceonly.http.HttpResponse;
import dev.onceonly.transfers.Transfer;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The retry budget against a scripted outage, through both drivers: one client's many
 * operations share it, retries stop at it, lookups reach further, the refusals are truthful,
 * and the budget comes back once operations succeed again.
 *
 * <p>Backoff here is 1 to 2 ms, so that a whole run stays inside the budget's 10 s window: the
 * operations behave as if they ran at once, as they do in a real outage.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Driver.class)
class RetryBudgetOutageTest {

  static final RetryPolicy POLICY = RetryPolicy.builder()
      .maxAttempts(6)
      .initialBackoff(Duration.ofMillis(1))
      .maxBackoff(Duration.ofMillis(2))
      .build();
  /** Half a retry per operation, lookups up to one, no floor: the numbers below are exact. */
  static final RetryBudget HALF = RetryBudget.builder().ratio(0.5).lookupRatio(1.0).minRetriesPerSecond(0).build();
  static final String UNAVAILABLE = "{\"code\":\"ServiceUnavailable\",\"message\":\"down\"}";

  final Driver driver;
  final FakeTransport transport = new FakeTransport();
  /** What the server does now; a test switches it to end the outage. */
  Function<HttpRequest, HttpResponse> server = answer(503, UNAVAILABLE);

  RetryBudgetOutageTest(Driver driver) {
    this.driver = driver;
    transport.then(r -> server.apply(r));
  }

  Fixtures.Harness client(RetryBudget budget) {
    return new Fixtures.Harness(transport, POLICY, RetryListener.NONE, driver, budget);
  }

  @Test
  void aTotalOutageIsHeldToTheBudgetInsteadOfMaxAttemptsPerOperation() {
    Fixtures.Harness h = client(HALF);
    int refused = 0;

    for (int i = 0; i < 100; i++) {
      OutcomeUnknownException e = assertThrows(OutcomeUnknownException.class, () -> h.transfers.create(params()));
      if (e.reason() == StopReason.RETRY_BUDGET_EXHAUSTED) {
        refused++;
        assertTrue(e.getMessage().contains("RETRY_BUDGET_EXHAUSTED"), e.getMessage());
        assertInstanceOf(ApiException.class, e.getCause());
      }
    }

    int requests = transport.requests.size();
    assertTrue(requests <= 100 * (1 + 1.0), "at most the operations and their lookup allowance: " + requests);
    assertTrue(refused >= 90, refused + " of 100 refused");
    assertTrue(requests < 100 * POLICY.maxAttempts() / 2, requests + " requests against " + 100 * POLICY.maxAttempts()
        + " without a budget");
  }

  @Test
  void withoutABudgetTheSameOutageCostsEveryAttempt() {
    Fixtures.Harness h = client(RetryBudget.unlimited());

    for (int i = 0; i < 100; i++) {
      OutcomeUnknownException e = assertThrows(OutcomeUnknownException.class, () -> h.transfers.create(params()));
      assertEquals(StopReason.ATTEMPTS_EXHAUSTED, e.reason());
    }

    assertEquals(100 * POLICY.maxAttempts(), transport.requests.size());
  }

  @Test
  void theDefaultBudgetBoundsATotalOutageFarBelowMaxAttempts() {
    Fixtures.Harness h = client(RetryBudget.defaults());
    int operations = 1_000;

    for (int i = 0; i < operations; i++) {
      assertThrows(OutcomeUnknownException.class, () -> h.transfers.create(params()));
    }

    RetryBudget d = RetryBudget.defaults();
    double bound = operations * (1 + d.lookupRatio()) + d.minRetriesPerSecond() * d.window().toSeconds();
    int requests = transport.requests.size();
    assertTrue(requests <= bound, requests + " requests, bound " + bound);
    assertTrue(requests <= operations * POLICY.maxAttempts() / 2, requests + " against " + operations * POLICY.maxAttempts());
  }

  @Test
  void aRefusedRetryOfARequestThatNeverLeftSaysNothingWasSent() {
    server = connectRefused();
    Fixtures.Harness h = client(HALF);
    RequestNotSentException last = null;

    for (int i = 0; i < 20; i++) {
      last = assertThrows(RequestNotSentException.class, () -> h.transfers.create(params()));
    }

    assertEquals(StopReason.RETRY_BUDGET_EXHAUSTED, last.reason());
    assertTrue(last.getMessage().startsWith("Nothing was created"), last.getMessage());
    assertTrue(last.getMessage().contains("RETRY_BUDGET_EXHAUSTED"), last.getMessage());
    assertEquals(20 + 10, transport.requests.size(), "20 first attempts and the 10 retries they earned; no lookups");
  }

  @Test
  void theBudgetComesBackOnceOperationsSucceedAgain() {
    Fixtures.Harness h = client(HALF);
    for (int i = 0; i < 20; i++) {
      assertThrows(OutcomeUnknownException.class, () -> h.transfers.create(params()));
    }
    server = flaky(); // the outage is over: every second request fails once
    OutcomeUnknownException stillRefused = assertThrows(OutcomeUnknownException.class,
        () -> h.transfers.create(params()));
    assertEquals(StopReason.RETRY_BUDGET_EXHAUSTED, stillRefused.reason());

    server = answer(201, TRANSFER);
    for (int i = 0; i < 40; i++) {
      h.transfers.create(params()); // each operation earns half a retry: 61 earn 30.5, about 22 were spent
    }
    server = flaky();
    int before = transport.requests.size();
    OperationResult<Transfer> result = h.transfers.createWithResult(params(), RequestOptions.none());

    assertEquals(2, result.attempts(), "retried again");
    assertEquals(before + 2, transport.requests.size());
  }

  @Test
  void theBudgetComesBackOnceTheOutageLeavesTheWindow() {
    Fixtures.Harness h = client(HALF);
    for (int i = 0; i < 20; i++) {
      assertThrows(OutcomeUnknownException.class, () -> h.transfers.create(params()));
    }
    server = answer(201, TRANSFER);
    h.transfers.create(params());
    h.transfers.create(params());
    server = flaky();
    OutcomeUnknownException refused = assertThrows(OutcomeUnknownException.class, () -> h.transfers.create(params()));
    assertEquals(StopReason.RETRY_BUDGET_EXHAUSTED, refused.reason(), "the outage's retries are still in the window");

    h.clock.advance(HALF.window());
    server = answer(201, TRANSFER);
    h.transfers.create(params());
    h.transfers.create(params());
    server = flaky();

    assertEquals(2, h.transfers.createWithResult(params(), RequestOptions.none()).attempts(),
        "the same three operations, with the outage out of the window: retried");
  }

  @Test
  void aLookupSettlesTheOutcomeWhenRetriesAreRefused() {
    Fixtures.Harness h = client(RetryBudget.builder().ratio(0).lookupRatio(1.0).minRetriesPerSecond(0).build());
    FakeTransport scripted = new FakeTransport().then(readTimeout(), answer(200, envelope(201, TRANSFER)));
    server = r -> scripted.execute(r, Duration.ofSeconds(1));

    Transfer t = h.transfers.create(params(), RequestOptions.builder().idempotencyKey(KEY).build());

    assertEquals("74c9129b-d14a-e511-80da-0aa34a9b2388", t.id());
    assertEquals(List.of("POST /transfers", "GET /responses/" + KEY), scripted.lines(),
        "no re-POST (a ratio of 0), but the lookup that settles it");
  }

  @Test
  void aReadRefusedByTheBudgetSaysSoAndCarriesTheLastError() {
    Fixtures.Harness h = client(HALF);

    PaymentsException e = assertThrows(PaymentsException.class, () -> h.transfers.get("74c9129b"));

    assertTrue(e.getMessage().contains("RETRY_BUDGET_EXHAUSTED"), e.getMessage());
    assertEquals(503, ((ApiException) e.getCause()).statusCode());
    assertEquals(1, transport.requests.size(), "one read, nothing earned yet to retry it");
  }

  /** Fails every other request with a 503; the others succeed. */
  private static Function<HttpRequest, HttpResponse> flaky() {
    int[] n = {0};
    return r -> (n[0]++ % 2 == 0 ? answer(503, UNAVAILABLE) : answer(201, TRANSFER)).apply(r);
  }
}

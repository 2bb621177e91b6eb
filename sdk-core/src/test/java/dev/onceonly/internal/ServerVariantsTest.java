package dev.onceonly.internal;

import static dev.onceonly.internal.Fixtures.KEY;
import static dev.onceonly.internal.Fixtures.params;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.onceonly.IdempotencyKeyReusedException;
import dev.onceonly.Money;
import dev.onceonly.OperationResult;
import dev.onceonly.OutcomeUnknownException;
import dev.onceonly.PaymentsException;
import dev.onceonly.ReplayStatus;
import dev.onceonly.RequestNotSentException;
import dev.onceonly.RequestOptions;
import dev.onceonly.RetryPolicy;
import dev.onceonly.http.HttpRequest;
import dev.onceonly.internal.InMemoryApi.Dialect;
import dev.onceonly.internal.InMemoryApi.Fault;
import dev.onceonly.transfers.Transfer;
import dev.onceonly.transfers.TransferCreateParams;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.ParameterizedClass;

/** The engine against each server variant of the protocol: one transfer per operation, always. */
@ParameterizedClass(name = "{0}")
@EnumSource(Driver.class)
class ServerVariantsTest {

  static final RetryPolicy POLICY = RetryPolicy.builder().maxAttempts(8).build();
  static final RequestOptions OWN_KEY = RequestOptions.builder().idempotencyKey(KEY).build();

  final Driver driver;

  ServerVariantsTest(Driver driver) {
    this.driver = driver;
  }

  OperationResult<Transfer> create(InMemoryApi api) {
    return new Fixtures.Harness(api, POLICY, driver).transfers.createWithResult(params(), OWN_KEY);
  }

  static void assertEveryPostCarriedTheSameKeyAndBody(InMemoryApi api) {
    List<HttpRequest> posts = api.requests.stream().filter(r -> r.method().equals("POST")).toList();
    for (HttpRequest post : posts) {
      assertEquals(KEY, post.headers().get("Idempotency-Key"));
      assertArrayEquals(posts.get(0).body(), post.body());
    }
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void aResponseLostAfterCommitCreatesOneTransfer(Dialect dialect) {
    InMemoryApi api = new InMemoryApi(dialect, Fault.LOSE_AFTER_COMMIT);

    OperationResult<Transfer> result = create(api);

    assertEquals(1, api.transfers.size());
    assertEquals(api.transfers.keySet().iterator().next(), result.value().id());
    assertEveryPostCarriedTheSameKeyAndBody(api);
    assertTrue(result.replay() != ReplayStatus.ORIGINAL);
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void slowProcessingIsWaitedOutWithoutASecondTransfer(Dialect dialect) {
    InMemoryApi api = new InMemoryApi(dialect, Fault.slow(3));

    OperationResult<Transfer> result = create(api);

    assertEquals(1, api.transfers.size());
    assertEquals(api.transfers.keySet().iterator().next(), result.value().id());
    assertEquals(ReplayStatus.REPLAYED, result.replay(), "the server answered 409 for the key");
    assertEveryPostCarriedTheSameKeyAndBody(api);
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void aServiceUnavailableBeforeCommitIsRetried(Dialect dialect) {
    InMemoryApi api = new InMemoryApi(dialect, Fault.UNAVAILABLE, Fault.UNAVAILABLE);

    OperationResult<Transfer> result = create(api);

    assertEquals(1, api.transfers.size());
    assertEquals(3, api.posts());
    assertEquals(api.transfers.keySet().iterator().next(), result.value().id());
  }

  @Test
  void dwollaLikeServersNeedNoStoredResponsesRoute() {
    InMemoryApi api = new InMemoryApi(Dialect.DWOLLA, Fault.slow(2));

    create(api);

    long polls = api.requests.stream().filter(r -> r.url().contains("/responses/")).count();
    assertEquals(1, polls, "one 404 shows the route is missing; the engine stops asking");
  }

  @Test
  void mangoPayLikeServersAnswerThroughTheStoredResponse() {
    InMemoryApi api = new InMemoryApi(Dialect.MANGOPAY, Fault.LOSE_AFTER_COMMIT);

    OperationResult<Transfer> result = create(api);

    assertEquals(List.of("POST", "POST", "GET"), api.requests.stream().map(HttpRequest::method).toList());
    assertEquals(ReplayStatus.REPLAYED, result.replay());
  }

  @Test
  void aServerThatSaysDoneWhileStillWorkingIsWaitedOutNotHammered() {
    InMemoryApi api = new InMemoryApi(Dialect.MANGOPAY, Fault.slow(4));
    Fixtures.Harness h = new Fixtures.Harness(api, POLICY, driver);

    OperationResult<Transfer> result = h.transfers.createWithResult(params(), OWN_KEY);

    assertEquals(1, api.transfers.size());
    assertEquals(ReplayStatus.REPLAYED, result.replay());
    long waits = h.sleeper.sleeps.stream().filter(d -> !d.isZero()).count();
    assertTrue(waits >= result.attempts() / 2,
        "a poll that finds nothing stored yet is followed by a wait: " + h.sleeper.sleeps + " for " + api.requests.size() + " requests");
  }

  @ParameterizedTest
  @EnumSource(value = Dialect.class, names = {"FULL", "DWOLLA", "IETF"})
  void aKeyReusedWithAnotherBodyFailsAtOnce(Dialect dialect) {
    InMemoryApi api = new InMemoryApi(dialect);
    Fixtures.Harness h = new Fixtures.Harness(api, POLICY, driver);
    h.transfers.create(params(), OWN_KEY);
    TransferCreateParams other = TransferCreateParams.builder()
        .source(params().source()).destination(params().destination())
        .amount(Money.of("USD", "1.00")).build();

    IdempotencyKeyReusedException e = assertThrows(IdempotencyKeyReusedException.class,
        () -> h.transfers.create(other, OWN_KEY));

    assertEquals(KEY, e.idempotencyKey().orElseThrow());
    assertEquals(2, api.posts());
    assertEquals(1, api.transfers.size());
  }

  /**
   * Random faults on random variants, many times over: the engine never makes more requests than
   * the policy allows, never creates a second transfer, returns the transfer the server made,
   * and says "not sent" only when nothing was made.
   */
  @Test
  void underRandomFaultsNoOperationEverCreatesTwoTransfers() {
    SplittableRandom random = new SplittableRandom(2026);
    Fault[] menu = {Fault.OK, Fault.LOSE_AFTER_COMMIT, Fault.UNAVAILABLE, Fault.REFUSE, Fault.slow(1), Fault.slow(4), Fault.slow(9)};
    int succeeded = 0;
    int unknown = 0;
    int notSent = 0;
    for (int run = 0; run < 2_000; run++) {
      Dialect dialect = Dialect.values()[random.nextInt(4)];
      Fault[] faults = new Fault[random.nextInt(8)];
      for (int i = 0; i < faults.length; i++) {
        faults[i] = menu[random.nextInt(menu.length)];
      }
      int maxAttempts = 1 + random.nextInt(7);
      InMemoryApi api = new InMemoryApi(dialect, faults);
      RetryPolicy policy = RetryPolicy.builder().maxAttempts(maxAttempts).maxElapsed(Duration.ofMinutes(10)).build();
      String context = "run " + run + " " + dialect + " faults=" + List.of(faults) + " maxAttempts=" + maxAttempts;
      try {
        OperationResult<Transfer> result = new Fixtures.Harness(api, policy, driver).transfers.createWithResult(params(), OWN_KEY);
        succeeded++;
        assertEquals(1, api.transfers.size(), context);
        assertEquals(api.transfers.keySet().iterator().next(), result.value().id(), context);
      } catch (OutcomeUnknownException e) {
        unknown++;
        assertTrue(api.transfers.size() <= 1, context);
        assertEquals(KEY, e.idempotencyKey().orElseThrow());
      } catch (RequestNotSentException e) {
        notSent++;
        assertEquals(0, api.transfers.size(), context);
      } catch (PaymentsException e) {
        fail(context + ": unexpected " + e);
      }
      int dwollaFollowUp = dialect == Dialect.DWOLLA ? 1 : 0; // the GET of the Location
      assertTrue(api.requests.size() <= maxAttempts + dwollaFollowUp, context + ": " + api.requests.size() + " requests");
      assertEveryPostCarriedTheSameKeyAndBody(api);
    }
    assertTrue(succeeded > 1_000 && unknown > 0 && notSent > 0,
        "the mix exercised every ending: " + succeeded + " ok, " + unknown + " unknown, " + notSent + " not sent");
  }
}

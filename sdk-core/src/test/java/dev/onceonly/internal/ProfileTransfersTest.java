package dev.onceonly.internal;

import static dev.onceonly.internal.FakeTransport.answer;
import static dev.onceonly.internal.FakeTransport.readTimeout;
import static dev.onceonly.internal.Fixtures.BASE;
import static dev.onceonly.internal.Fixtures.KEY;
import static dev.onceonly.internal.Fixtures.TRANSFER;
import static dev.onceonly.internal.Fixtures.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onceonly.IdempotencyKeyExpiredException;
import dev.onceonly.IdempotencyKeyReusedException;
import dev.onceonly.IdempotencyProfile;
import dev.onceonly.OperationResult;
import dev.onceonly.ReplayStatus;
import dev.onceonly.RequestOptions;
import dev.onceonly.RetryListener;
import dev.onceonly.RetryPolicy;
import dev.onceonly.journal.OperationJournal;
import dev.onceonly.transfers.Transfer;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The typed transfer create on each profile: its header, its key rules, its window, its recovery. */
class ProfileTransfersTest {

  static final RetryPolicy POLICY = RetryPolicy.builder().maxAttempts(4).build();

  /** A client's engine and transfers on {@code profile}, with a fake clock and a recording sleeper. */
  static final class Client {
    final FakeClock clock = new FakeClock(Fixtures.T0);
    final RecordingSleeper sleeper = new RecordingSleeper(clock);
    final RetryEngine engine;
    final DefaultTransferService transfers;

    Client(FakeTransport transport, IdempotencyProfile profile) {
      ClientConfig config = new ClientConfig(BASE, "tok_secret", POLICY, RetryListener.NONE, clock, sleeper,
          OperationJournal.inMemory(), profile);
      engine = new RetryEngine(transport, config, new SplittableRandom(42));
      transfers = new DefaultTransferService(engine, BASE);
    }
  }

  static Client harness(FakeTransport transport, IdempotencyProfile profile) {
    return new Client(transport, profile);
  }

  private static DefaultTransferService transfers(Client h) {
    return h.transfers;
  }

  @Test
  void payPalCreatesCarryPayPalRequestIdAndNoIdempotencyKey() {
    FakeTransport transport = new FakeTransport().then(readTimeout(), answer(201, TRANSFER));
    Client h = harness(transport, IdempotencyProfile.payPal());

    OperationResult<Transfer> result = transfers(h).createWithResult(params(), RequestOptions.none());

    for (var post : transport.posts()) {
      assertEquals(result.idempotencyKey(), post.headers().get("PayPal-Request-Id"));
      assertTrue(post.headers().keySet().stream().noneMatch(n -> n.equalsIgnoreCase("Idempotency-Key")));
    }
    assertEquals(2, transport.posts().size());
  }

  @Test
  void payPalsSixHourWindowRefusesAKeyFirstSentSixHoursAgoBeforeAnythingIsSent() {
    FakeTransport transport = new FakeTransport().then(answer(201, TRANSFER));
    Client h = harness(transport, IdempotencyProfile.payPal());
    RequestOptions resume = RequestOptions.builder().idempotencyKey(KEY)
        .keyFirstUsedAt(h.clock.instant().minus(Duration.ofHours(6))).build();

    IdempotencyKeyExpiredException e = assertThrows(IdempotencyKeyExpiredException.class,
        () -> transfers(h).create(params(), resume));

    assertEquals(h.clock.instant(), e.keyExpiresAt());
    assertEquals(0, transport.requests.size());
  }

  @Test
  void theWindowIsTheShorterOfTheProfilesAndThePolicys() {
    RetryPolicy sixtyDays = POLICY.newBuilder().keyWindow(Duration.ofDays(60)).build();

    assertEquals(Duration.ofDays(31), RetryEngine.withProfileWindow(sixtyDays, IdempotencyProfile.adyen()).keyWindow());
    assertEquals(Duration.ofHours(24), RetryEngine.withProfileWindow(POLICY, IdempotencyProfile.adyen()).keyWindow());
    assertEquals(Duration.ofHours(6), RetryEngine.withProfileWindow(POLICY, IdempotencyProfile.payPal()).keyWindow());
    assertEquals(sixtyDays, RetryEngine.withProfileWindow(sixtyDays, IdempotencyProfile.standard()));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ClientConfig(BASE, null,
        POLICY.newBuilder().keyExpiryMargin(Duration.ofHours(7)).build(), RetryListener.NONE,
        java.time.Clock.systemUTC(), d -> { }, OperationJournal.inMemory(), IdempotencyProfile.payPal()));
    assertTrue(e.getMessage().contains("payPal profile"), e.getMessage());
  }

  @Test
  void aCallersKeyIsCheckedAgainstTheClientsProfileBeforeAnythingIsSent() {
    FakeTransport transport = new FakeTransport().then(answer(201, TRANSFER));
    Client h = harness(transport, IdempotencyProfile.adyen());
    RequestOptions tooLong = RequestOptions.builder().idempotencyKey("k".repeat(100), IdempotencyProfile.stripe()).build();

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> transfers(h).create(params(), tooLong));

    assertTrue(e.getMessage().contains("adyen profile"), e.getMessage());
    assertEquals(0, transport.requests.size());
  }

  @Test
  void stripeTakesAKeyLongerThanTheProtocolsOwnRule() {
    FakeTransport transport = new FakeTransport().then(answer(201, TRANSFER));
    Client h = harness(transport, IdempotencyProfile.stripe());
    String key = "invoice-INV-42-attempt-" + "0".repeat(60);

    transfers(h).create(params(), RequestOptions.builder().idempotencyKey(key, IdempotencyProfile.stripe()).build());

    assertEquals(key, transport.requests.get(0).headers().get("Idempotency-Key"));
  }

  @Test
  void goCardlessConflictIsSettledByReadingTheConflictingTransferAndCheckingIt() {
    String conflict = "{\"error\":{\"code\":409,\"type\":\"invalid_state\",\"message\":\"A resource has already been"
        + " created with this idempotency key\",\"errors\":[{\"reason\":\"idempotent_creation_conflict\","
        + "\"links\":{\"conflicting_resource_id\":\"74c9129b-d14a-e511-80da-0aa34a9b2388\"}}]}}";
    FakeTransport transport = new FakeTransport().then(readTimeout(), answer(409, conflict), answer(200, TRANSFER));
    Client h = harness(transport, IdempotencyProfile.goCardless());

    OperationResult<Transfer> result = transfers(h).createWithResult(params(), RequestOptions.none());

    assertEquals("74c9129b-d14a-e511-80da-0aa34a9b2388", result.value().id());
    assertEquals(ReplayStatus.REPLAYED, result.replay());
    assertEquals(List.of("POST /transfers", "POST /transfers", "GET /transfers/74c9129b-d14a-e511-80da-0aa34a9b2388"),
        transport.lines());

    FakeTransport other = new FakeTransport().then(answer(409, conflict),
        answer(200, TRANSFER.replace("1337.00", "5.00")));
    Client reused = harness(other, IdempotencyProfile.goCardless());
    assertThrows(IdempotencyKeyReusedException.class,
        () -> transfers(reused).create(params(), RequestOptions.builder().idempotencyKey(KEY).build()));
  }
}

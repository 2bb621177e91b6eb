package dev.onceonly.internal;

import static dev.onceonly.internal.FakeTransport.answer;
import static dev.onceonly.internal.FakeTransport.readTimeout;
import static dev.onceonly.internal.Fixtures.BASE;
import static dev.onceonly.internal.Fixtures.KEY;
import static dev.onceonly.internal.Fixtures.TRANSFER;
import static dev.onceonly.internal.Fixtures.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onceonly.OutcomeUnknownException;
import dev.onceonly.PaymentsClient;
import dev.onceonly.RequestNotSentException;
import dev.onceonly.RequestOptions;
import dev.onceonly.RetryListener;
import dev.onceonly.RetryPolicy;
import dev.onceonly.StopReason;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A call's own retry policy, attempt timeout and headers; a client with defaults; a token read per attempt. */
class PerRequestControlTest {

  final FakeTransport transport = new FakeTransport();
  final FakeClock clock = new FakeClock(Fixtures.T0);

  PaymentsClient client(TokenSource tokens) {
    return new DefaultPaymentsClient(transport, new ClientConfig(BASE, tokens, RetryPolicy.defaults(),
        RetryListener.NONE, clock, new RecordingSleeper(clock), dev.onceonly.journal.OperationJournal.inMemory()));
  }

  @Test
  void aCallsOwnRetryPolicyReplacesTheClients() {
    PaymentsClient client = client(TokenSource.none());
    transport.then(answer(503, ""));

    assertThrows(OutcomeUnknownException.class, () -> client.transfers().create(params(),
        RequestOptions.builder().retryPolicy(RetryPolicy.builder().maxAttempts(2).build()).build()));

    assertEquals(2, transport.requests.size(), "the call's 2 attempts, not the client's 6");
  }

  @Test
  void aCallsOwnAttemptTimeoutBoundsEachOfItsRequests() {
    PaymentsClient client = client(TokenSource.none());
    transport.then(answer(201, TRANSFER));

    client.transfers().create(params(), RequestOptions.builder().attemptTimeout(Duration.ofSeconds(2)).build());

    assertEquals(List.of(Duration.ofSeconds(2)), transport.timeouts);
  }

  @Test
  void aCallsHeadersGoWithEveryRequestOfTheCall() {
    PaymentsClient client = client(TokenSource.none());
    transport.then(readTimeout(), answer(201, TRANSFER));

    client.transfers().create(params(), RequestOptions.builder().header("X-Trace-Id", "abc-123").build());

    assertEquals(2, transport.requests.size());
    assertTrue(transport.requests.stream().allMatch(r -> "abc-123".equals(r.headers().get("X-Trace-Id"))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"Authorization", "idempotency-key", "Content-Type", "Accept", "User-Agent", "Host"})
  void theSdksOwnHeadersCannotBeOverridden(String name) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RequestOptions.builder().header(name, "x"));

    assertTrue(e.getMessage().contains(name), e.getMessage());
  }

  @Test
  void aHeaderWithALineBreakOrABadNameIsRefusedWithoutEchoingTheValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RequestOptions.builder().header("X-Note", "secret\r\nInjected: yes"));
    assertFalse(e.getMessage().contains("secret"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> RequestOptions.builder().header("Bad Name", "v"));
    assertThrows(IllegalArgumentException.class, () -> RequestOptions.builder().attemptTimeout(Duration.ZERO));
  }

  @Test
  void aClientWithDefaultsAppliesThemToEveryCallUnlessTheCallSaysOtherwise() {
    PaymentsClient base = client(TokenSource.none());
    PaymentsClient versioned = base.withOptions(RequestOptions.builder().header("Api-Version", "2026-01")
        .retryPolicy(RetryPolicy.builder().maxAttempts(2).build()).build());
    transport.then(answer(201, TRANSFER));

    versioned.transfers().create(params());
    versioned.transfers().create(params(), RequestOptions.builder().header("Api-Version", "2027-01").build());
    base.transfers().create(params());

    assertEquals("2026-01", transport.requests.get(0).headers().get("Api-Version"));
    assertEquals("2027-01", transport.requests.get(1).headers().get("Api-Version"), "the call's own header wins");
    assertEquals(null, transport.requests.get(2).headers().get("Api-Version"), "the original client is unchanged");
    versioned.close(); // a view: closing it closes nothing
    base.transfers().create(params());
    assertEquals(4, transport.requests.size());
  }

  @Test
  void aClientWithDefaultsAppliesThemToExecuteToo() {
    PaymentsClient v2 = client(TokenSource.none()).withOptions(RequestOptions.builder().header("Api-Version", "v2").build());
    transport.then(answer(201, "{\"id\":\"re_1\"}"), answer(200, "{\"id\":\"re_1\"}"));

    v2.execute(dev.onceonly.ApiRequest.post("/refunds").rawBody("{}".getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .options(RequestOptions.builder().header("X-Trace-Id", "t-9").build()).build(), String.class);
    v2.execute(dev.onceonly.ApiRequest.get("/refunds/re_1").build(), String.class);

    assertEquals("v2", transport.requests.get(0).headers().get("Api-Version"));
    assertEquals("t-9", transport.requests.get(0).headers().get("X-Trace-Id"), "the call's own options too");
    assertEquals("v2", transport.requests.get(1).headers().get("Api-Version"));
  }

  @Test
  void defaultsCannotHoldWhatBelongsToOneOperation() {
    PaymentsClient base = client(TokenSource.none());

    assertThrows(IllegalArgumentException.class,
        () -> base.withOptions(RequestOptions.builder().idempotencyKey(KEY).build()));
    assertThrows(IllegalArgumentException.class,
        () -> base.withOptions(RequestOptions.builder().reference("job-1").build()));
  }

  @Test
  void aRotatingTokenIsReadForEveryAttempt() {
    AtomicInteger n = new AtomicInteger();
    PaymentsClient client = client(TokenSource.from(() -> "tok_" + n.incrementAndGet()));
    transport.then(readTimeout(), answer(201, TRANSFER));

    client.transfers().create(params());

    assertEquals("Bearer tok_1", transport.requests.get(0).headers().get("Authorization"));
    assertEquals("Bearer tok_2", transport.requests.get(1).headers().get("Authorization"));
  }

  @Test
  void aTokenSupplierThatThrowsBeforeAnythingWasSentMeansNothingWasSent() {
    PaymentsClient client = client(TokenSource.from(() -> {
      throw new IllegalStateException("the token service is down");
    }));
    transport.then(answer(201, TRANSFER));

    RequestNotSentException e = assertThrows(RequestNotSentException.class, () -> client.transfers().create(params()));

    assertEquals(0, transport.requests.size());
    assertEquals(StopReason.TRANSPORT_FAILURE, e.reason());
  }

  @Test
  void aTokenSupplierThatThrowsAfterAMaybeSentAttemptMeansTheOutcomeIsUnknown() {
    AtomicInteger n = new AtomicInteger();
    PaymentsClient client = client(TokenSource.from(() -> {
      if (n.incrementAndGet() > 1) {
        throw new IllegalStateException("the token service is down");
      }
      return "tok_1";
    }));
    transport.then(readTimeout(), answer(201, TRANSFER));

    OutcomeUnknownException e = assertThrows(OutcomeUnknownException.class, () -> client.transfers().create(params()));

    assertEquals(1, transport.requests.size());
    assertTrue(e.idempotencyKey().isPresent());
  }

  @Test
  void aRotatedTokenEchoedByTheServerIsScrubbed() {
    AtomicInteger n = new AtomicInteger();
    PaymentsClient client = client(TokenSource.from(() -> "tok_rotating_" + n.incrementAndGet()));
    transport.then(req -> answer(400, "{\"code\":\"Bad\",\"message\":\"you sent "
        + req.headers().get("Authorization").substring(7) + "\"}").apply(req));

    dev.onceonly.ApiException e = assertThrows(dev.onceonly.ApiException.class, () -> client.transfers().create(params()));

    assertFalse(e.getMessage().contains("tok_rotating_1"), e.getMessage());
  }
}

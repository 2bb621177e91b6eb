package dev.onceonly.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.onceonly.IdempotencyKeyExpiredException;
import dev.onceonly.Money;
import dev.onceonly.OperationResult;
import dev.onceonly.OutcomeUnknownException;
import dev.onceonly.PaymentsClient;
import dev.onceonly.ReplayStatus;
import dev.onceonly.RequestOptions;
import dev.onceonly.RetryPolicy;
import dev.onceonly.testkit.MutableClock;
import dev.onceonly.okhttp.OkHttpPaymentsClient;
import dev.onceonly.testkit.Faults;
import dev.onceonly.testkit.RunningSandbox;
import dev.onceonly.testkit.SandboxServer;
import dev.onceonly.transfers.Transfer;
import dev.onceonly.transfers.TransferCreateParams;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Resuming a create whose outcome was unknown, within and past the 24 h key window, with the
 * sandbox's and the SDK's clocks moved together by hand. The sandbox (full dialect) makes every
 * transfer and then drops the connection, so every answer is lost; only
 * {@code GET /responses/{key}} can tell what happened.
 */
final class KeyWindowEndToEndTest {

  private static final Instant START = Instant.parse("2026-11-23T10:00:00Z");

  private final MutableClock clock = new MutableClock(START);
  private final RunningSandbox sandbox = SandboxServer.builder()
      .clock(clock)
      .faults(Faults.builder().dropRate(1.0).build())
      .seed(1)
      .build()
      .start();
  private final List<PaymentsClient> clients = new ArrayList<>();
  private TransferCreateParams params;
  private String key;
  private Instant firstUsedAt;
  private PaymentsClient firstClient;

  /** One attempt, its answer dropped: the transfer is made, and the client cannot know it. */
  @BeforeEach
  void createWithUnknownOutcome() {
    params = TransferCreateParams.builder()
        .source(sandbox.baseUrl() + "/funding-sources/a")
        .destination(sandbox.baseUrl() + "/funding-sources/b")
        .amount(Money.of("USD", "500.00"))
        .metadata("operation_id", "key-window")
        .build();
    firstUsedAt = clock.instant();
    firstClient = client(RetryPolicy.none());
    OutcomeUnknownException unknown = assertThrows(OutcomeUnknownException.class,
        () -> firstClient.transfers().create(params));
    key = unknown.idempotencyKey().orElseThrow();

    assertEquals(START.plus(Duration.ofHours(24)), unknown.keyExpiresAt());
    assertEquals(1, sandbox.transferCount(), "the server made the transfer; only its answer was lost");
  }

  @AfterEach
  void close() {
    clients.forEach(PaymentsClient::close);
    sandbox.close();
  }

  @Test
  void resumingWithinTheWindowReturnsTheOriginalTransfer() {
    clock.advance(Duration.ofHours(23));

    // A new client, as after a restart: it knows the key only from what the caller stored.
    OperationResult<Transfer> resumed = client(RetryPolicy.builder().maxAttempts(3).build())
        .transfers().createWithResult(params, resume());

    assertEquals(sandbox.transfers().get(0).id(), resumed.value().id());
    assertEquals(key, resumed.idempotencyKey());
    assertEquals(ReplayStatus.REPLAYED, resumed.replay());
    assertEquals(1, sandbox.transferCount());
    assertEquals(1, sandbox.stats().responsesFound(), "the answer came from GET /responses/{key}");
  }

  @Test
  void resumingPastTheWindowIsRefusedAndSendsNothing() {
    clock.advance(Duration.ofHours(24).plusMinutes(1));
    long requestsBefore = sandbox.stats().requests();

    IdempotencyKeyExpiredException expired = assertThrows(IdempotencyKeyExpiredException.class,
        () -> client(RetryPolicy.defaults()).transfers().create(params, resume()));

    assertEquals(key, expired.idempotencyKey().orElseThrow());
    assertEquals(START.plus(Duration.ofHours(24)), expired.keyExpiresAt());
    assertEquals(1, sandbox.transferCount(), "no second transfer");
    assertEquals(requestsBefore, sandbox.stats().requests(), "nothing was sent");
  }

  @Test
  void clientThatFirstSentTheKeyRefusesItPastTheWindowWithoutBeingTold() {
    clock.advance(Duration.ofHours(24).plusMinutes(1));
    long requestsBefore = sandbox.stats().requests();

    // No keyFirstUsedAt: this client remembers when it first sent the key.
    assertThrows(IdempotencyKeyExpiredException.class, () -> firstClient.transfers().create(params,
        RequestOptions.builder().idempotencyKey(key).build()));
    assertEquals(1, sandbox.transferCount());
    assertEquals(requestsBefore, sandbox.stats().requests(), "nothing was sent");
  }

  @Test
  void pastTheWindowTheServerHasForgottenTheKeySoResendingWouldPayTwice() throws Exception {
    clock.advance(Duration.ofHours(24).plusMinutes(1));

    // What the SDK refuses to do, done by hand: the same key and body, past the window.
    HttpRequest resend = HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/transfers"))
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", key)
        .POST(HttpRequest.BodyPublishers.ofString("{\"_links\":{\"source\":{\"href\":\"" + params.source()
            + "\"},\"destination\":{\"href\":\"" + params.destination() + "\"}},"
            + "\"amount\":{\"currency\":\"USD\",\"value\":\"500.00\"},\"metadata\":{\"operation_id\":\"key-window\"}}"))
        .build();
    assertThrows(IOException.class, () -> HttpClient.newHttpClient().send(resend, HttpResponse.BodyHandlers.ofString()));

    assertEquals(2, sandbox.transferCount(), "a second transfer for the same operation");
    assertEquals(1, sandbox.stats().duplicateCreations());
  }

  private RequestOptions resume() {
    return RequestOptions.builder().idempotencyKey(key).keyFirstUsedAt(firstUsedAt).build();
  }

  private PaymentsClient client(RetryPolicy policy) {
    PaymentsClient client = OkHttpPaymentsClient.builder()
        .baseUrl(sandbox.baseUrl())
        .readTimeout(Duration.ofSeconds(5))
        .retryPolicy(policy.newBuilder().initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(10)).build())
        .clock(clock)
        .build();
    clients.add(client);
    return client;
  }
}

package dev.onceonly.okhttp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onceonly.ApiRequest;
import dev.onceonly.IdempotencyProfile;
import dev.onceonly.Money;
import dev.onceonly.OperationResult;
import dev.onceonly.PaymentsClient;
import dev.onceonly.ReplayStatus;
import dev.onceonly.RetryPolicy;
import dev.onceonly.transfers.Transfer;
import dev.onceonly.transfers.TransferCreateParams;
import dev.onceonly.transfers.TransferListParams;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The builder's profile, {@code execute} and the lookup, over OkHttp against a mock server. */
final class ProfilesOverOkHttpTest {

  private static final String TRANSFER = "{\"id\":\"t-1\",\"status\":\"pending\",\"amount\":{\"currency\":\"USD\","
      + "\"value\":\"10.00\"},\"created\":\"2026-11-23T10:15:30.123Z\",\"metadata\":{\"invoice\":\"INV-42\"}}";

  @StartStop
  private final MockWebServer server = new MockWebServer();
  private PaymentsClient client;

  @AfterEach
  void close() {
    if (client != null) {
      client.close();
    }
  }

  private PaymentsClient client(IdempotencyProfile profile) {
    client = OkHttpPaymentsClient.builder()
        .baseUrl(server.url("/v1/").toString())
        .sleeper(d -> { })
        .retryPolicy(RetryPolicy.builder().maxAttempts(4).build())
        .profile(profile)
        .build();
    return client;
  }

  private static TransferCreateParams params() {
    return TransferCreateParams.builder()
        .source("https://api.example.test/funding-sources/a")
        .destination("https://api.example.test/funding-sources/b")
        .amount(Money.of("USD", "10.00"))
        .metadata("invoice", "INV-42")
        .build();
  }

  private static MockResponse json(int code, String body, String... headers) {
    MockResponse.Builder b = new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json")
        .body(body);
    for (int i = 0; i < headers.length; i += 2) {
      b.addHeader(headers[i], headers[i + 1]);
    }
    return b.build();
  }

  @Test
  void aGoCardlessConflictAfterALostAnswerIsSettledByReadingTheNamedTransfer() throws Exception {
    server.enqueue(new MockResponse.Builder().onResponseStart(SocketEffect.ShutdownConnection.INSTANCE)
        .body(TRANSFER).build());
    server.enqueue(json(409, "{\"error\":{\"code\":409,\"type\":\"invalid_state\",\"errors\":[{\"reason\":"
        + "\"idempotent_creation_conflict\",\"links\":{\"conflicting_resource_id\":\"t-1\"}}]}}"));
    server.enqueue(json(200, TRANSFER));

    OperationResult<Transfer> result = client(IdempotencyProfile.goCardless()).transfers()
        .createWithResult(params(), dev.onceonly.RequestOptions.none());

    assertEquals("t-1", result.value().id());
    assertEquals(ReplayStatus.REPLAYED, result.replay());
    RecordedRequest first = server.takeRequest();
    RecordedRequest second = server.takeRequest();
    RecordedRequest read = server.takeRequest();
    assertEquals(first.getHeaders().get("Idempotency-Key"), second.getHeaders().get("Idempotency-Key"));
    assertEquals("GET /v1/transfers/t-1", read.getMethod() + " " + read.getTarget());
  }

  @Test
  void aCheckoutComClientSendsItsKeyInCkoIdempotencyKey() throws Exception {
    server.enqueue(json(201, TRANSFER));

    OperationResult<Transfer> result = client(IdempotencyProfile.checkoutCom()).transfers()
        .createWithResult(params(), dev.onceonly.RequestOptions.none());

    RecordedRequest post = server.takeRequest();
    assertEquals(result.idempotencyKey(), post.getHeaders().get("Cko-Idempotency-Key"));
    assertNull(post.getHeaders().get("Idempotency-Key"));
  }

  @Test
  void executePostsARefundWithAKeyAndReadsItBackOnItsLocation() throws Exception {
    server.enqueue(new MockResponse.Builder().code(201).addHeader("Location", "/v1/refunds/re_1").build());
    server.enqueue(json(200, "{\"id\":\"re_1\",\"status\":\"pending\"}"));
    record RefundCreate(String transfer_id, Money amount) {}
    record Refund(String id, String status) {}

    OperationResult<Refund> result = client(IdempotencyProfile.standard()).executeWithResult(
        ApiRequest.post("/refunds").body(new RefundCreate("t-1", Money.of("USD", "1.00"))).build(), Refund.class);

    assertEquals(new Refund("re_1", "pending"), result.value());
    RecordedRequest post = server.takeRequest();
    assertEquals("POST /v1/refunds", post.getMethod() + " " + post.getTarget());
    assertEquals("{\"transfer_id\":\"t-1\",\"amount\":{\"currency\":\"USD\",\"value\":\"1.00\"}}",
        post.getBody().utf8());
    assertEquals(result.idempotencyKey(), post.getHeaders().get("Idempotency-Key"));
    RecordedRequest read = server.takeRequest();
    assertEquals("GET /v1/refunds/re_1", read.getMethod() + " " + read.getTarget());
  }

  @Test
  void listReadsPagesOfTransfersByMetadata() throws Exception {
    server.enqueue(json(200, "{\"data\":[" + TRANSFER + "],\"has_more\":true}"));
    server.enqueue(json(200, "{\"data\":[" + TRANSFER.replace("t-1", "t-0") + "],\"has_more\":false}"));

    List<String> ids = new ArrayList<>();
    for (Transfer t : client(IdempotencyProfile.standard()).transfers()
        .list(TransferListParams.builder().metadata("invoice", "INV-42").limit(1).build())) {
      ids.add(t.id());
    }

    assertEquals(List.of("t-1", "t-0"), ids);
    assertEquals("/v1/transfers?metadata%5Binvoice%5D=INV-42&limit=1", server.takeRequest().getTarget());
    assertEquals("/v1/transfers?metadata%5Binvoice%5D=INV-42&limit=1&starting_after=t-1",
        server.takeRequest().getTarget());
  }

  @Test
  void theBuilderRefusesANullProfileAndAWindowShorterThanThePolicysMargin() {
    OkHttpPaymentsClient.Builder builder = OkHttpPaymentsClient.builder().baseUrl(server.url("/").toString());

    assertThrows(NullPointerException.class, () -> builder.profile(null));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> builder
        .profile(IdempotencyProfile.payPal())
        .retryPolicy(RetryPolicy.builder().keyExpiryMargin(Duration.ofHours(6)).build())
        .build());
    assertTrue(e.getMessage().contains("payPal profile's key window"), e.getMessage());
  }
}

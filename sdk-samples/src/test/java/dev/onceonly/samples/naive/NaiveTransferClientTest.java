package dev.onceonly.samples.naive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onceonly.Money;
import dev.onceonly.testkit.Dialect;
import dev.onceonly.testkit.Faults;
import dev.onceonly.testkit.RunningSandbox;
import dev.onceonly.testkit.SandboxServer;
import dev.onceonly.transfers.TransferCreateParams;
import dev.onceonly.transfers.TransferStatus;
import java.time.Duration;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The naive baseline does what it claims, no more: it retries I/O errors and {@code 5xx} with
 * the same body and no {@code Idempotency-Key}, and so turns a lost answer into a second
 * transfer.
 */
final class NaiveTransferClientTest {

  private static final String TRANSFER = """
      {"id":"t-1","status":"pending","amount":{"currency":"USD","value":"1337.00"},
       "created":"2026-11-23T10:15:30.123Z","metadata":{"operation_id":"op-1"},
       "_links":{"source":{"href":"http://x.test/s"},"destination":{"href":"http://x.test/d"}}}""";

  private final MockWebServer server = new MockWebServer();
  private RunningSandbox sandbox;
  private NaiveTransferClient client;

  @AfterEach
  void close() {
    if (client != null) {
      client.close();
    }
    if (sandbox != null) {
      sandbox.close();
    }
    server.close();
  }

  @Test
  void retriesServerErrorsWithTheSameBodyAndNoKey() throws Exception {
    server.start();
    server.enqueue(new MockResponse.Builder().code(503).build());
    server.enqueue(new MockResponse.Builder().code(502).build());
    server.enqueue(new MockResponse.Builder().code(201).addHeader("Content-Type", "application/json")
        .body(TRANSFER).build());
    client = client(server.url("/").toString(), 6);

    NaiveTransferClient.Created created = client.create(params("http://x.test"));

    assertEquals(3, created.attempts());
    assertEquals("t-1", created.transfer().id());
    assertEquals(TransferStatus.PENDING, created.transfer().status());
    assertEquals(Money.of("USD", "1337.00"), created.transfer().amount());
    assertEquals(Map.of("operation_id", "op-1"), created.transfer().metadata());
    String firstBody = null;
    for (int i = 0; i < 3; i++) {
      RecordedRequest request = server.takeRequest();
      assertEquals("POST", request.getMethod());
      assertEquals("/transfers", request.getTarget());
      assertNull(request.getHeaders().get("Idempotency-Key"), "naive: no key");
      String body = request.getBody().utf8();
      assertTrue(body.contains("\"value\":\"1337.00\""), body);
      if (firstBody == null) {
        firstBody = body;
      }
      assertEquals(firstBody, body);
    }
  }

  @Test
  void givesUpAfterMaxAttemptsOfServerErrors() throws Exception {
    server.start();
    for (int i = 0; i < 3; i++) {
      server.enqueue(new MockResponse.Builder().code(503).build());
    }
    client = client(server.url("/").toString(), 3);

    NaiveTransferClient.CreateFailedException e = assertThrows(NaiveTransferClient.CreateFailedException.class,
        () -> client.create(params("http://x.test")));

    assertEquals(503, e.statusCode());
    assertEquals(3, e.attempts());
    assertEquals(3, server.getRequestCount());
  }

  @Test
  void doesNotRetryClientErrors() throws Exception {
    server.start();
    server.enqueue(new MockResponse.Builder().code(400).body("{\"code\":\"ValidationError\"}").build());
    client = client(server.url("/").toString(), 6);

    NaiveTransferClient.CreateFailedException e = assertThrows(NaiveTransferClient.CreateFailedException.class,
        () -> client.create(params("http://x.test")));

    assertEquals(400, e.statusCode());
    assertEquals(1, e.attempts());
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void retryingADroppedAnswerMakesTheTransferAgain() {
    sandbox = SandboxServer.builder().faults(Faults.builder().dropRate(1.0).build()).seed(1).build().start();
    client = client(sandbox.baseUrl(), 3);

    NaiveTransferClient.CreateFailedException e = assertThrows(NaiveTransferClient.CreateFailedException.class,
        () -> client.create(params(sandbox.baseUrl())));

    assertEquals(0, e.statusCode(), "the last attempt failed on the network");
    assertEquals(3, e.attempts());
    assertEquals(3, sandbox.transferCount(), "one transfer per attempt");
    assertEquals(Map.of("op-1", 3), sandbox.duplicatedOperations());
  }

  @Test
  void readsTheLocationOfAnEmptyCreated() {
    sandbox = SandboxServer.builder().dialect(Dialect.DWOLLA).build().start();
    client = client(sandbox.baseUrl(), 3);

    NaiveTransferClient.Created created = client.create(params(sandbox.baseUrl()));

    assertEquals(2, created.attempts(), "the POST and the GET of its Location");
    assertEquals(sandbox.transfers().get(0).id(), created.transfer().id());
    assertEquals("op-1", created.transfer().metadata().get("operation_id"));
  }

  @Test
  void builderChecksItsArguments() {
    assertThrows(IllegalArgumentException.class, () -> NaiveTransferClient.builder().build());
    assertThrows(IllegalArgumentException.class, () -> NaiveTransferClient.builder().baseUrl("ftp://x"));
    assertThrows(IllegalArgumentException.class, () -> NaiveTransferClient.builder().maxAttempts(0));
    assertThrows(IllegalArgumentException.class, () -> NaiveTransferClient.builder().readTimeout(Duration.ZERO));
  }

  private static NaiveTransferClient client(String baseUrl, int maxAttempts) {
    return NaiveTransferClient.builder()
        .baseUrl(baseUrl)
        .readTimeout(Duration.ofSeconds(5))
        .maxAttempts(maxAttempts)
        .initialBackoff(Duration.ofMillis(1))
        .maxBackoff(Duration.ofMillis(5))
        .build();
  }

  private static TransferCreateParams params(String baseUrl) {
    return TransferCreateParams.builder()
        .source(baseUrl + "/funding-sources/a")
        .destination(baseUrl + "/funding-sources/b")
        .amount(Money.of("USD", "1337.00"))
        .metadata("operation_id", "op-1")
        .build();
  }
}

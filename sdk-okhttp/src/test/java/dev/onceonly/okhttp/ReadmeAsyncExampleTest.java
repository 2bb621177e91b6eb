package dev.onceonly.okhttp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.onceonly.*;
import dev.onceonly.okhttp.OkHttpPaymentsClient;
import dev.onceonly.transfers.*;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/**
 * The example of the README's "Async" section, copied unchanged but for the base URL and the
 * token (parameters here, so that it runs against a mock server) and a {@code return} of its
 * last value. If this stops compiling or running, the README is wrong.
 */
final class ReadmeAsyncExampleTest {

  private static final String TRANSFER = """
      {"id": "74c9129b-d14a-e511-80da-0aa34a9b2388", "status": "pending",
       "amount": {"currency": "USD", "value": "1337.00"}, "created": "2026-11-23T10:15:30.123Z",
       "metadata": {"invoice": "INV-42"}}
      """;

  @StartStop
  private final MockWebServer server = new MockWebServer();

  static TransferStatus readmeAsyncExample(String baseUrl, String token, TransferCreateParams params) {
    try (PaymentsClient client = OkHttpPaymentsClient.builder()
            .baseUrl(baseUrl)
            .bearerToken(token)
            .maxConcurrentRequests(32)                  // requests on the wire at once; default 64
            .build()) {
        TransferServiceAsync transfers = client.async().transfers();

        // Your own key, stored before the call: with it you can settle the transfer even if you cancel.
        String paymentKey = UUID.randomUUID().toString();
        CompletableFuture<Transfer> created = transfers.create(params,
            RequestOptions.builder().idempotencyKey(paymentKey).build());

        created.whenComplete((transfer, error) -> {   // on the client's callback threads
            if (error instanceof OutcomeUnknownException unknown) {
                // it may exist: create again with the same params and key before unknown.keyExpiresAt()
            } else if (error instanceof RequestNotSentException) {
                // nothing reached the server: nothing exists
            }
        });

        // A deadline of your own: when it fires, the operation stops and nothing more is sent.
        created.orTimeout(30, TimeUnit.SECONDS);

        CompletableFuture<Transfer> fetched = created.thenCompose(t -> transfers.get(t.id()));
        TransferStatus status = fetched.join().status();
        return status;
    }
  }

  @Test
  void theExampleRunsAgainstAMockServer() throws Exception {
    server.enqueue(new MockResponse.Builder().code(201).body(TRANSFER).build());
    server.enqueue(new MockResponse.Builder().code(200).body(TRANSFER).build());
    TransferCreateParams params = TransferCreateParams.builder()
        .source("https://api.example.test/funding-sources/707177c3-bf15-4e7e-b37c-55c3898d9bf4")
        .destination("https://api.example.test/funding-sources/04173e17-6398-4d36-a167-9d98c4b1f1c3")
        .amount(Money.of("USD", "1337.00"))
        .metadata("invoice", "INV-42")
        .build();

    TransferStatus status = readmeAsyncExample(server.url("/").toString(), "tok_readme_123456", params);

    assertEquals(TransferStatus.PENDING, status);
    RecordedRequest post = server.takeRequest();
    assertEquals("POST", post.getMethod());
    UUID.fromString(post.getHeaders().get("Idempotency-Key"));
    assertEquals("Bearer tok_readme_123456", post.getHeaders().get("Authorization"));
    assertEquals("/transfers/74c9129b-d14a-e511-80da-0aa34a9b2388", server.takeRequest().getTarget());
  }
}

package dev.onceonly.okhttp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onceonly.*;
import dev.onceonly.okhttp.OkHttpPaymentsClient;
import dev.onceonly.transfers.*;
import java.time.Duration;
import java.util.UUID;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/**
 * The example of the public API (docs/api.md in this repository), copied unchanged but for the base URL string (a parameter
 * here, so that it runs against a mock server) and {@code params}, which the example uses
 * without declaring. If this file stops compiling, the public API broke its contract.
 */
final class ApiExampleCompilesTest {

  private static final String TRANSFER = """
      {"id": "74c9129b-d14a-e511-80da-0aa34a9b2388", "status": "pending",
       "amount": {"currency": "USD", "value": "1337.00"}, "created": "2026-11-23T10:15:30.123Z",
       "metadata": {"invoice": "INV-42"}}
      """;

  @StartStop
  private final MockWebServer server = new MockWebServer();

  static void apiMdExample(String baseUrl, TransferCreateParams params) {
    try (PaymentsClient client = OkHttpPaymentsClient.builder()
            .baseUrl(baseUrl)                              // required
            .bearerToken(System.getenv("PAYMENTS_TOKEN"))  // optional
            .connectTimeout(Duration.ofSeconds(5))         // per attempt
            .readTimeout(Duration.ofSeconds(10))           // per attempt
            .retryPolicy(RetryPolicy.builder()
                .maxAttempts(6)                            // POSTs and polls together
                .initialBackoff(Duration.ofMillis(200))
                .maxBackoff(Duration.ofSeconds(5))         // also caps Retry-After
                .maxElapsed(Duration.ofSeconds(60))        // one deadline for the whole operation
                .build())
            .build()) {

        Transfer t = client.transfers().create(TransferCreateParams.builder()
            .source("https://api.example.test/funding-sources/707177c3-bf15-4e7e-b37c-55c3898d9bf4")
            .destination("https://api.example.test/funding-sources/04173e17-6398-4d36-a167-9d98c4b1f1c3")
            .amount(Money.of("USD", "1337.00"))
            .metadata("invoice", "INV-42")
            .build());

        // the caller's own key, e.g. one stored in its database before the call
        Transfer same = client.transfers().create(params,
            RequestOptions.builder().idempotencyKey("19051a62-3403-11e6-ac61-9e71128cae77").build());

        Transfer fetched = client.transfers().get(t.id());
    }
  }

  private static TransferCreateParams params() {
    return TransferCreateParams.builder()
        .source("https://api.example.test/funding-sources/707177c3-bf15-4e7e-b37c-55c3898d9bf4")
        .destination("https://api.example.test/funding-sources/04173e17-6398-4d36-a167-9d98c4b1f1c3")
        .amount(Money.of("USD", "1337.00"))
        .metadata("invoice", "INV-42")
        .build();
  }

  @Test
  void theExampleRunsAgainstAMockServer() throws Exception {
    if (System.getenv("PAYMENTS_TOKEN") == null) {
      // Without the variable, bearerToken(null) stops the example before anything is sent.
      NullPointerException e = assertThrows(NullPointerException.class,
          () -> apiMdExample(server.url("/").toString(), params()));
      assertTrue(String.valueOf(e.getMessage()).contains("bearerToken"), e.getMessage());
      assertEquals(0, server.getRequestCount());
      return;
    }
    server.enqueue(new MockResponse.Builder().code(201).body(TRANSFER).build());
    server.enqueue(new MockResponse.Builder().code(201).body(TRANSFER).build());
    server.enqueue(new MockResponse.Builder().code(200).body(TRANSFER).build());

    apiMdExample(server.url("/").toString(), params());

    RecordedRequest first = server.takeRequest();
    assertEquals("POST", first.getMethod());
    UUID.fromString(first.getHeaders().get("Idempotency-Key"));
    RecordedRequest second = server.takeRequest();
    assertEquals("19051a62-3403-11e6-ac61-9e71128cae77", second.getHeaders().get("Idempotency-Key"));
    assertEquals(first.getBody(), second.getBody(), "the same parameters are the same bytes");
    assertEquals("/transfers/74c9129b-d14a-e511-80da-0aa34a9b2388", server.takeRequest().getTarget());
    assertEquals(3, server.getRequestCount());
  }
}

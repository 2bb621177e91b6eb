package dev.onceonly.samples;

import dev.onceonly.Money;
import dev.onceonly.PaymentsClient;
import dev.onceonly.okhttp.OkHttpPaymentsClient;
import dev.onceonly.transfers.Transfer;
import dev.onceonly.transfers.TransferCreateParams;

/**
 * Creates a transfer, then reads it back. The client mints a fresh {@code Idempotency-Key} for
 * the create and retries what is safe to retry with it; the defaults
 * ({@code RetryPolicy.defaults()}, 5 s connect and 10 s read timeouts) suit most callers.
 *
 * <pre>
 * mvn -q -pl sdk-samples exec:java -Dexec.mainClass=dev.onceonly.samples.QuickstartSample [-Dexec.args=BASE_URL]
 * </pre>
 */
public final class QuickstartSample {

  private QuickstartSample() {}

  public static void main(String[] args) {
    try (SampleApi api = SampleApi.fromArgs(args);
        PaymentsClient client = OkHttpPaymentsClient.builder()
            .baseUrl(api.baseUrl())
            .bearerToken(api.bearerToken())     // PAYMENTS_TOKEN, or the sandbox's test token
            .build()) {

      Transfer created = client.transfers().create(TransferCreateParams.builder()
          .source(api.source())
          .destination(api.destination())
          .amount(Money.of("USD", "1337.00"))
          .metadata("invoice", "INV-42")
          .build());
      System.out.println("Created transfer " + created.id() + ": " + created.amount()
          + ", " + created.status() + ", metadata " + created.metadata());

      Transfer fetched = client.transfers().get(created.id());
      System.out.println("Read it back:     " + fetched.id() + ": " + fetched.amount()
          + ", " + fetched.status() + ", created " + fetched.created());
    }
  }
}

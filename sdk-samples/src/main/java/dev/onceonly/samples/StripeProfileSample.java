package dev.onceonly.samples;

import dev.onceonly.IdempotencyProfile;
import dev.onceonly.Money;
import dev.onceonly.OperationResult;
import dev.onceonly.PaymentsClient;
import dev.onceonly.RequestOptions;
import dev.onceonly.RetryPolicy;
import dev.onceonly.okhttp.OkHttpPaymentsClient;
import dev.onceonly.testkit.Dialect;
import dev.onceonly.testkit.Faults;
import dev.onceonly.testkit.SandboxServer;
import dev.onceonly.transfers.Transfer;
import dev.onceonly.transfers.TransferCreateParams;
import java.time.Duration;

/**
 * A client on {@link IdempotencyProfile#stripe()}, against a server that speaks Stripe's dialect:
 * keys up to 255 characters, {@code 409 idempotency_key_in_use} while a key is at work,
 * {@code 400 idempotency_error} for a key reused with another body, replays marked with
 * {@code Idempotent-Replayed: true}, {@code Stripe-Should-Retry} on errors. Without a base URL it
 * starts the sandbox in its Stripe dialect, losing half the answers after the transfer is made:
 * every create still happens exactly once.
 *
 * <pre>
 * mvn -q -pl sdk-samples exec:java -Dexec.mainClass=dev.onceonly.samples.StripeProfileSample [-Dexec.args=BASE_URL]
 * </pre>
 */
public final class StripeProfileSample {

  private StripeProfileSample() {}

  public static void main(String[] args) {
    SandboxServer stripeLike = SandboxServer.builder()
        .dialect(Dialect.STRIPE)
        .faults(Faults.builder().dropRate(0.5).build())
        .seed(7)
        .build();
    try (SampleApi api = SampleApi.fromArgs(args, stripeLike);
        PaymentsClient client = OkHttpPaymentsClient.builder()
            .baseUrl(api.baseUrl())
            .profile(IdempotencyProfile.stripe())
            .retryPolicy(RetryPolicy.builder().maxAttempts(8).initialBackoff(Duration.ofMillis(50))
                .maxBackoff(Duration.ofMillis(500)).build())
            .build()) {
      for (int i = 1; i <= 3; i++) {
        // Stripe takes keys longer than the protocol's 36 characters: say which profile checks it.
        String key = "order-2041-payout-" + i + "-" + "x".repeat(40);
        OperationResult<Transfer> result = client.transfers().createWithResult(
            TransferCreateParams.builder()
                .source(api.source())
                .destination(api.destination())
                .amount(Money.of("USD", i + "00.00"))
                .metadata("invoice", "INV-20" + i)
                .build(),
            RequestOptions.builder().idempotencyKey(key, IdempotencyProfile.stripe()).build());
        System.out.println("Transfer " + result.value().id() + " for INV-20" + i + ": " + result.attempts()
            + " attempt(s), " + result.replay());
      }
      api.sandbox().ifPresent(sandbox -> System.out.println("The server made " + sandbox.transferCount()
          + " transfer(s) for 3 creates, replayed " + sandbox.stats().replays() + " answer(s), "
          + sandbox.stats().duplicateCreations() + " duplicate(s)."));
    }
  }
}

package dev.onceonly.samples;

import dev.onceonly.AttemptEvent;
import dev.onceonly.Money;
import dev.onceonly.OperationResult;
import dev.onceonly.PaymentsClient;
import dev.onceonly.RequestOptions;
import dev.onceonly.RetryListener;
import dev.onceonly.RetryPolicy;
import dev.onceonly.okhttp.OkHttpPaymentsClient;
import dev.onceonly.testkit.Faults;
import dev.onceonly.testkit.SandboxServer;
import dev.onceonly.transfers.Transfer;
import dev.onceonly.transfers.TransferCreateParams;
import java.time.Duration;

/**
 * A retry policy of one's own, and a {@link RetryListener} that prints every attempt that did
 * not end its operation: what was sent, what went wrong, and how long the client waits before
 * the next one (and why: backoff, the server's {@code Retry-After}, or at once to poll).
 *
 * <p>Without a base URL it starts a sandbox that fails on purpose: 30% of answers dropped after
 * the transfer is made, 20% {@code 503} before it. Every retry carries the same key, so each
 * transfer is still made once.
 *
 * <pre>
 * mvn -q -pl sdk-samples exec:java -Dexec.mainClass=dev.onceonly.samples.RetryPolicySample [-Dexec.args=BASE_URL]
 * </pre>
 */
public final class RetryPolicySample {

  private RetryPolicySample() {}

  public static void main(String[] args) {
    SandboxServer faulty = SandboxServer.builder()
        .faults(Faults.builder().dropRate(0.3).serverErrorRate(0.2).build())
        .seed(7)
        .build();

    // Patient enough for a flaky network, bounded for a caller that waits: at most 8 requests
    // and 20 s per transfer, waits from 100 ms doubling to 2 s (a Retry-After is capped there too).
    RetryPolicy policy = RetryPolicy.builder()
        .maxAttempts(8)
        .initialBackoff(Duration.ofMillis(100))
        .maxBackoff(Duration.ofSeconds(2))
        .maxElapsed(Duration.ofSeconds(20))
        .build();

    RetryListener printer = new RetryListener() {
      @Override
      public void onAttempt(AttemptEvent event) {
        String what = event.statusCode() == 0 ? "network: " + event.cause().getMessage()
            : "HTTP " + event.statusCode();
        System.out.println("  attempt " + event.attempt() + " " + event.request() + " failed (" + what + "); "
            + (event.willRetry()
                ? "retrying in " + event.delay().toMillis() + " ms (" + event.delaySource() + ")"
                : "giving up"));
      }

      @Override
      public void onSuccess(OperationResult<?> result) {
        System.out.println("  done after " + result.attempts() + " attempt(s), " + result.replay()
            + ", key " + result.idempotencyKey());
      }
    };

    try (SampleApi api = SampleApi.fromArgs(args, faulty);
        PaymentsClient client = OkHttpPaymentsClient.builder()
            .baseUrl(api.baseUrl())
            .bearerToken(api.bearerToken())     // PAYMENTS_TOKEN, or the sandbox's test token
            .connectTimeout(Duration.ofSeconds(2))
            .readTimeout(Duration.ofSeconds(5))
            .retryPolicy(policy)
            .retryListener(printer)
            .build()) {

      for (int i = 1; i <= 5; i++) {
        System.out.println("Transfer " + i + ":");
        Transfer transfer = client.transfers().create(TransferCreateParams.builder()
            .source(api.source())
            .destination(api.destination())
            .amount(Money.of("EUR", i + "0.00"))
            .metadata("invoice", "INV-" + (100 + i))
            .build(), RequestOptions.none());
        System.out.println("  -> " + transfer.id() + ", " + transfer.amount());
      }
    }
  }
}

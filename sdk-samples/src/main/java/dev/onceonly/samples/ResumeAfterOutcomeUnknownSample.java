package dev.onceonly.samples;

import dev.onceonly.Money;
import dev.onceonly.OperationResult;
import dev.onceonly.OutcomeUnknownException;
import dev.onceonly.PaymentsClient;
import dev.onceonly.RequestOptions;
import dev.onceonly.RetryPolicy;
import dev.onceonly.okhttp.OkHttpPaymentsClient;
import dev.onceonly.testkit.Dialect;
import dev.onceonly.testkit.Faults;
import dev.onceonly.testkit.RunningSandbox;
import dev.onceonly.testkit.SandboxServer;
import dev.onceonly.transfers.Transfer;
import dev.onceonly.transfers.TransferCreateParams;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What to do with {@link OutcomeUnknownException}: keep its key, and resume with the same key
 * and the same parameters before {@link OutcomeUnknownException#keyExpiresAt()}. The server then
 * either replays the transfer it made or makes it now: exactly once either way.
 *
 * <p>Without a base URL it provokes the exception with a sandbox in an outage: the server
 * accepts the transfer but cannot finish it until the outage ends (its key stays "in
 * progress"), and speaks the IETF dialect, which has no {@code GET /responses/{key}} to ask. A
 * client with a 1 s read timeout and 3 attempts times out, meets {@code 409} in progress, finds
 * no stored answer, and gives up not knowing. Then the outage ends, and a new client, as after
 * a restart, resumes with the stored key. Against a server given as an argument, the first call
 * will usually just succeed; the resume then shows the replay.
 *
 * <pre>
 * mvn -q -pl sdk-samples exec:java -Dexec.mainClass=dev.onceonly.samples.ResumeAfterOutcomeUnknownSample [-Dexec.args=BASE_URL]
 * </pre>
 */
public final class ResumeAfterOutcomeUnknownSample {

  private ResumeAfterOutcomeUnknownSample() {}

  /** What the caller keeps with its business record until the transfer is settled. */
  private record Pending(String key, Instant firstUsedAt, Instant keyExpiresAt) {}

  public static void main(String[] args) throws InterruptedException {
    CountDownLatch outageOver = new CountDownLatch(1);
    SandboxServer inOutage = SandboxServer.builder()
        .dialect(Dialect.IETF)
        // Each new transfer takes until the outage is over (at most a minute) to finish.
        .faults(Faults.builder().processingTime(Duration.ofMinutes(1)).build())
        .sleeper(duration -> outageOver.await(duration.toMillis(), TimeUnit.MILLISECONDS))
        .build();

    try (SampleApi api = SampleApi.fromArgs(args, inOutage)) {
      TransferCreateParams params = TransferCreateParams.builder()
          .source(api.source())
          .destination(api.destination())
          .amount(Money.of("USD", "980.00"))
          .metadata("invoice", "INV-44")
          .build();

      Pending pending;
      try (PaymentsClient impatient = OkHttpPaymentsClient.builder()
          .baseUrl(api.baseUrl())
          .bearerToken(api.bearerToken())     // PAYMENTS_TOKEN, or the sandbox's test token
          .readTimeout(Duration.ofSeconds(1))
          .retryPolicy(RetryPolicy.builder()
              .maxAttempts(3)
              .initialBackoff(Duration.ofMillis(100))
              .maxBackoff(Duration.ofMillis(500))
              .build())
          .build()) {
        Instant startedAt = Instant.now(); // no later than the first send: a safe keyFirstUsedAt
        try {
          OperationResult<Transfer> done = impatient.transfers().createWithResult(params, RequestOptions.none());
          System.out.println("The first call succeeded: transfer " + done.value().id());
          pending = new Pending(done.idempotencyKey(), startedAt, startedAt.plus(Duration.ofHours(24)));
        } catch (OutcomeUnknownException e) {
          // Store these with the invoice: they are all that is needed to settle it later.
          pending = new Pending(e.idempotencyKey().orElseThrow(), startedAt, e.keyExpiresAt());
          System.out.println("Outcome unknown after " + e.attempts() + " attempts: " + e.getMessage());
          System.out.println("Stored key " + pending.key() + ", valid until " + pending.keyExpiresAt());
        }
      }
      api.sandbox().ifPresent(sandbox ->
          System.out.println("The server has " + invoices(sandbox) + " transfer(s) for INV-44 so far."));

      outageOver.countDown();
      System.out.println("The outage is over. Resuming with the stored key and the same parameters...");

      if (!Instant.now().isBefore(pending.keyExpiresAt())) {
        // Past the window the server has forgotten the key: resending could pay twice. Look the
        // transfer up (for example by its metadata) instead.
        throw new IllegalStateException("key expired; look the transfer up instead of resending");
      }
      try (PaymentsClient client = OkHttpPaymentsClient.builder()
          .baseUrl(api.baseUrl())
          .bearerToken(api.bearerToken())     // PAYMENTS_TOKEN, or the sandbox's test token
          .retryPolicy(RetryPolicy.builder().maxBackoff(Duration.ofSeconds(1)).build())
          .build()) {
        OperationResult<Transfer> resumed = client.transfers().createWithResult(params,
            RequestOptions.builder()
                .idempotencyKey(pending.key())
                .keyFirstUsedAt(pending.firstUsedAt())
                .build());
        System.out.println("Resumed: transfer " + resumed.value().id() + ", " + resumed.value().amount()
            + " (" + resumed.replay() + ", " + resumed.attempts() + " attempt(s))");
      }
      api.sandbox().ifPresent(sandbox -> {
        long count = invoices(sandbox);
        System.out.println("The server has " + count + " transfer(s) for INV-44"
            + (count == 1 ? ": exactly once." : ": NOT exactly once!"));
      });
    }
  }

  private static long invoices(RunningSandbox sandbox) {
    return sandbox.transfers().stream().filter(t -> "INV-44".equals(t.metadata().get("invoice"))).count();
  }
}

package dev.onceonly.samples;

import dev.onceonly.IdempotencyKeyExpiredException;
import dev.onceonly.Money;
import dev.onceonly.OutcomeUnknownException;
import dev.onceonly.PaymentsClient;
import dev.onceonly.RequestOptions;
import dev.onceonly.RetryPolicy;
import dev.onceonly.okhttp.OkHttpPaymentsClient;
import dev.onceonly.testkit.Faults;
import dev.onceonly.testkit.SandboxServer;
import dev.onceonly.transfers.Transfer;
import dev.onceonly.transfers.TransferCreateParams;
import dev.onceonly.transfers.TransferListParams;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.UUID;

/**
 * Settling an unknown outcome that outlived its key. A create ended with
 * {@link OutcomeUnknownException}, and by the time anyone looked again, the key's window (24 h)
 * had passed: the server has forgotten the key, so re-sending it could pay twice, and the client
 * refuses to ({@link IdempotencyKeyExpiredException}, nothing sent). The way to settle it is to
 * look the transfer up by the reference stored in its metadata, {@code transfers().list(...)}:
 * found, it happened; not found, it did not, and a new create with a new key is safe.
 *
 * <p>Without a base URL it starts a sandbox that loses every answer after making the transfer,
 * and plays the day that passes by giving the resume a first-use time 25 hours ago.
 *
 * <pre>
 * mvn -q -pl sdk-samples exec:java -Dexec.mainClass=dev.onceonly.samples.ReconcileByMetadataSample [-Dexec.args=BASE_URL]
 * </pre>
 */
public final class ReconcileByMetadataSample {

  private ReconcileByMetadataSample() {}

  public static void main(String[] args) {
    SandboxServer losesAnswers = SandboxServer.builder().faults(Faults.builder().dropRate(1.0).build()).build();
    String invoice = "INV-" + UUID.randomUUID().toString().substring(0, 8);
    try (SampleApi api = SampleApi.fromArgs(args, losesAnswers);
        PaymentsClient client = OkHttpPaymentsClient.builder()
            .baseUrl(api.baseUrl())
            .retryPolicy(RetryPolicy.none())
            .build()) {
      TransferCreateParams params = TransferCreateParams.builder()
          .source(api.source())
          .destination(api.destination())
          .amount(Money.of("USD", "615.00"))
          .metadata("invoice", invoice) // the reference to look the transfer up by
          .build();

      String key;
      Instant firstUsedAt = Instant.now();
      try {
        Transfer made = client.transfers().create(params);
        System.out.println("The create succeeded at once: transfer " + made.id());
        key = null;
      } catch (OutcomeUnknownException e) {
        key = e.idempotencyKey().orElseThrow();
        firstUsedAt = e.keyFirstSentAt();
        System.out.println("Outcome unknown for " + invoice + "; key " + key + " valid until " + e.keyExpiresAt());
      }

      if (key != null) {
        // A day later: the key is past its window.
        try {
          client.transfers().create(params, RequestOptions.builder()
              .idempotencyKey(key)
              .keyFirstUsedAt(firstUsedAt.minus(Duration.ofHours(25)))
              .build());
        } catch (IdempotencyKeyExpiredException expired) {
          System.out.println("Not re-sent: " + expired.getMessage().substring(0, expired.getMessage().indexOf(':')));
        }
      }

      Iterator<Transfer> found = client.transfers()
          .list(TransferListParams.builder().metadata("invoice", invoice).limit(10).build())
          .iterator();
      if (found.hasNext()) {
        Transfer t = found.next();
        System.out.println("Reconciled: " + invoice + " was paid by transfer " + t.id() + " (" + t.amount() + ", "
            + t.status() + "); nothing to re-send.");
      } else {
        System.out.println("Reconciled: no transfer for " + invoice + "; it is safe to create it again with a new key.");
      }
      api.sandbox().ifPresent(sandbox -> System.out.println("The server has " + sandbox.transfers().stream()
          .filter(t -> invoice.equals(t.metadata().get("invoice"))).count() + " transfer(s) for " + invoice + "."));
    }
  }
}

package dev.onceonly.samples;

import dev.onceonly.Money;
import dev.onceonly.OperationResult;
import dev.onceonly.PaymentsClient;
import dev.onceonly.RequestOptions;
import dev.onceonly.okhttp.OkHttpPaymentsClient;
import dev.onceonly.transfers.Transfer;
import dev.onceonly.transfers.TransferCreateParams;
import java.time.Instant;
import java.util.UUID;

/**
 * Sends a key of the caller's own: the way to make a transfer exactly once across a crash or a
 * restart of the calling process. Mint the key and store it with the business record (here, an
 * invoice) <em>before</em> the first call; after a crash, call again with the same key and the
 * same parameters. This sample makes the second call at once: the server answers with the
 * transfer it already made, and no money moves twice.
 *
 * <pre>
 * mvn -q -pl sdk-samples exec:java -Dexec.mainClass=dev.onceonly.samples.OwnKeySample [-Dexec.args=BASE_URL]
 * </pre>
 */
public final class OwnKeySample {

  private OwnKeySample() {}

  public static void main(String[] args) {
    try (SampleApi api = SampleApi.fromArgs(args);
        PaymentsClient client = OkHttpPaymentsClient.builder()
            .baseUrl(api.baseUrl())
            .bearerToken(api.bearerToken())     // PAYMENTS_TOKEN, or the sandbox's test token
            .build()) {

      // In a real program: saved in the invoice's row, in the same transaction that created it.
      String key = UUID.randomUUID().toString();
      Instant firstUsedAt = Instant.now();

      TransferCreateParams params = TransferCreateParams.builder()
          .source(api.source())
          .destination(api.destination())
          .amount(Money.of("USD", "250.00"))
          .metadata("invoice", "INV-43")
          .build();
      RequestOptions options = RequestOptions.builder()
          .idempotencyKey(key)
          .keyFirstUsedAt(firstUsedAt) // lets the SDK refuse the key once the server has forgotten it
          .build();

      OperationResult<Transfer> first = client.transfers().createWithResult(params, options);
      System.out.println("First call:  transfer " + first.value().id() + " (key " + first.idempotencyKey()
          + ", " + first.attempts() + " attempt(s), " + first.replay() + ")");

      // The same key and parameters again, as after a crash: the server replays its answer.
      OperationResult<Transfer> second = client.transfers().createWithResult(params, options);
      System.out.println("Second call: transfer " + second.value().id() + " (key " + second.idempotencyKey()
          + ", " + second.attempts() + " attempt(s), " + second.replay() + ")");

      System.out.println(second.value().id().equals(first.value().id())
          ? "Same transfer: the money moved once."
          : "Different transfers: this server does not honour Idempotency-Key!");
    }
  }
}

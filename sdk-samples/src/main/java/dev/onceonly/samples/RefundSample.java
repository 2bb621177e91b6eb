package dev.onceonly.samples;

import dev.onceonly.ApiRequest;
import dev.onceonly.Money;
import dev.onceonly.OperationResult;
import dev.onceonly.PaymentsClient;
import dev.onceonly.okhttp.OkHttpPaymentsClient;
import dev.onceonly.transfers.Transfer;
import dev.onceonly.transfers.TransferCreateParams;
import java.math.BigDecimal;
import java.util.Map;

/**
 * An endpoint the SDK has no typed service for, {@code POST /refunds}, through
 * {@code client.execute}: the same idempotent engine as a transfer create (one key, the same body
 * bytes on every attempt, polling, recovery, truthful outcomes). The body and the answer are your
 * own records: the body is serialised once with Moshi (decimals as strings), the answer decoded
 * into your type. Then the refund is read back with a {@code GET} through the same client.
 *
 * <pre>
 * mvn -q -pl sdk-samples exec:java -Dexec.mainClass=dev.onceonly.samples.RefundSample [-Dexec.args=BASE_URL]
 * </pre>
 */
public final class RefundSample {

  private RefundSample() {}

  /** What {@code POST /refunds} takes. */
  record RefundCreate(String transfer_id, Money amount, Map<String, String> metadata) {}

  /** What it answers; fields the record does not name are ignored. */
  record Refund(String id, String transfer_id, String status, Amount amount) {}

  record Amount(String currency, BigDecimal value) {}

  public static void main(String[] args) {
    try (SampleApi api = SampleApi.fromArgs(args);
        PaymentsClient client = OkHttpPaymentsClient.builder().baseUrl(api.baseUrl()).build()) {
      Transfer transfer = client.transfers().create(TransferCreateParams.builder()
          .source(api.source())
          .destination(api.destination())
          .amount(Money.of("USD", "250.00"))
          .metadata("invoice", "INV-88")
          .build());
      System.out.println("Transfer " + transfer.id() + ": " + transfer.amount());

      ApiRequest refundRequest = ApiRequest.post("/refunds")
          .body(new RefundCreate(transfer.id(), Money.of("USD", "40.00"), Map.of("reason", "damaged")))
          .build();
      OperationResult<Refund> refunded = client.executeWithResult(refundRequest, Refund.class);
      Refund refund = refunded.value();
      System.out.println("Refund " + refund.id() + " of " + refund.amount().value().toPlainString() + " "
          + refund.amount().currency() + " (" + refund.status() + "), key " + refunded.idempotencyKey()
          + ", " + refunded.attempts() + " attempt(s)");

      Refund read = client.execute(ApiRequest.get("/refunds/" + refund.id()).build(), Refund.class);
      System.out.println("Read it back: refund " + read.id() + " of transfer " + read.transfer_id());
    }
  }
}

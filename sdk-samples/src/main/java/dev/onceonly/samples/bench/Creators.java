package dev.onceonly.samples.bench;

import dev.onceonly.Money;
import dev.onceonly.PaymentsClient;
import dev.onceonly.RequestOptions;
import dev.onceonly.samples.naive.NaiveTransferClient;
import dev.onceonly.transfers.TransferCreateParams;
import java.util.concurrent.atomic.LongAdder;
import okhttp3.OkHttpClient;

/** The clients the fault runs compare. */
final class Creators {

  private Creators() {}

  /** The SDK with its defaults ({@code RetryPolicy.defaults()}), one create per operation; the pool of the benchmark. */
  static final class Sdk implements FaultRun.Creator {
    private final OkHttpClient pool = CreateOverhead.poolOnly();
    private final PaymentsClient client;
    /** What the SDK itself reports ({@code OperationResult.attempts()}), to check the sandbox's count. */
    final LongAdder reportedAttempts = new LongAdder();

    Sdk(String baseUrl) {
      this.client = CreateOverhead.sdkClient(baseUrl, pool);
    }

    @Override
    public void create(String operationId) {
      reportedAttempts.add(client.transfers().createWithResult(params(operationId), RequestOptions.none()).attempts());
    }

    @Override
    public void close() {
      client.close();
      pool.dispatcher().executorService().shutdown();
      pool.connectionPool().evictAll();
    }
  }

  /**
   * The naive client of the samples ({@link NaiveTransferClient}, with its defaults: 6 attempts,
   * backoff from 200 ms doubling to 5 s with jitter, the SDK's budget): it re-sends the
   * {@code POST} after an I/O error or a {@code 5xx}, without an {@code Idempotency-Key}.
   */
  static final class Naive implements FaultRun.Creator {
    private final NaiveTransferClient client;

    Naive(String baseUrl) {
      this.client = NaiveTransferClient.builder().baseUrl(baseUrl).build();
    }

    @Override
    public void create(String operationId) {
      client.create(params(operationId));
    }

    @Override
    public void close() {
      client.close();
    }
  }

  /** The parameters of one logical operation, told apart by {@code metadata.operation_id}. */
  static TransferCreateParams params(String operationId) {
    return TransferCreateParams.builder()
        .source(CreateOverhead.SOURCE)
        .destination(CreateOverhead.DESTINATION)
        .amount(Money.of("USD", "1337.00"))
        .metadata("operation_id", operationId)
        .build();
  }
}

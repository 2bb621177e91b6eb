package dev.onceonly.samples.bench;

import dev.onceonly.Money;
import dev.onceonly.PaymentsClient;
import dev.onceonly.RequestOptions;
import dev.onceonly.transfers.TransferCreateParams;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.LongAdder;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

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
      TransferCreateParams params = TransferCreateParams.builder()
          .source(CreateOverhead.SOURCE)
          .destination(CreateOverhead.DESTINATION)
          .amount(Money.of("USD", "1337.00"))
          .metadata("operation_id", operationId)
          .build();
      reportedAttempts.add(client.transfers().createWithResult(params, RequestOptions.none()).attempts());
    }

    @Override
    public void close() {
      client.close();
      pool.dispatcher().executorService().shutdown();
      pool.connectionPool().evictAll();
    }
  }

  /**
   * A naive client, written here because none was on the {@code demo} branch when the benchmark
   * was written: OkHttp with the same settings as the SDK's, a {@code POST} without
   * {@code Idempotency-Key}, and a retry loop that re-sends after an I/O error or a {@code 5xx},
   * up to 6 attempts with 200 ms between them (the SDK's attempts and initial backoff).
   */
  static final class Naive implements FaultRun.Creator {
    private static final MediaType JSON = MediaType.get("application/json");
    private static final int MAX_ATTEMPTS = 6;
    private static final long WAIT_MILLIS = 200;

    private final OkHttpClient client = CreateOverhead.rawClient();
    private final String url;

    Naive(String baseUrl) {
      this.url = baseUrl + "transfers";
    }

    @Override
    public void create(String operationId) throws IOException, InterruptedException {
      byte[] body = ("{\"_links\":{\"source\":{\"href\":\"" + CreateOverhead.SOURCE + "\"},"
          + "\"destination\":{\"href\":\"" + CreateOverhead.DESTINATION + "\"}},"
          + "\"amount\":{\"currency\":\"USD\",\"value\":\"1337.00\"},"
          + "\"metadata\":{\"operation_id\":\"" + operationId + "\"}}").getBytes(StandardCharsets.UTF_8);
      IOException last = null;
      for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        if (attempt > 1) {
          Thread.sleep(WAIT_MILLIS);
        }
        Request request = new Request.Builder()
            .url(url)
            .header("Authorization", "Bearer " + CreateOverhead.TOKEN)
            .post(RequestBody.create(body, JSON))
            .build();
        int code;
        try (Response response = client.newCall(request).execute()) {
          code = response.code();
        } catch (IOException e) {
          last = e; // the naive part: the same POST again, and the server cannot tell it is a retry
          continue;
        }
        if (code == 201) {
          return;
        }
        last = new IOException("HTTP " + code);
        if (code < 500) {
          throw last;
        }
      }
      throw last;
    }

    @Override
    public void close() {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
  }
}

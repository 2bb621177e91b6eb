package dev.onceonly.samples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.onceonly.testkit.Dialect;
import dev.onceonly.testkit.Faults;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

class FaultRunTest {

  /** Creates every operation once, and the even ones a second time, without a key; fails every tenth. */
  private static final class Doubling implements FaultRun.Creator {
    private final OkHttpClient client = CreateOverhead.rawClient();
    private final String url;

    Doubling(String baseUrl) {
      this.url = baseUrl + "transfers";
    }

    @Override
    public void create(String operationId) throws IOException {
      int n = Integer.parseInt(operationId.substring(operationId.lastIndexOf('-') + 1));
      post(operationId);
      if (n % 2 == 0) {
        post(operationId);
      }
      if (n % 10 == 9) {
        throw new IOException("a failure the harness must not count as a success");
      }
    }

    private void post(String operationId) throws IOException {
      byte[] body = ("{\"_links\":{\"source\":{\"href\":\"" + CreateOverhead.SOURCE + "\"},"
          + "\"destination\":{\"href\":\"" + CreateOverhead.DESTINATION + "\"}},"
          + "\"amount\":{\"currency\":\"USD\",\"value\":\"1.00\"},"
          + "\"metadata\":{\"operation_id\":\"" + operationId + "\"}}").getBytes(StandardCharsets.UTF_8);
      Request request = new Request.Builder().url(url)
          .post(RequestBody.create(body, MediaType.get("application/json"))).build();
      try (Response response = client.newCall(request).execute()) {
        assertEquals(201, response.code());
      }
    }

    @Override
    public void close() {
      client.connectionPool().evictAll();
    }
  }

  @Test
  void countsRequestsSuccessesAndDuplicatesFromTheSandbox() throws InterruptedException {
    FaultRun.Result r = FaultRun.run("double",
        new FaultRun.Plan(40, 3, Dialect.FULL, Faults.none(), 1), Doubling::new);

    assertEquals(40, r.operations());
    assertEquals(36, r.succeeded()); // 9, 19, 29, 39 failed
    assertEquals(60, r.requests());
    assertEquals(60, r.posts());
    assertEquals(60, r.transfersCreated());
    assertEquals(20, r.duplicateTransfers());
    assertEquals(20, r.operationsDuplicated());
    assertEquals(0, r.responsesLost());
    assertEquals(60.0 / 36, r.requestsPerSuccess(), 1e-9);
  }

  @Test
  void sdkUnderLostAnswersMakesEachTransferOnce() throws InterruptedException {
    Creators.Sdk[] sdk = new Creators.Sdk[1];
    FaultRun.Result r = FaultRun.run("sdk",
        new FaultRun.Plan(30, 2, Dialect.IETF, Faults.builder().dropRate(0.2).build(), 7),
        url -> sdk[0] = new Creators.Sdk(url));

    assertEquals(30, r.succeeded());
    assertEquals(30, r.transfersCreated());
    assertEquals(0, r.duplicateTransfers());
    assertEquals(r.requests(), sdk[0].reportedAttempts.sum()); // the sandbox and the SDK agree
    assertEquals(r.requests() - 30, r.responsesLost()); // each lost answer cost one more request
  }

  @Test
  void percentileIsNearestRank() {
    long[] sorted = new long[100];
    for (int i = 0; i < 100; i++) {
      sorted[i] = (i + 1) * 1_000_000L;
    }
    assertEquals(50.0, FaultRun.percentileMillis(sorted, 50));
    assertEquals(99.0, FaultRun.percentileMillis(sorted, 99));
    assertEquals(7.0, FaultRun.percentileMillis(new long[] {7_000_000L}, 99));
    assertEquals(Double.NaN, FaultRun.percentileMillis(new long[0], 50));
    assertThrows(IllegalArgumentException.class, () -> new FaultRun.Plan(0, 1, Dialect.FULL, Faults.none(), 1));
  }
}

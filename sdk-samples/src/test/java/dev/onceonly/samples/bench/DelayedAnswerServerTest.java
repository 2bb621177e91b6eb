package dev.onceonly.samples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.onceonly.PaymentsClient;
import dev.onceonly.okhttp.OkHttpPaymentsClient;
import dev.onceonly.transfers.Transfer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The concurrency benchmark's server answers many requests at once on keep-alive connections. Nothing timed. */
class DelayedAnswerServerTest {

  @Test
  void answersManyCreatesAtOnceWithTheTransfer() {
    try (DelayedAnswerServer server = DelayedAnswerServer.start(Duration.ofMillis(5));
        PaymentsClient client = OkHttpPaymentsClient.builder().baseUrl(server.baseUrl())
            .bearerToken(CreateOverhead.TOKEN).maxConcurrentRequests(8).build()) {
      List<CompletableFuture<Transfer>> creates = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        creates.add(client.async().transfers().create(CreateOverhead.PARAMS));
      }

      for (CompletableFuture<Transfer> create : creates) {
        assertEquals("74c9129b-d14a-e511-80da-0aa34a9b2388", create.join().id());
      }
      assertEquals(40, server.requests());
      assertEquals("74c9129b-d14a-e511-80da-0aa34a9b2388", client.transfers().create(CreateOverhead.PARAMS).id());
    }
  }
}

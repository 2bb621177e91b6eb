package dev.onceonly.okhttp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onceonly.Money;
import dev.onceonly.OutcomeUnknownException;
import dev.onceonly.PaymentsClient;
import dev.onceonly.RequestOptions;
import dev.onceonly.RetryPolicy;
import dev.onceonly.StopReason;
import dev.onceonly.transfers.Transfer;
import dev.onceonly.transfers.TransferCreateParams;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Timeout;

/**
 * Servers that commit and then misbehave, over real sockets: a trickled answer, an extra answer
 * left on a keep-alive connection, a {@code Location} on the same origin spelled differently.
 * Each test asserts on what the server received; the {@link Timeout}s only guard against a
 * hang, they measure nothing.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Calls.class)
final class HostileServersOverSocketsTest {

  private static final String KEY = "5d1f0a3e-2b4c-4e6f-8a9b-0c1d2e3f4a5b";
  private static final String TOKEN = "tok_test_abcdef123456";

  @StartStop
  private final MockWebServer server = new MockWebServer();

  private final Calls calls;

  private PaymentsClient client;
  private RawHttpServer raw;

  HostileServersOverSocketsTest(Calls calls) {
    this.calls = calls;
  }

  @AfterEach
  void close() throws Exception {
    if (client != null) {
      client.close();
    }
    if (raw != null) {
      raw.close();
    }
  }

  private static TransferCreateParams params(String amount) {
    return TransferCreateParams.builder()
        .source("https://api.example.test/funding-sources/707177c3-bf15-4e7e-b37c-55c3898d9bf4")
        .destination("https://api.example.test/funding-sources/04173e17-6398-4d36-a167-9d98c4b1f1c3")
        .amount(Money.of("USD", amount))
        .build();
  }

  private static String transfer(String id, String amount) {
    return "{\"id\":\"" + id + "\",\"status\":\"pending\",\"amount\":{\"currency\":\"USD\",\"value\":\"" + amount
        + "\"},\"created\":\"2026-11-23T10:15:30.123Z\",\"metadata\":{}}";
  }

  @Test
  @Timeout(value = 12, unit = TimeUnit.SECONDS)
  void aServerTricklingItsAnswerCannotHoldACreatePastTheDeadline() throws Exception {
    // Commits, then sends the headers and one body byte every 300 ms: each read succeeds well
    // within the read timeout, so only a bound on the whole attempt can end it.
    raw = new RawHttpServer((request, out) -> {
      byte[] answer = RawHttpServer.response(201, "Created", transfer("t-1", "25.00"));
      int headerEnd = new String(answer, StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n") + 4;
      out.write(answer, 0, headerEnd);
      out.flush();
      for (int i = headerEnd; i < answer.length; i++) {
        Thread.sleep(300);
        out.write(answer[i]);
        out.flush();
      }
    });
    client = OkHttpPaymentsClient.builder()
        .baseUrl(raw.baseUrl())
        .readTimeout(Duration.ofSeconds(1))
        .retryPolicy(RetryPolicy.builder()
            .maxElapsed(Duration.ofSeconds(3))
            .attemptTimeout(Duration.ofSeconds(30))
            .initialBackoff(Duration.ofMillis(100))
            .build())
        .sleeper(d -> { }) // no real waits: only the attempts take time
        .scheduler(new ImmediateScheduler(d -> { }))
        .build();

    OutcomeUnknownException e = assertThrows(OutcomeUnknownException.class,
        () -> calls.transfers(client).create(params("25.00"), RequestOptions.builder().idempotencyKey(KEY).build()));

    assertEquals(StopReason.DEADLINE, e.reason());
    assertEquals(KEY, e.idempotencyKey().orElseThrow());
    assertTrue(raw.requests.size() <= 2, "the first attempt took the whole deadline: " + raw.requests.size());
    assertEquals(KEY, raw.requests.get(0).header("Idempotency-Key"));
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void anExtraAnswerLeftOnAKeepAliveConnectionIsNeverTheNextCreatesAnswer() throws Exception {
    // The first create is answered twice on one connection; the second answer (someone else's
    // 99.00 transfer) waits in the socket for whatever comes next on that connection.
    raw = new RawHttpServer((request, out) -> {
      String key = request.header("Idempotency-Key");
      if (request.index() == 0) {
        out.write(RawHttpServer.response(201, "Created", transfer("t-1", "25.00")));
        out.write(RawHttpServer.response(201, "Created", transfer("t-stray", "99.00")));
      } else {
        out.write(RawHttpServer.response(201, "Created", transfer("t-2-" + key.substring(0, 8), "10.00")));
      }
    });
    client = OkHttpPaymentsClient.builder()
        .baseUrl(raw.baseUrl())
        .readTimeout(Duration.ofSeconds(2))
        .retryPolicy(RetryPolicy.builder().initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(1)).build())
        .sleeper(d -> { })
        .scheduler(new ImmediateScheduler(d -> { }))
        .build();

    Transfer first = calls.transfers(client).create(params("25.00"));
    Transfer second = calls.transfers(client).create(params("10.00"));

    assertEquals("t-1", first.id());
    assertEquals("10.00", second.amount().value().toPlainString(), "never the stray 99.00 transfer");
    // The retry is answered by the answer to the second create's first POST, already waiting in
    // the socket behind the stray one: the client may be done before the server has read it.
    List<RawHttpServer.Request> posts = raw.awaitRequests(3);
    String secondKey = posts.get(1).header("Idempotency-Key");
    assertTrue(second.id().startsWith("t-2-" + secondKey.substring(0, 8)), second.id());
    // Either OkHttp reads the stray answer as the next POST's (the SDK takes it as lost and sends
    // that POST again: 3 requests), or its health check sees the unread bytes first and opens a
    // new connection (2 requests): which one depends on when the stray bytes arrive.
    assertTrue(posts.size() == 2 || posts.size() == 3,
        "the stray answer was never returned; requests: " + posts.size());
    for (RawHttpServer.Request post : posts.subList(1, posts.size())) {
      assertEquals(secondKey, post.header("Idempotency-Key"), "the second create's retries carry its own key");
    }
  }

  @Test
  void theTokenFollowsALocationOnTheSameOriginSpelledWithOtherCase() throws Exception {
    String sameOrigin = "http://localhost:" + server.getPort() + "/transfers/t-1";
    server.enqueue(new MockResponse.Builder().code(201).addHeader("Location", sameOrigin).build());
    server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
        .body(transfer("t-1", "25.00")).build());
    client = OkHttpPaymentsClient.builder()
        .baseUrl("http://LocalHost:" + server.getPort() + "/")
        .bearerToken(TOKEN)
        .sleeper(d -> { })
        .scheduler(new ImmediateScheduler(d -> { }))
        .build();

    Transfer t = calls.transfers(client).create(params("25.00"));

    assertEquals("t-1", t.id());
    RecordedRequest post = server.takeRequest();
    RecordedRequest get = server.takeRequest();
    assertEquals("Bearer " + TOKEN, post.getHeaders().get("Authorization"));
    assertEquals("GET", get.getMethod());
    assertEquals("Bearer " + TOKEN, get.getHeaders().get("Authorization"), "the read-back is on the API's own origin");
  }
}

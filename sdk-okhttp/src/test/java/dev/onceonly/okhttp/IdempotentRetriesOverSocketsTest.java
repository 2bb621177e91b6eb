package dev.onceonly.okhttp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onceonly.Money;
import dev.onceonly.NetworkException;
import dev.onceonly.OperationResult;
import dev.onceonly.OutcomeUnknownException;
import dev.onceonly.PaymentsClient;
import dev.onceonly.ReplayStatus;
import dev.onceonly.RequestOptions;
import dev.onceonly.RetryPolicy;
import dev.onceonly.transfers.Transfer;
import dev.onceonly.transfers.TransferCreateParams;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The retry engine over real sockets: what a broken network does to a create, and what the
 * server received: the same key and byte-identical bodies on every attempt, and how many.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Calls.class)
final class IdempotentRetriesOverSocketsTest {

  private static final String KEY = "0b7c5a2e-6f1d-4c39-9a8e-3d2f1e0c9b8a";
  private static final String TRANSFER_JSON = "{\"id\":\"t-1\",\"status\":\"pending\","
      + "\"amount\":{\"currency\":\"USD\",\"value\":\"25.00\"},\"created\":\"2026-11-23T10:15:30.123Z\","
      + "\"metadata\":{\"operation_id\":\"op-1\"}}";

  @StartStop
  private final MockWebServer server = new MockWebServer();

  private final Calls calls;

  private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
  private PaymentsClient client;

  IdempotentRetriesOverSocketsTest(Calls calls) {
    this.calls = calls;
  }

  @AfterEach
  void close() {
    if (client != null) {
      client.close();
    }
  }

  private PaymentsClient client(String baseUrl, RetryPolicy policy) {
    client = OkHttpPaymentsClient.builder()
        .baseUrl(baseUrl)
        .bearerToken("tok_test_123456")
        .connectTimeout(Duration.ofSeconds(2))
        .readTimeout(Duration.ofMillis(250))
        .retryPolicy(policy)
        .sleeper(sleeps::add)
        .scheduler(new ImmediateScheduler(sleeps::add))
        .build();
    return client;
  }

  private static TransferCreateParams params() {
    return TransferCreateParams.builder()
        .source("https://api.example.test/funding-sources/707177c3-bf15-4e7e-b37c-55c3898d9bf4")
        .destination("https://api.example.test/funding-sources/04173e17-6398-4d36-a167-9d98c4b1f1c3")
        .amount(Money.of("USD", "25.00"))
        .metadata("operation_id", "op-1")
        .build();
  }

  private static MockResponse created() {
    return new MockResponse.Builder().code(201).addHeader("Content-Type", "application/json").body(TRANSFER_JSON).build();
  }

  /** Takes every request the mock server saw and checks one key and one body across the POSTs. */
  private List<RecordedRequest> takeAllAndCheckOneKeyOneBody(String key) throws InterruptedException {
    List<RecordedRequest> all = new ArrayList<>();
    for (int i = 0; i < server.getRequestCount(); i++) {
      all.add(server.takeRequest(1, TimeUnit.SECONDS));
    }
    List<RecordedRequest> posts = all.stream().filter(r -> r.getMethod().equals("POST")).toList();
    for (RecordedRequest post : posts) {
      assertEquals(key, post.getHeaders().get("Idempotency-Key"));
      assertEquals(posts.get(0).getBody(), post.getBody(), "byte-identical bodies");
    }
    return all;
  }

  @Test
  void aResponseLostAfterTheServerReceivedTheRequestIsRetriedWithTheSameKeyAndBody() throws Exception {
    server.enqueue(new MockResponse.Builder().code(201).body(TRANSFER_JSON)
        .onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build());
    server.enqueue(new MockResponse.Builder().code(201).body(TRANSFER_JSON)
        .onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build());
    server.enqueue(created());

    OperationResult<Transfer> result = calls.transfers(client(server.url("/").toString(), RetryPolicy.defaults()))
        .createWithResult(params(), RequestOptions.builder().idempotencyKey(KEY).build());

    assertEquals("t-1", result.value().id());
    assertEquals(3, result.attempts());
    assertEquals(ReplayStatus.UNKNOWN, result.replay(), "the server does not mark replays here");
    assertEquals(3, takeAllAndCheckOneKeyOneBody(KEY).size());
  }

  @Test
  void aStallPastTheReadTimeoutIsRetriedWithTheSameKeyAndBody() throws Exception {
    server.enqueue(new MockResponse.Builder().code(201).body(TRANSFER_JSON)
        .headersDelay(5, TimeUnit.SECONDS).build());
    server.enqueue(created());

    OperationResult<Transfer> result = calls.transfers(client(server.url("/").toString(), RetryPolicy.defaults()))
        .createWithResult(params(), RequestOptions.none());

    assertEquals("t-1", result.value().id());
    List<RecordedRequest> seen = takeAllAndCheckOneKeyOneBody(result.idempotencyKey());
    assertEquals(2, seen.size());
  }

  @Test
  void stallsUntilTheEndLeaveTheOutcomeUnknownAfterAskingForTheStoredAnswer() throws Exception {
    RetryPolicy policy = RetryPolicy.builder().maxAttempts(3).build();
    for (int i = 0; i < 2; i++) {
      server.enqueue(new MockResponse.Builder().code(201).body(TRANSFER_JSON).headersDelay(5, TimeUnit.SECONDS).build());
    }
    server.enqueue(new MockResponse.Builder().code(404)
        .body("{\"code\":\"NotFound\",\"message\":\"no stored response\"}").build());

    OutcomeUnknownException e = assertThrows(OutcomeUnknownException.class,
        () -> calls.transfers(client(server.url("/").toString(), policy))
            .create(params(), RequestOptions.builder().idempotencyKey(KEY).build()));

    assertEquals(KEY, e.idempotencyKey().orElseThrow());
    assertEquals(3, e.attempts());
    assertInstanceOf(NetworkException.class, e.getCause());
    List<RecordedRequest> seen = takeAllAndCheckOneKeyOneBody(KEY);
    assertEquals(List.of("POST", "POST", "GET"), seen.stream().map(RecordedRequest::getMethod).toList());
    assertEquals("/responses/" + KEY, seen.get(2).getUrl().encodedPath());
  }

  /**
   * A TCP reset after the server read the whole request: a raw server socket that reads the
   * request, then closes with SO_LINGER 0 (an RST, not a FIN); the next connection is answered.
   */
  @Test
  void aConnectionResetAfterTheRequestWasReadIsRetriedWithTheSameKeyAndBody() throws Exception {
    List<String> received = new CopyOnWriteArrayList<>();
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread serverThread = new Thread(() -> serveResetThenCreated(listener, received), "reset-server");
      serverThread.setDaemon(true);
      serverThread.start();

      PaymentsClient resetting = client("http://127.0.0.1:" + listener.getLocalPort() + "/", RetryPolicy.defaults());
      OperationResult<Transfer> result = calls.transfers(resetting).createWithResult(params(), RequestOptions.builder().idempotencyKey(KEY).build());

      serverThread.join(5_000);
      assertEquals("t-1", result.value().id());
      assertEquals(2, received.size(), "the server read two whole requests");
      for (String request : received) {
        assertTrue(request.toLowerCase(Locale.ROOT).contains("idempotency-key: " + KEY.toLowerCase(Locale.ROOT)), request);
      }
      String firstBody = received.get(0).substring(received.get(0).indexOf("\r\n\r\n"));
      String secondBody = received.get(1).substring(received.get(1).indexOf("\r\n\r\n"));
      assertEquals(firstBody, secondBody);
      assertEquals(1, sleeps.size());
    }
  }

  private static void serveResetThenCreated(ServerSocket listener, List<String> received) {
    try {
      try (Socket first = listener.accept()) {
        received.add(readRequest(first.getInputStream()));
        first.setSoLinger(true, 0); // close with RST
      }
      try (Socket second = listener.accept()) {
        received.add(readRequest(second.getInputStream()));
        byte[] body = TRANSFER_JSON.getBytes(StandardCharsets.UTF_8);
        OutputStream out = second.getOutputStream();
        out.write(("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: " + body.length
            + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** Reads one HTTP/1.1 request with a Content-Length body; returns it as text. */
  private static String readRequest(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int state = 0;
    while (state < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("request ended early");
      }
      head.write(b);
      state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
    }
    String headers = head.toString(StandardCharsets.US_ASCII);
    int length = 0;
    for (String line : headers.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring("content-length:".length()).strip());
      }
    }
    return headers + new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }
}

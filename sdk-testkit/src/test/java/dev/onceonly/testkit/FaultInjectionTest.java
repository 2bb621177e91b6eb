package dev.onceonly.testkit;

import static dev.onceonly.testkit.TestHttp.json;
import static dev.onceonly.testkit.TestHttp.newKey;
import static dev.onceonly.testkit.TestHttp.transfer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each fault as a client sees it, and on which side of the commit it happens: a drop, reset or
 * stall comes after the transfer is created and its answer stored; a server error comes before
 * anything is done.
 */
final class FaultInjectionTest {

  private final List<RunningSandbox> started = new ArrayList<>();

  @AfterEach
  void close() {
    started.forEach(RunningSandbox::close);
  }

  private RunningSandbox start(Faults faults) {
    return start(SandboxServer.builder().faults(faults).seed(1));
  }

  private RunningSandbox start(SandboxServer.Builder builder) {
    RunningSandbox sandbox = builder.build().start();
    started.add(sandbox);
    return sandbox;
  }

  @Test
  void dropClosesConnectionAfterCommit() throws Exception {
    RunningSandbox sandbox = start(Faults.builder().dropRate(1.0).build());
    TestHttp http = new TestHttp(sandbox);
    String key = newKey();

    assertThrows(IOException.class, () -> http.post(key, transfer("10.00")));

    assertCommitted(sandbox, http, key);
    assertEquals(1, sandbox.stats().faults(FaultKind.DROP));
  }

  @Test
  void dropEndsStreamWithoutAnyByte() throws Exception {
    RunningSandbox sandbox = start(Faults.builder().dropRate(1.0).build());

    try (Socket socket = rawPost(sandbox, newKey())) {
      assertEquals(-1, socket.getInputStream().read(), "a FIN and no answer");
    }
    assertEquals(1, sandbox.transferCount());
  }

  @Test
  void resetSendsRstAfterCommit() throws Exception {
    RunningSandbox sandbox = start(Faults.builder().resetRate(1.0).build());
    String key = newKey();

    try (Socket socket = rawPost(sandbox, key)) {
      InputStream in = socket.getInputStream();
      SocketException reset = assertThrows(SocketException.class, in::read);
      assertTrue(String.valueOf(reset.getMessage()).contains("reset"), reset.getMessage());
    }
    assertCommitted(sandbox, new TestHttp(sandbox), key);
    assertEquals(1, sandbox.stats().faults(FaultKind.RESET));
  }

  @Test
  void resetIsAnIoErrorForHttpClient() throws Exception {
    RunningSandbox sandbox = start(Faults.builder().resetRate(1.0).build());

    assertThrows(IOException.class, () -> new TestHttp(sandbox).post(newKey(), transfer("10.00")));

    assertEquals(1, sandbox.transferCount());
  }

  @Test
  void stallHoldsAnswerPastClientTimeoutAfterCommitThenDropsIt() throws Exception {
    GateSleeper stall = new GateSleeper();
    RunningSandbox sandbox = start(SandboxServer.builder().sleeper(stall)
        .faults(Faults.builder().stallRate(1.0).stallTime(Duration.ofSeconds(30)).build()));
    TestHttp http = new TestHttp(sandbox);
    String key = newKey();

    assertThrows(HttpTimeoutException.class, () ->
        http.send(http.postRequest(key, transfer("10.00"), Duration.ofMillis(300))));

    stall.awaitEntered();
    assertEquals(List.of(Duration.ofSeconds(30)), stall.requested);
    assertCommitted(sandbox, http, key); // while the answer is still held
    stall.open();
    assertEquals(1, sandbox.stats().faults(FaultKind.STALL));
  }

  @Test
  void stallSendsNothingUntilItEndsTheConnection() throws Exception {
    GateSleeper stall = new GateSleeper();
    RunningSandbox sandbox = start(SandboxServer.builder().sleeper(stall)
        .faults(Faults.builder().stallRate(1.0).build()));

    try (Socket socket = rawPost(sandbox, newKey())) {
      stall.awaitEntered();
      socket.setSoTimeout(200);
      assertThrows(SocketTimeoutException.class, () -> socket.getInputStream().read(),
          "nothing arrives while the answer is held");
      socket.setSoTimeout(10_000);
      stall.open();
      assertEquals(-1, socket.getInputStream().read());
    }
  }

  @Test
  void serverErrorComesBeforeCommitWithRetryAfter() throws Exception {
    RunningSandbox sandbox = start(Faults.builder()
        .serverErrorRate(1.0).retryAfter(Duration.ofSeconds(7)).build());
    TestHttp http = new TestHttp(sandbox);
    String key = newKey();

    HttpResponse<String> response = http.post(key, transfer("10.00"));

    assertEquals(503, response.statusCode());
    assertEquals(Optional.of("7"), response.headers().firstValue("Retry-After"));
    assertEquals("ServerError", json(response.body()).get("code"));
    assertEquals(0, sandbox.transferCount(), "nothing was created");
    assertEquals(404, http.get("/responses/" + key).statusCode(), "nothing was stored");
    assertEquals(1, sandbox.stats().faults(FaultKind.SERVER_ERROR));
  }

  @Test
  void serverErrorStatusIsConfigurableAndRetryAfterOptional() throws Exception {
    RunningSandbox sandbox = start(Faults.builder().serverErrorRate(1.0).serverErrorStatus(502).build());

    HttpResponse<String> response = new TestHttp(sandbox).post(null, transfer("10.00"));

    assertEquals(502, response.statusCode());
    assertFalse(response.headers().firstValue("Retry-After").isPresent());
  }

  @Test
  void serverErrorLeavesKeyFreeForRetry() throws Exception {
    // A seed whose first draw is a server error at rate 0.5 and whose second is not.
    long seed = seedWhere(random -> random.nextDouble() < 0.5 && random.nextDouble() >= 0.5);
    RunningSandbox sandbox = start(SandboxServer.builder().seed(seed)
        .faults(Faults.builder().serverErrorRate(0.5).build()));
    TestHttp http = new TestHttp(sandbox);
    String key = newKey();

    HttpResponse<String> failed = http.post(key, transfer("10.00"));
    HttpResponse<String> retried = http.post(key, transfer("10.00"));

    assertEquals(503, failed.statusCode());
    assertEquals(201, retried.statusCode());
    assertFalse(retried.headers().firstValue("Idempotent-Replayed").isPresent(), "not a replay");
    assertEquals(1, sandbox.transferCount());
  }

  @Test
  void sameSeedInjectsSameFaults() throws Exception {
    Faults faults = Faults.builder().serverErrorRate(0.5).build();
    List<Integer> first = statuses(start(SandboxServer.builder().seed(7).faults(faults)), 20);
    List<Integer> second = statuses(start(SandboxServer.builder().seed(7).faults(faults)), 20);

    assertEquals(first, second);
    assertTrue(first.contains(503) && first.contains(201), first.toString());
  }

  @Test
  void zeroRatesInjectNothing() throws Exception {
    RunningSandbox sandbox = start(Faults.builder().dropRate(0).resetRate(0).stallRate(0).build());

    assertEquals(List.of(201, 201, 201), statuses(sandbox, 3));
    assertEquals(0, sandbox.stats().totalFaults());
  }

  @Test
  void slowProcessingGives409WithRetryAfterWhileKeyIsInProgress() throws Exception {
    GateSleeper processing = new GateSleeper();
    RunningSandbox sandbox = start(SandboxServer.builder().sleeper(processing)
        .faults(Faults.builder().processingTime(Duration.ofMillis(2500)).build()));
    TestHttp http = new TestHttp(sandbox);
    String key = newKey();

    CompletableFuture<HttpResponse<String>> first = http.postAsync(key, transfer("10.00"));
    processing.awaitEntered();
    HttpResponse<String> concurrent = http.post(key, transfer("10.00"));
    HttpResponse<String> otherBody = http.post(key, transfer("11.00"));
    HttpResponse<String> stored = http.get("/responses/" + key);
    processing.open();
    HttpResponse<String> done = first.get(10, TimeUnit.SECONDS);
    HttpResponse<String> after = http.post(key, transfer("10.00"));

    assertEquals(409, concurrent.statusCode());
    assertEquals("idempotency_request_in_progress", json(concurrent.body()).get("code"));
    assertEquals(Optional.of("3"), concurrent.headers().firstValue("Retry-After"),
        "the processing time, rounded up to seconds");
    assertEquals(422, otherBody.statusCode(), "another body is refused even while in progress");
    assertEquals(404, stored.statusCode(), "nothing is stored while in progress");
    assertEquals(201, done.statusCode());
    assertEquals(Optional.of("true"), after.headers().firstValue("Idempotent-Replayed"));
    assertEquals(done.body(), after.body());
    assertEquals(1, sandbox.transferCount());
    assertEquals(1, sandbox.stats().conflicts());
  }

  @Test
  void readsAreNeverFaulted() throws Exception {
    RunningSandbox sandbox = start(Faults.builder().dropRate(1.0).build());
    TestHttp http = new TestHttp(sandbox);

    assertEquals(404, http.get("/transfers/unknown").statusCode());
    assertEquals(404, http.get("/responses/" + newKey()).statusCode());
    assertEquals(200, http.get("/_sandbox/stats").statusCode());
    assertEquals(0, sandbox.stats().totalFaults());
  }

  /** The transfer exists and {@code GET /responses/{key}} has its {@code 201}. */
  private static void assertCommitted(RunningSandbox sandbox, TestHttp http, String key)
      throws Exception {
    assertEquals(1, sandbox.transferCount());
    HttpResponse<String> stored = http.get("/responses/" + key);
    assertEquals(200, stored.statusCode());
    Map<String, Object> envelope = json(stored.body());
    assertEquals("201", envelope.get("StatusCode"));
    Map<?, ?> resource = (Map<?, ?>) envelope.get("Resource");
    assertEquals(sandbox.transfers().get(0).id(), resource.get("id"));
  }

  private static List<Integer> statuses(RunningSandbox sandbox, int posts) throws Exception {
    TestHttp http = new TestHttp(sandbox);
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < posts; i++) {
      statuses.add(http.post(null, transfer("1.00")).statusCode());
    }
    return statuses;
  }

  /** Writes a keyed {@code POST /transfers} on a raw socket and leaves the answer unread. */
  private static Socket rawPost(RunningSandbox sandbox, String key) throws IOException {
    byte[] body = transfer("10.00").getBytes(StandardCharsets.UTF_8);
    String head = "POST /transfers HTTP/1.1\r\n"
        + "Host: 127.0.0.1:" + sandbox.port() + "\r\n"
        + "Content-Type: application/json\r\n"
        + "Idempotency-Key: " + key + "\r\n"
        + "Content-Length: " + body.length + "\r\n\r\n";
    Socket socket = new Socket("127.0.0.1", sandbox.port());
    socket.setSoTimeout(10_000);
    OutputStream out = socket.getOutputStream();
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    out.write(body);
    out.flush();
    return socket;
  }

  private static long seedWhere(Predicate<Random> condition) {
    for (long seed = 0; ; seed++) {
      if (condition.test(new Random(seed))) {
        return seed;
      }
    }
  }
}

package dev.onceonly.okhttp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onceonly.ApiException;
import dev.onceonly.Money;
import dev.onceonly.OutcomeUnknownException;
import dev.onceonly.PaymentsClient;
import dev.onceonly.NetworkException;
import dev.onceonly.RequestNotSentException;
import dev.onceonly.RequestOptions;
import dev.onceonly.RetryPolicy;
import dev.onceonly.StopReason;
import dev.onceonly.internal.DefaultPaymentsClient;
import dev.onceonly.transfers.Transfer;
import dev.onceonly.transfers.TransferCreateParams;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The asynchronous client over real sockets: cancellation at each phase of a create, asserting
 * on what the server received after the cancel; no thread held while operations wait; closing
 * under pending operations; where futures complete. The server holds each request until the
 * test releases it ({@link HoldingDispatcher}) and the waits are the test's
 * ({@link ManualScheduler}), so nothing depends on timing.
 */
final class AsyncClientOverSocketsTest {

  static final String KEY = "0b7c5a2e-6f1d-4c39-9a8e-3d2f1e0c9b8a";
  static final String TRANSFER_JSON = "{\"id\":\"t-1\",\"status\":\"pending\","
      + "\"amount\":{\"currency\":\"USD\",\"value\":\"25.00\"},\"created\":\"2026-11-23T10:15:30.123Z\"}";
  static final String IN_PROGRESS = "{\"code\":\"idempotency_request_in_progress\",\"message\":\"busy\"}";

  /** What the server answers, per request, in order; a 201 with the transfer when none is left. */
  final BlockingQueue<MockResponse> answers = new LinkedBlockingQueue<>();
  final HoldingDispatcher held = new HoldingDispatcher(r -> {
    MockResponse next = answers.poll();
    return next != null ? next : json(201, TRANSFER_JSON);
  });

  @StartStop
  final MockWebServer server = new MockWebServer();

  final ManualScheduler scheduler = new ManualScheduler();
  /** Ours, so that the test can see when OkHttp is idle; the SDK uses its dispatcher. */
  final OkHttpClient okHttp;
  /** What each operation ended with, as the engine decided it (resilience4j's error events). */
  final BlockingQueue<Throwable> ended = new LinkedBlockingQueue<>();
  PaymentsClient client;

  AsyncClientOverSocketsTest() {
    server.setDispatcher(held);
    Dispatcher dispatcher = new Dispatcher();
    dispatcher.setMaxRequests(64);
    dispatcher.setMaxRequestsPerHost(64);
    okHttp = new OkHttpClient.Builder().dispatcher(dispatcher).build();
  }

  @AfterEach
  void close() {
    held.close();
    if (client != null) {
      client.close();
    }
    okHttp.dispatcher().executorService().shutdown();
    okHttp.connectionPool().evictAll();
  }

  PaymentsClient client(OkHttpPaymentsClient.Builder builder) {
    client = builder.build();
    ((DefaultPaymentsClient) client).engine().retry().getEventPublisher()
        .onError(e -> ended.add(e.getLastThrowable()))
        .onIgnoredError(e -> ended.add(e.getLastThrowable()));
    return client;
  }

  OkHttpPaymentsClient.Builder builder() {
    return OkHttpPaymentsClient.builder()
        .baseUrl(server.url("/").toString())
        .okHttpClient(okHttp)
        .scheduler(scheduler)
        .clock(Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC))
        .retryPolicy(RetryPolicy.defaults());
  }

  static TransferCreateParams params() {
    return TransferCreateParams.builder()
        .source("https://api.example.test/funding-sources/707177c3-bf15-4e7e-b37c-55c3898d9bf4")
        .destination("https://api.example.test/funding-sources/04173e17-6398-4d36-a167-9d98c4b1f1c3")
        .amount(Money.of("USD", "25.00"))
        .build();
  }

  static RequestOptions ownKey() {
    return RequestOptions.builder().idempotencyKey(KEY).build();
  }

  static MockResponse json(int code, String body, String... headers) {
    MockResponse.Builder b = new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json");
    for (int i = 0; i < headers.length; i += 2) {
      b.addHeader(headers[i], headers[i + 1]);
    }
    return b.body(body).build();
  }

  /** What the engine ended the operation with; waits for the end (at most 10 s). */
  Throwable awaitEnd() throws InterruptedException {
    Throwable end = ended.poll(10, TimeUnit.SECONDS);
    if (end == null) {
      throw new AssertionError("the operation did not end");
    }
    return end;
  }

  /** Waits until OkHttp has no call running or queued. */
  void awaitOkHttpIdle() throws InterruptedException {
    for (int i = 0; i < 1_000 && okHttp.dispatcher().runningCallsCount() + okHttp.dispatcher().queuedCallsCount() > 0; i++) {
      Thread.sleep(10); // waiting for a condition, not measuring time
    }
    assertEquals(0, okHttp.dispatcher().runningCallsCount() + okHttp.dispatcher().queuedCallsCount());
  }

  static Throwable failure(CompletableFuture<?> future) {
    return assertThrows(ExecutionException.class, () -> future.get(10, TimeUnit.SECONDS)).getCause();
  }

  // ---- cancellation at each phase ----------------------------------------------------------

  @Test
  void cancelBeforeSendWhileQueuedBehindTheLimitSendsNothing() throws Exception {
    okHttp.dispatcher().setMaxRequestsPerHost(1);
    client(builder());
    CompletableFuture<Transfer> first = client.async().transfers().create(params());
    held.awaitArrival();
    CompletableFuture<Transfer> second = client.async().transfers().create(params(), ownKey());
    for (int i = 0; i < 1_000 && okHttp.dispatcher().queuedCallsCount() == 0; i++) {
      Thread.sleep(10); // until the second POST waits in OkHttp's queue
    }

    assertTrue(second.cancel(true));

    RequestNotSentException notSent = assertInstanceOf(RequestNotSentException.class, awaitEnd());
    assertEquals(StopReason.CANCELLED, notSent.reason());
    held.release(1);
    assertEquals("t-1", first.get(10, TimeUnit.SECONDS).id());
    awaitOkHttpIdle();
    assertEquals(1, server.getRequestCount(), "the cancelled create never reached the server");
    assertEquals(List.of(), scheduler.pending());
    assertTrue(second.isCancelled());
  }

  @Test
  void cancelInFlightCancelsTheCallAndSendsNothingMore() throws Exception {
    client(builder());
    CompletableFuture<Transfer> created = client.async().transfers().create(params(), ownKey());
    RecordedRequest post = held.awaitArrival();

    created.cancel(true);

    OutcomeUnknownException unknown = assertInstanceOf(OutcomeUnknownException.class, awaitEnd());
    assertEquals(StopReason.CANCELLED, unknown.reason(), "the POST had reached the server");
    assertEquals(KEY, unknown.idempotencyKey().orElseThrow());
    assertEquals(KEY, post.getHeaders().get("Idempotency-Key"));
    awaitOkHttpIdle();
    held.release(1); // the server answers the cancelled call; nobody reads it
    assertEquals(List.of(), scheduler.pending(), "no wait for a retry");
    assertEquals(1, server.getRequestCount());
    CancellationException e = assertThrows(CancellationException.class, created::join);
    assertTrue(e.getMessage().contains(KEY), e.getMessage());
  }

  @Test
  void cancelDuringBackoffCancelsTheWaitAndSendsNothingMore() throws Exception {
    client(builder());
    answers.add(json(503, "{}", "Retry-After", "2"));
    held.release(1);
    CompletableFuture<Transfer> created = client.async().transfers().create(params(), ownKey());
    held.awaitArrival();
    for (int i = 0; i < 1_000 && scheduler.pending().isEmpty(); i++) {
      Thread.sleep(10); // until the operation waits
    }
    ManualScheduler.Wait wait = scheduler.pending().get(0);

    created.cancel(true);

    assertTrue(wait.isCancelled());
    assertEquals(StopReason.CANCELLED, assertInstanceOf(OutcomeUnknownException.class, awaitEnd()).reason());
    scheduler.fireAll();
    awaitOkHttpIdle();
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void cancelDuringAPollCancelsItAndSendsNothingMore() throws Exception {
    client(builder());
    answers.add(json(409, IN_PROGRESS, "Retry-After", "1"));
    held.release(1);
    CompletableFuture<Transfer> created = client.async().transfers().create(params(), ownKey());
    held.awaitArrival();
    for (int i = 0; i < 1_000 && scheduler.pending().isEmpty(); i++) {
      Thread.sleep(10);
    }
    scheduler.fireAll();
    RecordedRequest poll = held.awaitArrival();
    assertEquals("/responses/" + KEY, poll.getUrl().encodedPath());

    created.cancel(true);

    assertEquals(StopReason.CANCELLED, assertInstanceOf(OutcomeUnknownException.class, awaitEnd()).reason());
    awaitOkHttpIdle();
    held.release(1);
    assertEquals(List.of(), scheduler.pending());
    assertEquals(2, server.getRequestCount(), "the POST and the poll, nothing after the cancel");
  }

  // ---- threads -----------------------------------------------------------------------------

  @Test
  void noThreadIsHeldWhileOperationsWaitBetweenAttempts() throws Exception {
    client(builder());
    int operations = 50;
    for (int i = 0; i < operations; i++) {
      answers.add(json(503, "{}", "Retry-After", "30"));
    }
    held.release(operations);
    List<CompletableFuture<Transfer>> creates = new ArrayList<>();
    for (int i = 0; i < operations; i++) {
      creates.add(client.async().transfers().create(params()));
    }
    for (int i = 0; i < 1_000 && scheduler.pending().size() < operations; i++) {
      Thread.sleep(10); // until every operation waits
    }
    assertEquals(operations, scheduler.pending().size(), "every operation waits as a task on the scheduler");
    awaitOkHttpIdle();

    // No thread is running or parked in SDK code: the waits are tasks, not threads. (Polled, as
    // the step that scheduled the last wait may still be returning when the first snapshot is
    // taken.)
    String inSdkCode = threadInSdkCode();
    for (int i = 0; i < 100 && inSdkCode != null; i++) {
      Thread.sleep(10);
      inSdkCode = threadInSdkCode();
    }
    assertEquals(null, inSdkCode, "a thread is held in SDK code while every operation waits");
    assertTrue(creates.stream().noneMatch(CompletableFuture::isDone));

    held.release(operations);
    scheduler.fireAll();
    for (CompletableFuture<Transfer> create : creates) {
      assertEquals("t-1", create.get(10, TimeUnit.SECONDS).id());
    }
    assertEquals(2 * operations, server.getRequestCount());
  }

  @Test
  void moreThanFiveRequestsGoToTheHostAtOnce() throws Exception {
    client = OkHttpPaymentsClient.builder().baseUrl(server.url("/").toString()).build(); // its own OkHttp client
    List<CompletableFuture<Transfer>> creates = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      creates.add(client.async().transfers().create(params()));
    }

    for (int i = 0; i < 10; i++) {
      held.awaitArrival(); // all ten are at the server before any is answered: not OkHttp's 5 per host
    }
    held.release(10);
    for (CompletableFuture<Transfer> create : creates) {
      create.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void futuresCompleteOnTheAsyncExecutor() throws Exception {
    ExecutorService mine = Executors.newSingleThreadExecutor(r -> new Thread(r, "callers-executor"));
    try {
      client(builder().asyncExecutor(mine));
      held.release(1);

      String thread = client.async().transfers().create(params())
          .thenApply(t -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS);

      assertEquals("callers-executor", thread);
    } finally {
      mine.shutdownNow();
    }
  }

  // ---- closing and exceptions ----------------------------------------------------------------

  @Test
  void closingEndsAWaitingOperationTruthfullyAndLeavesTheCallersSchedulerAlone() throws Exception {
    client(builder());
    answers.add(json(503, "{}"));
    held.release(1);
    CompletableFuture<Transfer> created = client.async().transfers().create(params(), ownKey());
    held.awaitArrival();
    for (int i = 0; i < 1_000 && scheduler.pending().isEmpty(); i++) {
      Thread.sleep(10);
    }

    client.close();

    OutcomeUnknownException e = assertInstanceOf(OutcomeUnknownException.class, failure(created));
    assertEquals(StopReason.CLIENT_CLOSED, e.reason());
    assertEquals(KEY, e.idempotencyKey().orElseThrow());
    assertEquals(List.of(), scheduler.pending());
    assertFalse(scheduler.isShutdown(), "the caller's scheduler is the caller's");
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void closingStopsTheClientsOwnThreads() throws Exception {
    client = OkHttpPaymentsClient.builder().baseUrl(server.url("/").toString()).build();
    held.release(1);
    client.async().transfers().create(params()).get(10, TimeUnit.SECONDS);
    assertTrue(onceOnlyThreads() > 0, "the client made its scheduler and pool on first use");

    client.close();

    for (int i = 0; i < 1_000 && onceOnlyThreads() > 0; i++) {
      Thread.sleep(10); // until they have stopped
    }
    assertEquals(0, onceOnlyThreads());
  }

  @Test
  void failuresAreTheSdksExceptionsNeverIoExceptions() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    client = OkHttpPaymentsClient.builder().baseUrl("http://127.0.0.1:" + closedPort + "/")
        .scheduler(new ImmediateScheduler(d -> { })).build();

    RequestNotSentException notSent = assertInstanceOf(RequestNotSentException.class,
        failure(client.async().transfers().create(params())));
    assertEquals(RetryPolicy.defaults().maxAttempts(), notSent.attempts());

    // A read throws what the blocking read throws: its last failure, the SDK's NetworkException
    // (with the IOException as its cause), never the IOException itself.
    assertInstanceOf(NetworkException.class, failure(client.async().transfers().get("t-1")));
  }

  @Test
  void aMissingTransferIsA404ApiException() throws Exception {
    client(builder());
    answers.add(json(404, "{\"code\":\"NotFound\",\"message\":\"no such transfer\"}"));
    held.release(1);

    ApiException e = assertInstanceOf(ApiException.class, failure(client.async().transfers().get("t-404")));

    assertEquals(404, e.statusCode());
    assertSame(ApiException.class, e.getClass());
  }

  /** A thread (other than this one) with SDK code on its stack, described; {@code null} if none. */
  private static String threadInSdkCode() {
    for (Map.Entry<Thread, StackTraceElement[]> thread : Thread.getAllStackTraces().entrySet()) {
      if (thread.getKey() == Thread.currentThread()) {
        continue;
      }
      for (StackTraceElement frame : thread.getValue()) {
        if (frame.getClassName().startsWith("dev.onceonly.")) {
          return thread.getKey().getName() + ": " + Arrays.toString(thread.getValue());
        }
      }
    }
    return null;
  }

  private static long onceOnlyThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> (t.getName().startsWith("onceonly-") || t.getName().startsWith("OkHttp Dispatcher (onceonly)"))
            && t.isAlive()).count();
  }
}

package dev.onceonly.okhttp.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onceonly.NetworkException;
import dev.onceonly.PaymentsException;
import dev.onceonly.http.HttpRequest;
import dev.onceonly.http.HttpResponse;
import dev.onceonly.okhttp.HoldingDispatcher;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Dispatcher;
import okhttp3.EventListener;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;
import okio.ForwardingSource;
import okio.Okio;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What only {@link OkHttpTransport#executeAsync} does: cancellation that reaches the wire, the
 * bound counted from the enqueue, a late response closed, and closing under queued calls. (What
 * it shares with {@code execute} is in {@link OkHttpTransportTest}, run both ways.)
 */
final class OkHttpTransportAsyncTest {

  static final Duration LONG = Duration.ofSeconds(30);
  static final String KEY = "19051a62-3403-11e6-ac61-9e71128cae77";

  final HoldingDispatcher held = new HoldingDispatcher(r -> new MockResponse.Builder().code(201).body("{}").build());

  @StartStop
  final MockWebServer server = new MockWebServer();

  /** One request at a time, so that a second call waits in OkHttp's queue. */
  final OkHttpClient oneAtATime = oneAtATime();
  final OkHttpTransport transport = new OkHttpTransport(oneAtATime, true, 1024);

  OkHttpTransportAsyncTest() {
    server.setDispatcher(held);
  }

  @AfterEach
  void close() {
    held.close();
    transport.close();
  }

  static OkHttpClient oneAtATime() {
    Dispatcher dispatcher = new Dispatcher();
    dispatcher.setMaxRequests(1);
    dispatcher.setMaxRequestsPerHost(1);
    return new OkHttpClient.Builder().dispatcher(dispatcher).build();
  }

  HttpRequest post() {
    return new HttpRequest("POST", server.url("/transfers").toString(),
        Map.of("Content-Type", "application/json", "Idempotency-Key", KEY), "{}".getBytes(UTF_8));
  }

  static Throwable failure(CompletableFuture<?> future) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(10, TimeUnit.SECONDS));
    return e.getCause();
  }

  /** Waits until OkHttp has no call running or queued. */
  void awaitIdle() throws InterruptedException {
    Dispatcher dispatcher = transport.client().dispatcher();
    for (int i = 0; i < 1_000 && dispatcher.runningCallsCount() + dispatcher.queuedCallsCount() > 0; i++) {
      Thread.sleep(10); // waiting for a condition, not measuring time
    }
    assertEquals(0, dispatcher.runningCallsCount() + dispatcher.queuedCallsCount(), "OkHttp is idle");
  }

  @Test
  void answersAsExecuteDoesOffTheCallersThread() throws Exception {
    held.release(1);

    HttpResponse response = transport.executeAsync(post(), LONG).get(10, TimeUnit.SECONDS);

    assertEquals(201, response.statusCode());
    assertEquals("{}", new String(response.body(), UTF_8));
  }

  @Test
  void cancellingACallInFlightCancelsItOnTheWireAndSaysItMayHaveLeft() throws Exception {
    CompletableFuture<HttpResponse> call = transport.executeAsync(post(), LONG);
    held.awaitArrival();

    assertTrue(call.cancel(true));

    assertTrue(call.isCancelled());
    CancellationException e = assertThrows(CancellationException.class, call::join);
    NetworkException cause = assertInstanceOf(NetworkException.class, e.getCause());
    assertTrue(cause.requestMayHaveReachedServer());
    assertEquals(KEY, cause.idempotencyKey().orElseThrow());
    awaitIdle();
    held.release(1);
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void cancellingAQueuedCallSaysItNeverLeftAndItIsNeverSent() throws Exception {
    CompletableFuture<HttpResponse> first = transport.executeAsync(post(), LONG);
    held.awaitArrival();
    CompletableFuture<HttpResponse> queued = transport.executeAsync(post(), LONG);

    queued.cancel(true);
    NetworkException cause = assertInstanceOf(NetworkException.class,
        assertThrows(CancellationException.class, queued::join).getCause());
    assertFalse(cause.requestMayHaveReachedServer());

    held.release(1);
    assertEquals(201, first.get(10, TimeUnit.SECONDS).statusCode());
    awaitIdle();
    assertEquals(1, server.getRequestCount(), "the cancelled call never reached the server");
  }

  @Test
  void timeQueuedBehindTheConcurrencyLimitCountsAgainstTheBound() throws Exception {
    CompletableFuture<HttpResponse> first = transport.executeAsync(post(), LONG);
    held.awaitArrival();

    CompletableFuture<HttpResponse> queued = transport.executeAsync(post(), Duration.ofMillis(200));

    NetworkException e = assertInstanceOf(NetworkException.class, failure(queued));
    assertFalse(first.isDone(), "it timed out while the call ahead of it still held the only slot");
    assertTrue(e.getMessage().contains("timed out before the request was sent"), e.getMessage());
    assertFalse(e.requestMayHaveReachedServer());
    held.release(1);
    first.get(10, TimeUnit.SECONDS);
    awaitIdle();
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void aResponseThatArrivesAfterTheCancelIsClosedUnread() throws Exception {
    CompletableFuture<HttpResponse> call = transport.executeAsync(post(), LONG);
    held.awaitArrival();
    call.cancel(true);
    AtomicBoolean closed = new AtomicBoolean();
    AtomicBoolean read = new AtomicBoolean();
    Buffer bytes = new Buffer().writeUtf8("{\"late\":true}");
    BufferedSource source = Okio.buffer(new ForwardingSource(bytes) {
      @Override
      public long read(Buffer sink, long byteCount) throws java.io.IOException {
        read.set(true);
        return super.read(sink, byteCount);
      }

      @Override
      public void close() throws java.io.IOException {
        closed.set(true);
        super.close();
      }
    });
    Response late = new Response.Builder()
        .request(new Request.Builder().url(server.url("/transfers")).build())
        .protocol(Protocol.HTTP_1_1)
        .code(201)
        .message("Created")
        .body(ResponseBody.create(source, MediaType.get("application/json"), bytes.size()))
        .build();

    // What OkHttp does when an answer races the cancel: hands it to the callback.
    ((Callback) call).onResponse(transport.client().newCall(late.request()), late);

    assertTrue(closed.get(), "closed");
    assertFalse(read.get(), "unread");
    assertTrue(call.isCancelled());
  }

  @Test
  void aFailureReportedWhileTheCancelIsUnderWayStillEndsTheFutureCancelled() throws Exception {
    // OkHttp fails a cancelled call on its own thread, so its onFailure can land between
    // Call.cancel() and the future's completion. Delivered here inside Call.cancel() itself, the
    // worst moment, it must not make cancel(true) report false or the future end as a failure.
    AtomicReference<CompletableFuture<HttpResponse>> pending = new AtomicReference<>();
    OkHttpClient racing = oneAtATime().newBuilder()
        .eventListener(new EventListener() {
          @Override
          public void canceled(Call call) {
            ((Callback) pending.get()).onFailure(call, new java.io.IOException("Canceled"));
          }
        })
        .build();
    try (OkHttpTransport racingTransport = new OkHttpTransport(racing, true, 1024)) {
      pending.set(racingTransport.executeAsync(post(), LONG));
      held.awaitArrival();

      assertTrue(pending.get().cancel(true), "cancel(true) reports that it cancelled");
      assertTrue(pending.get().isCancelled());
      CancellationException e = assertThrows(CancellationException.class, () -> pending.get().join());
      NetworkException cause = assertInstanceOf(NetworkException.class, e.getCause());
      assertTrue(cause.requestMayHaveReachedServer(), "the request had reached the server");
    }
  }

  @Test
  void closingUnderAQueuedCallEndsItAsNotSent() throws Exception {
    CompletableFuture<HttpResponse> first = transport.executeAsync(post(), LONG);
    held.awaitArrival();
    CompletableFuture<HttpResponse> queued = transport.executeAsync(post(), LONG);

    transport.close();
    held.release(1);

    assertEquals(201, first.get(10, TimeUnit.SECONDS).statusCode(), "a call in flight finishes");
    Throwable e = failure(queued);
    assertSame(PaymentsException.class, e.getClass(), "a plain PaymentsException: nothing was sent; " + e);
    assertTrue(e.getMessage().contains("the client is closed"), e.getMessage());
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void aClosedTransportFailsTheFutureAndSendsNothing() {
    transport.close();

    Throwable e = failure(transport.executeAsync(post(), LONG));

    assertSame(PaymentsException.class, e.getClass());
    assertEquals(0, server.getRequestCount());
  }
}

package dev.onceonly.internal;

import static dev.onceonly.internal.Fixtures.BASE;
import static dev.onceonly.internal.Fixtures.KEY;
import static dev.onceonly.internal.Fixtures.T0;
import static dev.onceonly.internal.Fixtures.TRANSFER;
import static dev.onceonly.internal.Fixtures.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onceonly.OperationResult;
import dev.onceonly.OutcomeUnknownException;
import dev.onceonly.RequestNotSentException;
import dev.onceonly.RequestOptions;
import dev.onceonly.RetryBudget;
import dev.onceonly.RetryListener;
import dev.onceonly.RetryPolicy;
import dev.onceonly.StopReason;
import dev.onceonly.transfers.Transfer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * What only the asynchronous driver has: its executors, cancellation at each phase of an
 * operation, closing under waiting operations, and a guard on every step. Everything runs on
 * the test thread, step by step ({@link ManualExecutor}, {@link ManualScheduler},
 * {@link PendingTransport}); what the decider made of each end is read from resilience4j's
 * events, which is what a journal decorating the decider would see.
 */
class AsyncRetryEngineTest {

  static final RetryPolicy POLICY = RetryPolicy.builder()
      .maxAttempts(6)
      .initialBackoff(Duration.ofMillis(200))
      .maxBackoff(Duration.ofSeconds(5))
      .maxElapsed(Duration.ofSeconds(60))
      .build();
  static final RequestOptions OWN_KEY = RequestOptions.builder().idempotencyKey(KEY).build();
  static final String IN_PROGRESS = "{\"code\":\"idempotency_request_in_progress\",\"message\":\"busy\"}";

  final FakeClock clock = new FakeClock(T0);
  final ManualScheduler scheduler = new ManualScheduler(clock);
  final ManualExecutor steps = new ManualExecutor();
  final ManualExecutor completions = new ManualExecutor();
  final PendingTransport transport = new PendingTransport();
  /** What each operation ended with, as the decider said (resilience4j's error events). */
  final List<Throwable> ended = new ArrayList<>();
  final RetryEngine engine;
  final AsyncRetryEngine async;
  final DefaultTransferServiceAsync transfers;

  AsyncRetryEngineTest() {
    ClientConfig config = new ClientConfig(BASE, "tok_secret", POLICY, RetryListener.NONE, clock, d -> {
      throw new AssertionError("the asynchronous driver never sleeps");
    }, RetryBudget.unlimited(), null, null);
    engine = new RetryEngine(transport, config, new SplittableRandom(42));
    engine.retry().getEventPublisher()
        .onError(e -> ended.add(e.getLastThrowable()))
        .onIgnoredError(e -> ended.add(e.getLastThrowable()));
    async = new AsyncRetryEngine(engine, transport, scheduler, steps, completions);
    transfers = new DefaultTransferServiceAsync(new DefaultTransferService(engine, BASE), engine, () -> async);
  }

  /** Runs every step and completion that is ready. */
  void run() {
    while (!steps.idle() || !completions.idle()) {
      steps.drain();
      completions.drain();
    }
  }

  <T extends Throwable> T endedWith(Class<T> type) {
    assertEquals(1, ended.size(), ended.toString());
    return assertInstanceOf(type, ended.get(0));
  }

  // ---- threads ------------------------------------------------------------------------------

  @Test
  void nothingRunsOnTheCallersThreadAndTheFutureCompletesOnTheCompletionExecutor() {
    CompletableFuture<OperationResult<Transfer>> created = transfers.createWithResult(params(), OWN_KEY);

    assertEquals(List.of(), transport.requests, "start runs on the steps executor, not in create()");
    steps.drain();
    assertEquals(List.of("POST /transfers"), transport.lines());

    transport.answer(201, TRANSFER);
    steps.drain();
    assertFalse(created.isDone(), "completed on the completion executor only");
    completions.drain();
    assertEquals("74c9129b-d14a-e511-80da-0aa34a9b2388", created.join().value().id());
    assertEquals(0, async.live());
  }

  @Test
  void aWaitIsATaskOnTheSchedulerNotASleepingThread() {
    CompletableFuture<Transfer> created = transfers.create(params(), OWN_KEY);
    run();
    transport.answer(503, "{}", "Retry-After", "2");
    run();

    assertEquals(1, scheduler.pending().size());
    assertEquals(Duration.ofSeconds(2), scheduler.pending().get(0).delay);
    assertFalse(created.isDone());
    assertEquals(1, transport.requests.size(), "nothing sent while it waits");

    scheduler.fire();
    run();
    assertEquals(2, transport.requests.size());
    transport.answer(201, TRANSFER);
    run();
    assertEquals("74c9129b-d14a-e511-80da-0aa34a9b2388", created.join().id());
  }

  @Test
  void eachAttemptIsBoundedByTheTimeLeftToTheDeadline() {
    transfers.create(params(), OWN_KEY);
    run();
    clock.advance(Duration.ofSeconds(45));
    transport.answer(503, "{}");
    run();
    scheduler.fire();
    run();

    assertEquals(POLICY.attemptTimeout(), transport.timeouts.get(0));
    Duration left = Duration.ofSeconds(15).minus(scheduler.waits.get(0).delay);
    assertEquals(left, transport.timeouts.get(1), "min(attemptTimeout, time left)");
  }

  // ---- cancellation at each phase -----------------------------------------------------------

  @Test
  void cancelBeforeAnythingIsSentSendsNothingAndEndsNotSent() {
    CompletableFuture<Transfer> created = transfers.create(params(), OWN_KEY);

    assertTrue(created.cancel(true));
    run();

    assertEquals(List.of(), transport.requests);
    assertTrue(created.isCancelled());
    CancellationException e = assertThrows(CancellationException.class, created::join);
    assertTrue(e.getMessage().contains(KEY), e.getMessage());
    assertEquals(StopReason.CANCELLED, endedWith(RequestNotSentException.class).reason());
  }

  @Test
  void cancelInFlightCancelsTheCallSendsNothingMoreAndEndsUnknown() {
    CompletableFuture<Transfer> created = transfers.create(params(), OWN_KEY);
    run();

    created.cancel(false);
    assertTrue(transport.last().isCancelled(), "the call on the wire is cancelled before cancel returns");
    run();

    assertEquals(1, transport.requests.size());
    OutcomeUnknownException e = endedWith(OutcomeUnknownException.class);
    assertEquals(StopReason.CANCELLED, e.reason());
    assertEquals(KEY, e.idempotencyKey().orElseThrow());
    assertEquals(0, async.live());
    assertFalse(transport.last().complete(PendingTransport.response(201, TRANSFER)), "a late answer goes nowhere");
  }

  @Test
  void cancelInFlightOfACallThatNeverLeftEndsNotSent() {
    transport.cancelledCallsNeverLeft = true;
    CompletableFuture<Transfer> created = transfers.create(params(), OWN_KEY);
    run();

    created.cancel(true);
    run();

    assertEquals(StopReason.CANCELLED, endedWith(RequestNotSentException.class).reason());
  }

  @Test
  void cancelDuringBackoffCancelsTheWaitAndSendsNothingMore() {
    CompletableFuture<Transfer> created = transfers.create(params(), OWN_KEY);
    run();
    transport.answer(503, "{}");
    run();
    ManualScheduler.Wait wait = scheduler.pending().get(0);

    created.cancel(true);
    run();

    assertTrue(wait.isCancelled());
    assertEquals(1, transport.requests.size());
    assertEquals(StopReason.CANCELLED, endedWith(OutcomeUnknownException.class).reason(), "the 503 may have been after the work");
    assertTrue(created.isCancelled());
  }

  @Test
  void cancelDuringAPollCancelsThePollAndSendsNothingMore() {
    CompletableFuture<Transfer> created = transfers.create(params(), OWN_KEY);
    run();
    transport.answer(409, IN_PROGRESS, "Retry-After", "1");
    run();
    scheduler.fire();
    run();
    assertEquals(List.of("POST /transfers", "GET /responses/" + KEY), transport.lines());

    created.cancel(true);
    run();

    assertTrue(transport.last().isCancelled());
    assertEquals(2, transport.requests.size());
    assertEquals(StopReason.CANCELLED, endedWith(OutcomeUnknownException.class).reason());
  }

  @Test
  void anAnswerThatArrivedAsTheCallerCancelledStillSettlesTheOperation() {
    CompletableFuture<Transfer> created = transfers.create(params(), OWN_KEY);
    run();
    transport.answer(201, TRANSFER); // its step is queued, not run

    created.cancel(true);
    run();

    assertTrue(created.isCancelled(), "the caller asked not to hear of it");
    assertEquals(List.of(), ended);
    assertEquals(1, engine.retry().getMetrics().getNumberOfSuccessfulCallsWithoutRetryAttempt(),
        "the operation itself succeeded, and says so to resilience4j (and a journal)");
  }

  @Test
  void anAnswerThatAsksForMoreAfterTheCallerCancelledSendsNothingMore() {
    CompletableFuture<Transfer> created = transfers.create(params(), OWN_KEY);
    run();
    transport.answer(201, ""); // a bodiless 201 asks for a read-back of its Location, but has none

    created.cancel(true);
    run();

    assertEquals(List.of(), scheduler.pending(), "the final lookup it would make is not even waited for");
    assertEquals(1, transport.requests.size());
    assertEquals(1, ended.size());
  }

  @Test
  void completingTheFutureAnyOtherWayStopsTheOperationToo() {
    CompletableFuture<Transfer> created = transfers.create(params(), OWN_KEY);
    run();
    transport.answer(503, "{}");
    run();

    created.completeExceptionally(new TimeoutException("what orTimeout does"));
    run();

    assertEquals(List.of(), scheduler.pending());
    assertEquals(1, transport.requests.size());
    assertEquals(StopReason.CANCELLED, endedWith(OutcomeUnknownException.class).reason());
  }

  @Test
  void cancellingADerivedFutureDoesNotReachTheOperation() {
    CompletableFuture<Transfer> created = transfers.create(params(), OWN_KEY);
    CompletableFuture<String> derived = created.thenApply(Transfer::id);
    run();

    derived.cancel(true);
    run();

    assertFalse(transport.last().isCancelled(), "documented: cancel the future the SDK returned");
    transport.answer(201, TRANSFER);
    run();
    assertEquals("74c9129b-d14a-e511-80da-0aa34a9b2388", created.join().id());
  }

  // ---- closing ------------------------------------------------------------------------------

  @Test
  void closingWakesAWaitingOperationWhichEndsAsClosedWithoutSendingMore() {
    CompletableFuture<Transfer> created = transfers.create(params(), OWN_KEY);
    run();
    transport.answer(503, "{}");
    run();

    engine.close();
    async.close();
    run();

    assertEquals(List.of(), scheduler.pending());
    assertEquals(1, transport.requests.size());
    CompletionException e = assertThrows(CompletionException.class, created::join);
    OutcomeUnknownException unknown = assertInstanceOf(OutcomeUnknownException.class, e.getCause());
    assertEquals(StopReason.CLIENT_CLOSED, unknown.reason());
  }

  @Test
  void afterCloseAnOperationEndsAtOnceAsNotSent() {
    engine.close();
    async.close();

    CompletableFuture<Transfer> created = transfers.create(params(), OWN_KEY);
    run();

    ExecutionException e = assertThrows(ExecutionException.class, () -> created.get(0, TimeUnit.SECONDS));
    assertEquals(StopReason.CLIENT_CLOSED, assertInstanceOf(RequestNotSentException.class, e.getCause()).reason());
    assertEquals(List.of(), transport.requests);
  }

  // ---- guards -------------------------------------------------------------------------------

  @Test
  void aStepThatThrowsCompletesTheFutureRatherThanLeaveItHanging() {
    CompletableFuture<Transfer> created = transfers.create(params(), OWN_KEY);
    run();
    AssertionError bug = new AssertionError("a bug below the engine");

    transport.last().completeExceptionally(bug);
    run();

    CompletionException e = assertThrows(CompletionException.class, created::join);
    assertSame(bug, e.getCause(), "as the blocking driver lets an Error through");
    assertEquals(0, async.live());
  }

  @Test
  void invalidArgumentsThrowAtOnceAsInTheBlockingCall() {
    assertThrows(NullPointerException.class, () -> transfers.create(null, OWN_KEY));
    assertThrows(IllegalArgumentException.class, () -> transfers.get(" "));
    run();
    assertEquals(List.of(), transport.requests);
  }

  @Test
  void blockingAndAsynchronousOperationsOfOneClientShareOneBudget() {
    FakeTransport down = new FakeTransport().then(FakeTransport.answer(503, "{}"));
    RetryBudget half = RetryBudget.builder().ratio(0.5).lookupRatio(0.5).minRetriesPerSecond(0).build();
    ClientConfig config = new ClientConfig(BASE, null, POLICY.newBuilder().initialBackoff(Duration.ofMillis(1))
        .maxBackoff(Duration.ofMillis(1)).build(), RetryListener.NONE, clock, d -> clock.advance(d), half, null, null);
    RetryEngine shared = new RetryEngine(down, config, new SplittableRandom(1));
    DefaultTransferService blocking = new DefaultTransferService(shared, BASE);
    Trampoline here = new Trampoline();
    AsyncRetryEngine driver = new AsyncRetryEngine(shared, down, new TestScheduler(new RecordingSleeper(clock), here),
        here, here);
    DefaultTransferServiceAsync asynchronous = new DefaultTransferServiceAsync(blocking, shared, () -> driver);
    for (int i = 0; i < 10; i++) {
      assertThrows(OutcomeUnknownException.class, () -> blocking.create(params()));
    }

    CompletionException e = assertThrows(CompletionException.class, () -> asynchronous.create(params()).join());

    assertEquals(StopReason.RETRY_BUDGET_EXHAUSTED, ((OutcomeUnknownException) e.getCause()).reason());
  }

  @Test
  void onRealThreadsTheCallersStagesRunOnTheCompletionExecutor() throws Exception {
    ExecutorService transportThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "transport"));
    ExecutorService stepThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "steps"));
    ExecutorService completionThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "completions"));
    try {
      FakeTransport answering = new FakeTransport().then(FakeTransport.answer(201, TRANSFER));
      dev.onceonly.http.HttpTransport offThread = new dev.onceonly.http.HttpTransport() {
        @Override
        public dev.onceonly.http.HttpResponse execute(dev.onceonly.http.HttpRequest request, Duration timeout) {
          throw new AssertionError();
        }

        @Override
        public CompletableFuture<dev.onceonly.http.HttpResponse> executeAsync(dev.onceonly.http.HttpRequest request,
            Duration timeout) {
          return CompletableFuture.supplyAsync(() -> answering.execute(request, timeout), transportThread);
        }

        @Override
        public void close() {}
      };
      ClientConfig config = new ClientConfig(BASE, null, POLICY, RetryListener.NONE, clock, d -> { });
      RetryEngine threaded = new RetryEngine(offThread, config, new SplittableRandom(1));
      AsyncRetryEngine driver = new AsyncRetryEngine(threaded, offThread, scheduler, stepThread, completionThread);
      DefaultTransferServiceAsync service = new DefaultTransferServiceAsync(
          new DefaultTransferService(threaded, BASE), threaded, () -> driver);

      String thread = service.create(params()).thenApply(t -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS);

      assertEquals("completions", thread);
    } finally {
      transportThread.shutdownNow();
      stepThread.shutdownNow();
      completionThread.shutdownNow();
    }
  }
}

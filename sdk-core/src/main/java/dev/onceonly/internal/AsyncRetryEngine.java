package dev.onceonly.internal;

import dev.onceonly.OperationInfo;
import dev.onceonly.RetryPolicy;

import dev.onceonly.NetworkException;
import dev.onceonly.PaymentsException;
import dev.onceonly.StopReason;
import dev.onceonly.http.HttpRequest;
import dev.onceonly.http.HttpResponse;
import dev.onceonly.http.HttpTransport;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The asynchronous driver: it carries out the verdicts of the very same {@link Decider}s as the
 * blocking {@link RetryEngine}, with the same checks in the same order, without holding a thread
 * while an operation waits.
 *
 * <p>Step by step, for one operation (compare {@code RetryEngine.drive} and {@code attempt}):
 * <ol>
 *   <li>{@link Decider#start} runs on the steps executor, never on the caller's thread (a
 *       decider may write to a journal);
 *   <li>a {@link Decider.Step.Send}: the listener and resilience4j hear of the attempt that led
 *       here; if the client is closed the decider is told to {@link Decider#stop stop}; a wait is
 *       a task on the scheduler (no thread sleeps); after it, the client is checked again, then
 *       the caller's cancellation (the asynchronous counterpart of the blocking driver's
 *       interrupt), then {@link Decider#beginAttempt} gives the bound, and the request goes
 *       through {@link HttpTransport#executeAsync};
 *   <li>its answer or failure is handed back to the decider on the steps executor, never on the
 *       transport's threads, with the same mapping as the blocking driver: a plain
 *       {@link PaymentsException} from a closed client is "not sent", anything else that is not a
 *       {@code PaymentsException} from a closed client is a request cut off under way;
 *   <li>a {@link Decider.Step.Done} or {@link Decider.Step.Fail} ends the operation; its future
 *       is completed on the completion executor.
 * </ol>
 * Every step is guarded: whatever a step throws completes the operation's future with it, so no
 * future is left hanging. One operation's steps run one at a time (each is started by the end of
 * the one before), which is what a decider needs; different operations run in parallel.
 *
 * <p>Cancelling an operation's future cancels the request in flight (the transport's future, so
 * OkHttp's {@code Call.cancel()}) or the pending wait, under the operation's lock, so that once
 * {@code cancel} returns no further request can leave. The decider is then told: {@link
 * Decider#stop} with {@link StopReason#CANCELLED} when nothing of the cut request can have left,
 * {@link Decider#abort} otherwise, so that the operation ends (for the listener, resilience4j
 * and a journal) as the truth allows: not sent, or outcome unknown.
 *
 * <p>Thread-safe.
 */
final class AsyncRetryEngine {

  private final RetryEngine engine;
  private final HttpTransport transport;
  private final ScheduledExecutorService scheduler;
  private final Executor steps;
  private final Executor completions;
  private final Set<Operation<?, ?>> live = ConcurrentHashMap.newKeySet();

  /**
   * @param engine the blocking engine whose deciders, budget, ledger, listener and events this
   *     driver shares
   * @param transport the transport the engine sends through (with its authorization)
   * @param scheduler where waits between attempts are scheduled
   * @param steps where the deciders run: never a transport's or the scheduler's thread
   * @param completions where the operations' futures are completed
   */
  AsyncRetryEngine(RetryEngine engine, HttpTransport transport, ScheduledExecutorService scheduler, Executor steps,
      Executor completions) {
    this.engine = engine;
    this.transport = transport;
    this.scheduler = scheduler;
    this.steps = steps;
    this.completions = completions;
  }

  /**
   * Starts one idempotent operation, as {@link RetryEngine#executeIdempotent} runs it.
   *
   * @param onSuccess turns the success into the future's value; runs on the steps executor
   */
  <T, R> CompletableFuture<R> executeIdempotent(HttpRequest post, String key, String operation, RetryPolicy policy,
      @Nullable Instant keyFirstUsedAt, boolean keyFromCaller, @Nullable String reference, AnswerReader<T> reader,
      Function<Decider.Step.Done<T>, R> onSuccess) {
    Instant now = engine.clock().instant();
    Decider<T> decider = engine.idempotentDecider(post, key, operation, policy, keyFirstUsedAt, keyFromCaller,
        reference, reader, now);
    String cancelled = post + " with Idempotency-Key " + key + " was cancelled: if an attempt was under way it may"
        + " have reached the server; to settle it, create again with the same parameters and this key before the key"
        + " expires (or let a journal's resume settle it)";
    return new Operation<>(decider, onSuccess, e -> engine.failed(decider, key, post, operation, reference, e),
        cancelled, operation, post, key).begin(now);
  }

  /** Starts one safe read, as {@link RetryEngine#executeSafe} runs it. */
  <T, R> CompletableFuture<R> executeSafe(HttpRequest get, String operation, RetryPolicy policy, AnswerReader<T> reader,
      Function<Decider.Step.Done<T>, R> onSuccess) {
    Instant now = engine.clock().instant();
    return new Operation<>(engine.readDecider(get, policy, reader, now), onSuccess, e -> { }, get + " was cancelled",
        operation, get, null).begin(now);
  }

  /**
   * The client is closing (the engine is already closed): every operation waiting between
   * attempts stops waiting and, seeing the client closed, ends truthfully. Operations with a
   * request in flight end when it does.
   */
  void close() {
    for (Operation<?, ?> operation : live) {
      operation.wake();
    }
  }

  /** Operations not ended yet (for tests). */
  int live() {
    return live.size();
  }

  /** A future whose {@code cancel} says which operation was cancelled and how to settle it. */
  private static final class OperationFuture<R> extends CompletableFuture<R> {
    private final String cancelledMessage;

    OperationFuture(String cancelledMessage) {
      this.cancelledMessage = cancelledMessage;
    }

    /** Cancels the operation (the argument makes no difference); see {@code TransferServiceAsync}. */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      // A CancellationException of our own, for its message; isCancelled() holds for any
      // CancellationException. The operation stops in the whenComplete registered by Operation,
      // which runs on this thread before completeExceptionally returns.
      boolean cancelled = completeExceptionally(new CancellationException(cancelledMessage));
      return cancelled || isCancelled();
    }
  }

  /** One operation under way: its decider, and what the driver is doing for it. */
  private final class Operation<T, R> {
    private final Decider<T> decider;
    private final Function<Decider.Step.Done<T>, R> onSuccess;
    private final java.util.function.Consumer<PaymentsException> onFailure;
    private final OperationFuture<R> result;
    private final io.github.resilience4j.retry.Retry.AsyncContext<Object> r4j;
    private final String operation;
    private final HttpRequest first;
    private final @Nullable String key;
    private @Nullable OperationInfo op;

    // Guarded by this.
    private boolean cancelled;
    private boolean ended;
    private @Nullable ScheduledFuture<?> wait;
    /** What runs when the wait is over (or cut short); taken by whoever gets there first. */
    private @Nullable Runnable afterWait;
    private @Nullable CompletableFuture<HttpResponse> inFlight;

    Operation(Decider<T> decider, Function<Decider.Step.Done<T>, R> onSuccess,
        java.util.function.Consumer<PaymentsException> onFailure, String cancelledMessage, String operation,
        HttpRequest first, @Nullable String key) {
      this.decider = decider;
      this.onSuccess = onSuccess;
      this.onFailure = onFailure;
      this.result = new OperationFuture<>(cancelledMessage);
      this.r4j = engine.startEvents();
      this.operation = operation;
      this.first = first;
      this.key = key;
    }

    CompletableFuture<R> begin(Instant start) {
      live.add(this);
      // However the future completes (cancel, orTimeout, complete), the operation stops; after
      // its own end this does nothing.
      result.whenComplete((value, error) -> cancel());
      step(() -> {
        op = engine.opening(operation, first, key);
        handle(decider.start(start));
      });
      return result;
    }

    // ---- the steps, each on the steps executor, one at a time -----------------------------

    private void handle(Decider.Step<T> step) {
      if (step instanceof Decider.Step.Done<T> done) {
        Resilience4jEvents.succeeded(r4j);
        engine.closing(op, operation, first, key, done, done.attempts());
        end(onSuccess.apply(done), null);
        return;
      }
      if (step instanceof Decider.Step.Fail<T> fail) {
        if (fail.event() != null) {
          engine.notify(fail.event());
        }
        Resilience4jEvents.failed(r4j, fail.error(), fail.retried());
        engine.closing(op, operation, first, key, fail, decider.attempts());
        onFailure.accept(fail.error());
        end(null, fail.error());
        return;
      }
      Decider.Step.Send<T> send = (Decider.Step.Send<T>) step;
      if (send.event() != null) {
        engine.notify(send.event());
        Resilience4jEvents.retrying(r4j, send.event().cause(), send.waitMillis());
      }
      attempt(send);
    }

    /** Waits, then sends: {@code RetryEngine.attempt}'s checks, in its order. */
    private void attempt(Decider.Step.Send<T> send) {
      if (engine.isClosed()) {
        handle(decider.stop(StopReason.CLIENT_CLOSED, now()));
        return;
      }
      if (send.waitMillis() > 0) {
        synchronized (this) {
          if (!cancelled) {
            afterWait = () -> send(send);
            try {
              wait = scheduler.schedule(this::waited, send.waitMillis(), TimeUnit.MILLISECONDS);
              return;
            } catch (RejectedExecutionException e) {
              afterWait = null; // the scheduler is shut down: the client is closing under us
            }
          }
        }
        handle(decider.stop(isCancelled() ? StopReason.CANCELLED : StopReason.CLIENT_CLOSED, now()));
        return;
      }
      send(send);
    }

    /** The wait is over, or was cut short by a cancel or a close. Any thread. */
    private void waited() {
      Runnable next;
      synchronized (this) {
        next = afterWait;
        afterWait = null;
        wait = null;
      }
      if (next != null) {
        step(next);
      }
    }

    private void send(Decider.Step.Send<T> send) {
      if (engine.isClosed()) {
        handle(decider.stop(StopReason.CLIENT_CLOSED, now()));
        return;
      }
      if (isCancelled()) {
        handle(decider.stop(StopReason.CANCELLED, now()));
        return;
      }
      Duration bound = decider.beginAttempt(now());
      if (bound == null) {
        handle(decider.stop(StopReason.DEADLINE, now()));
        return;
      }
      CompletableFuture<HttpResponse> call;
      synchronized (this) {
        // Under the lock, so that a cancel either comes first (and nothing is sent) or finds
        // this call in flight and cancels it before it returns.
        if (cancelled) {
          call = null;
        } else {
          try {
            call = transport.executeAsync(send.request(), bound);
          } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e); // a transport that threw instead of failing the future
          }
          inFlight = call;
        }
      }
      if (call == null) {
        handle(decider.stop(StopReason.CANCELLED, now()));
        return;
      }
      call.whenComplete((response, failure) -> step(() -> answered(response, failure)));
    }

    /** The request's answer or failure, as {@code RetryEngine.attempt} hands it to the decider. */
    private void answered(@Nullable HttpResponse response, @Nullable Throwable failure) {
      boolean cancelledNow;
      synchronized (this) {
        inFlight = null;
        cancelledNow = cancelled;
      }
      if (failure == null && response != null) {
        // Even if the caller has just cancelled, the answer is the truth about the operation:
        // the decider settles what it can, and a request it asks for next is not sent.
        handle(decider.onResponse(response, now()));
        return;
      }
      Throwable thrown = unwrap(failure);
      if (!(thrown instanceof RuntimeException e)) {
        if (thrown instanceof Error error) {
          throw error; // as the blocking driver lets it through; the step's guard completes the future
        }
        handle(decider.onFailure(new CompletionException(thrown), now()));
        return;
      }
      if (cancelledNow) {
        // Cut off by the caller's cancel.
        NetworkException known = e instanceof NetworkException n ? n
            : e.getCause() instanceof NetworkException n ? n : null;
        if (known != null && !known.requestMayHaveReachedServer()) {
          handle(decider.stop(StopReason.CANCELLED, now())); // it never left
        } else {
          handle(decider.abort(StopReason.CANCELLED, known != null ? known : e, now()));
        }
        return;
      }
      boolean closed = engine.isClosed();
      if (closed && e.getClass() == PaymentsException.class) {
        handle(decider.stop(StopReason.CLIENT_CLOSED, now())); // refused by a closed transport: not sent
      } else if (closed && !(e instanceof PaymentsException)) {
        handle(decider.abort(StopReason.CLIENT_CLOSED, e, now())); // cut off under way
      } else {
        handle(decider.onFailure(e, now()));
      }
    }

    // ---- cancellation and closing: any thread --------------------------------------------

    /** Stops the operation: cancels the request in flight or the wait; nothing further is sent. */
    void cancel() {
      CompletableFuture<HttpResponse> call;
      ScheduledFuture<?> pending;
      synchronized (this) {
        if (ended || cancelled) {
          return;
        }
        cancelled = true;
        call = inFlight;
        pending = wait;
      }
      if (call != null) {
        call.cancel(true); // OkHttp's Call.cancel(); the answer's step then ends the operation
      }
      if (pending != null) {
        pending.cancel(false);
        waited(); // the wait's step now: it sees the cancel and ends the operation
      }
    }

    /** The client is closing: stop waiting; the wait's step then sees the client closed. */
    void wake() {
      ScheduledFuture<?> pending;
      synchronized (this) {
        pending = wait;
      }
      if (pending != null) {
        pending.cancel(false);
        waited();
      }
    }

    private synchronized boolean isCancelled() {
      return cancelled;
    }

    // ---- ending ---------------------------------------------------------------------------

    private void end(@Nullable R value, @Nullable Throwable error) {
      synchronized (this) {
        if (ended) {
          return;
        }
        ended = true;
      }
      live.remove(this);
      deliver(() -> {
        if (error == null) {
          result.complete(value);
        } else {
          result.completeExceptionally(error);
        }
      });
    }

    /** Runs {@code action} on the steps executor; whatever it throws ends the operation with it. */
    private void step(Runnable action) {
      Runnable guarded = () -> {
        try {
          action.run();
        } catch (Throwable t) {
          end(null, t);
        }
      };
      try {
        steps.execute(guarded);
      } catch (RejectedExecutionException e) {
        guarded.run(); // the client's pool is shut down: the client is closing; finish here
      }
    }

    private void deliver(Runnable completion) {
      try {
        completions.execute(completion);
      } catch (RejectedExecutionException e) {
        completion.run(); // the caller's executor refused: complete here rather than never
      }
    }

    private Instant now() {
      return engine.clock().instant();
    }
  }

  /** The exception inside {@code CompletionException}s and {@code ExecutionException}s. */
  static Throwable unwrap(@Nullable Throwable failure) {
    Throwable t = failure == null ? new IllegalStateException("no answer and no failure") : failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}

package dev.onceonly.internal;

import dev.onceonly.AttemptEvent;
import dev.onceonly.DelaySource;
import dev.onceonly.PaymentsException;
import dev.onceonly.ReplayStatus;
import dev.onceonly.StopReason;
import dev.onceonly.http.HttpRequest;
import dev.onceonly.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The decision core of one operation: given what happened, what next. It sends nothing and
 * sleeps never; a driver (the blocking {@link RetryEngine}, or an asynchronous one) carries its
 * verdicts out and reports back what each request came to. All time comes in as arguments, so
 * a decider is tested with plain instants, without sockets or clocks.
 *
 * <p>The protocol between a driver and a decider:
 * <ol>
 *   <li>{@link #start} gives the first step;
 *   <li>for a {@link Step.Send}: the driver waits {@code waitMillis}, then calls
 *       {@link #beginAttempt}; if that gives no time bound, or the driver must stop (closed,
 *       interrupted), it calls {@link #stop} instead of sending;
 *   <li>it sends the request within the bound and hands back the answer
 *       ({@link #onResponse}) or the exception the transport threw ({@link #onFailure});
 *   <li>until a {@link Step.Done} or a {@link Step.Fail}.
 * </ol>
 * One decider serves one operation on one thread at a time; it is not thread-safe.
 *
 * @param <T> what a successful operation returns
 */
interface Decider<T> {

  Step<T> start(Instant now);

  /**
   * The pending request is about to go: counts it, and returns how long it may take as a whole
   * ({@code min(attemptTimeout, time left to the deadline)}), or {@code null} when no time is
   * left (the driver then calls {@link #stop} with {@link StopReason#DEADLINE}).
   */
  @Nullable Duration beginAttempt(Instant now);

  /** The pending request got an answer. */
  Step<T> onResponse(HttpResponse response, Instant now);

  /** Sending the pending request threw {@code failure} (any exception: it is classified here). */
  Step<T> onFailure(RuntimeException failure, Instant now);

  /** The driver cannot go on (closed client, interrupt, no time left); the pending request was not sent. */
  Step<T> stop(StopReason reason, Instant now);

  /**
   * The pending request was under way when the driver had to end it for {@code reason} (the
   * client was closed under it); it may have left. {@code cause} is what the transport threw.
   */
  Step<T> abort(StopReason reason, RuntimeException cause, Instant now);

  /** The requests counted so far. */
  int attempts();

  /** What a decider tells its driver to do next. */
  sealed interface Step<T> {

    /**
     * Wait, then send {@code request}.
     *
     * @param event the attempt that led here, for listeners ({@code null} before the first one)
     */
    record Send<T>(HttpRequest request, long waitMillis, DelaySource source, @Nullable AttemptEvent event)
        implements Step<T> {}

    /**
     * The operation succeeded.
     *
     * @param journalError why its journal entry could not be settled, if it could not
     */
    record Done<T>(T value, HttpResponse response, int attempts, ReplayStatus replay,
        dev.onceonly.@Nullable PaymentsException journalError) implements Step<T> {

      Done(T value, HttpResponse response, int attempts, ReplayStatus replay) {
        this(value, response, attempts, replay, null);
      }
    }

    /**
     * The operation failed; throw {@code error}.
     *
     * @param event the last attempt's event ({@code null} when the failure came before any
     *     attempt, or is the server's answer to the first one)
     * @param retried whether any request was sent again before this end
     */
    record Fail<T>(PaymentsException error, @Nullable AttemptEvent event, boolean retried) implements Step<T> {}
  }
}

package dev.onceonly.internal;

import dev.onceonly.PaymentsException;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;

/**
 * Publishes what the engine decides through a resilience4j {@link Retry}, so that its event
 * publisher and metrics modules see every attempt. The engine decides; resilience4j only
 * reports: it is never asked whether to retry or how long to wait.
 *
 * <p>resilience4j computes a wait inside {@code onError} from its interval function; the engine
 * has already chosen the wait, so it hands it over through a thread-local set just around the
 * call, on the calling thread. Every call into resilience4j is guarded: an event consumer that
 * throws must not change the outcome of a money-moving call.
 *
 * <p>The events: a {@code RETRY} per request that is followed by another (with the wait taken),
 * a {@code SUCCESS} for an operation that succeeded after retries, an {@code ERROR} for one that
 * failed after retries, an {@code IGNORED_ERROR} for one that failed at its first request.
 */
final class Resilience4jEvents {

  /** The wait the engine chose, while a call into resilience4j is under way; absent otherwise. */
  private static final ThreadLocal<Long> DECIDED = new ThreadLocal<>();
  /** Marks the final failure of an operation that was retried: resilience4j's "error" event. */
  private static final long STOP = -1L;

  private final Retry retry;

  Resilience4jEvents(String name, int maxAttempts) {
    this.retry = Retry.of(name, RetryConfig.custom()
        // Larger than any count the engine reaches (polls and the final lookup included), so that
        // resilience4j never decides an operation is exhausted on its own.
        .maxAttempts(Math.max(maxAttempts, 1) + 2)
        .retryOnException(e -> DECIDED.get() != null)
        .intervalBiFunction((attempt, last) -> {
          Long decided = DECIDED.get();
          return decided == null ? STOP : decided;
        })
        .build());
  }

  Retry retry() {
    return retry;
  }

  /** One operation's context, for the methods below. */
  Retry.AsyncContext<Object> start() {
    return retry.asyncContext();
  }

  /** A request of the operation of {@code context} failed and another follows after {@code waitMillis}. */
  static void retrying(Retry.AsyncContext<Object> context, PaymentsException cause, long waitMillis) {
    DECIDED.set(waitMillis);
    try {
      context.onError(cause);
    } catch (RuntimeException | LinkageError | AssertionError e) {
      // an event consumer threw: it must not change the outcome
    } finally {
      DECIDED.remove();
    }
  }

  /** The operation of {@code context} failed with {@code error}. */
  static void failed(Retry.AsyncContext<Object> context, PaymentsException error, boolean retried) {
    if (retried) {
      DECIDED.set(STOP);
    }
    try {
      context.onError(error);
    } catch (RuntimeException | LinkageError | AssertionError e) {
      // as above
    } finally {
      DECIDED.remove();
    }
  }

  /** The operation of {@code context} succeeded. */
  static void succeeded(Retry.AsyncContext<Object> context) {
    try {
      context.onComplete();
    } catch (RuntimeException | LinkageError | AssertionError e) {
      // as above
    }
  }
}

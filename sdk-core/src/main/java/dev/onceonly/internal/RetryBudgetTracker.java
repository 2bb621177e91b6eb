package dev.onceonly.internal;

import dev.onceonly.RetryBudget;
import java.time.Instant;

/**
 * One client's {@link RetryBudget} at work: the operations started and the retries spent over a
 * sliding window, on the engine's clock (the instants the deciders are given), shared by every
 * operation of the client, blocking and asynchronous alike.
 *
 * <p>The window is ten buckets; a bucket older than the window is cleared when its slot comes
 * round again, so the counts cover between nine and ten tenths of the window. A clock stepped
 * backwards distorts the counts for at most one window (buckets "from the future" are left
 * out until they are reused). Thread-safe: a short lock around a few array reads, taken once per
 * operation started and once per retry.
 */
final class RetryBudgetTracker {

  /** What a request draws on. */
  enum Draw {
    /** A re-sent {@code POST} or a retried read: up to {@link RetryBudget#ratio()}. */
    RETRY,
    /** A read that settles an outcome: up to {@link RetryBudget#lookupRatio()}. */
    LOOKUP
  }

  private static final int BUCKETS = 10;

  /** A tracker that allows everything and counts nothing. */
  static final RetryBudgetTracker UNLIMITED = new RetryBudgetTracker(RetryBudget.unlimited());

  private final RetryBudget budget;
  private final boolean unlimited;
  private final long bucketMillis;
  private final double reserve;
  private final long[] epochs = new long[BUCKETS];
  private final long[] started = new long[BUCKETS];
  private final long[] spent = new long[BUCKETS];

  RetryBudgetTracker(RetryBudget budget) {
    this.budget = budget;
    this.unlimited = budget.isUnlimited();
    this.bucketMillis = Math.max(1, budget.window().toMillis() / BUCKETS);
    this.reserve = (double) budget.minRetriesPerSecond() * budget.window().toMillis() / 1000.0;
    java.util.Arrays.fill(epochs, Long.MIN_VALUE);
  }

  RetryBudget budget() {
    return budget;
  }

  /** An operation sent its first request at {@code now}: it earns its share of retries. */
  void started(Instant now) {
    if (unlimited) {
      return;
    }
    synchronized (this) {
      started[slot(now.toEpochMilli())]++;
    }
  }

  /**
   * Whether one more request of kind {@code draw} may go at {@code now}; if so, it is counted as
   * spent.
   */
  boolean tryRetry(Draw draw, Instant now) {
    if (unlimited) {
      return true;
    }
    double ratio = draw == Draw.LOOKUP ? budget.lookupRatio() : budget.ratio();
    synchronized (this) {
      long millis = now.toEpochMilli();
      int slot = slot(millis);
      long current = epochs[slot];
      long startedSum = 0;
      long spentSum = 0;
      for (int i = 0; i < BUCKETS; i++) {
        if (epochs[i] > current - BUCKETS && epochs[i] <= current) {
          startedSum += started[i];
          spentSum += spent[i];
        }
      }
      if (spentSum + 1 > ratio * startedSum + reserve) {
        return false;
      }
      spent[slot]++;
      return true;
    }
  }

  /** The bucket of {@code millis}, cleared first if it held an older epoch. Called under the lock. */
  private int slot(long millis) {
    long epoch = Math.floorDiv(millis, bucketMillis);
    int slot = (int) Math.floorMod(epoch, (long) BUCKETS);
    if (epochs[slot] != epoch) {
      epochs[slot] = epoch;
      started[slot] = 0;
      spent[slot] = 0;
    }
    return slot;
  }

  @Override
  public String toString() {
    return "RetryBudgetTracker{" + budget + '}';
  }
}

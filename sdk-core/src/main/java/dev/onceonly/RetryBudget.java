package dev.onceonly;

import java.time.Duration;
import java.util.Objects;

/**
 * How many retries one client may make across all its operations, in proportion to the
 * operations it starts: the bound that keeps an outage from turning into a retry storm that
 * keeps the server down. Immutable and thread-safe.
 *
 * <p>The shape is Finagle's retry budget (Envoy's and gRPC's retry throttling are alike): over a
 * sliding {@linkplain Builder#window window}, every operation the client starts (its first
 * request) earns {@link #ratio()} of a retry, and the client may also spend
 * {@link #minRetriesPerSecond()} × the window's seconds whatever its traffic, so that a quiet
 * client can still retry. {@link RetryPolicy} bounds one operation; the budget bounds them all
 * together: when the server fails most requests, every operation's retries draw on the same
 * allowance, and once it is spent the client stops retrying until successes of new operations
 * earn it back.
 *
 * <p>What draws on it: every request of an operation after its first, except the immediate
 * {@code GET} of a {@code Location} after a bodiless {@code 201} (a follow-up: the resource
 * exists). Re-sent {@code POST}s and retried reads may spend up to {@link #ratio()} × the
 * operations started; lookups, the reads that settle an outcome ({@code GET /responses/{key}},
 * the final lookup before an operation ends as unknown, a retried read of a {@code Location}),
 * may spend further, up to {@link #lookupRatio()} × the operations started: with retries spent,
 * a lookup can still turn an unknown outcome into a known one.
 *
 * <p>A request the budget refuses ends its operation truthfully: a create ends with
 * {@link OutcomeUnknownException} if an attempt may have reached the server, else with
 * {@link RequestNotSentException}, either with {@link StopReason#RETRY_BUDGET_EXHAUSTED} as its
 * {@code reason()} and the reason in its message; a read ends with a {@link PaymentsException}
 * saying so, its last failure as the cause.
 *
 * <p>{@link #defaults()}: a ratio of 1.0, lookups up to 1.5, 10 retries a second besides, over a
 * 10 s window. Why: during a total outage a client then sends at most 2.5 requests per operation
 * it starts (plus the floor), against up to {@code maxAttempts} (6 by default) without a budget,
 * and about 2.1 in the SDK's own outage test; while a server that fails fewer than half of the
 * requests never meets the budget. The SDK's exactly-once demonstration (35% of attempts fail)
 * spends 0.51 retries per create, 0.76 against a MangoPay-style server, which answers every
 * retry with a {@code 409} and a lookup; with a ratio of 0.5 that run had 64 of 2,000 creates
 * refused, and with Finagle's 0.2 from 162 to 559. Finagle's ratio is sized for fan-out RPC,
 * where a failed call is cheap to report; here a refused retry can leave a payment's outcome
 * unknown for its caller to settle, so the default refuses only when the server fails more
 * than it answers.
 */
public final class RetryBudget {

  /** The longest window: a budget is about the last seconds of traffic, not the last hour. */
  public static final Duration MAX_WINDOW = Duration.ofMinutes(1);
  /** The largest ratio accepted; beyond it, use {@link #unlimited()}. */
  public static final double MAX_RATIO = 1000.0;

  private static final RetryBudget DEFAULTS = builder().build();
  private static final RetryBudget UNLIMITED = new RetryBudget(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY,
      Integer.MAX_VALUE, Duration.ofSeconds(10));

  private final double ratio;
  private final double lookupRatio;
  private final int minRetriesPerSecond;
  private final Duration window;

  private RetryBudget(double ratio, double lookupRatio, int minRetriesPerSecond, Duration window) {
    this.ratio = ratio;
    this.lookupRatio = lookupRatio;
    this.minRetriesPerSecond = minRetriesPerSecond;
    this.window = window;
  }

  /** A ratio of 1.0, lookups up to 1.5, 10 retries a second besides, over a 10 s window. */
  public static RetryBudget defaults() {
    return DEFAULTS;
  }

  /**
   * No budget: each operation retries as its {@link RetryPolicy} allows, whatever the others do.
   * For tests, and for clients whose server sheds load by itself ({@code 429} with
   * {@code Retry-After}).
   */
  public static RetryBudget unlimited() {
    return UNLIMITED;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder initialised with this budget's values ({@link #unlimited()}'s are not buildable). */
  public Builder newBuilder() {
    if (isUnlimited()) {
      return new Builder();
    }
    return new Builder().ratio(ratio).lookupRatio(lookupRatio).minRetriesPerSecond(minRetriesPerSecond).window(window);
  }

  /** Retries (re-sent {@code POST}s, retried reads) earned by each operation started. */
  public double ratio() {
    return ratio;
  }

  /** How far lookups may spend, per operation started: at least {@link #ratio()}. */
  public double lookupRatio() {
    return lookupRatio;
  }

  /** Retries a second allowed whatever the traffic (the floor). */
  public int minRetriesPerSecond() {
    return minRetriesPerSecond;
  }

  /** The sliding window over which operations and retries are counted. */
  public Duration window() {
    return window;
  }

  /** Whether this is {@link #unlimited()}. */
  public boolean isUnlimited() {
    return this == UNLIMITED;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RetryBudget b
        && Double.compare(ratio, b.ratio) == 0
        && Double.compare(lookupRatio, b.lookupRatio) == 0
        && minRetriesPerSecond == b.minRetriesPerSecond
        && window.equals(b.window);
  }

  @Override
  public int hashCode() {
    return Objects.hash(ratio, lookupRatio, minRetriesPerSecond, window);
  }

  @Override
  public String toString() {
    if (isUnlimited()) {
      return "RetryBudget{unlimited}";
    }
    return "RetryBudget{ratio=" + ratio + ", lookupRatio=" + lookupRatio + ", minRetriesPerSecond="
        + minRetriesPerSecond + ", window=" + window + '}';
  }

  /** Builds a {@link RetryBudget}; each setter validates its argument at once. */
  public static final class Builder {
    private double ratio = 1.0;
    private double lookupRatio = 1.5;
    private int minRetriesPerSecond = 10;
    private Duration window = Duration.ofSeconds(10);

    private Builder() {}

    /**
     * Retries each operation started earns: 0.2 lets retries add at most a fifth to the
     * client's requests. From 0 to {@link #MAX_RATIO}; default 1.0.
     *
     * @throws IllegalArgumentException naming {@code ratio} if out of range or not a number
     */
    public Builder ratio(double ratio) {
      this.ratio = checkRatio(ratio, "ratio");
      return this;
    }

    /**
     * How far lookups (reads that settle an outcome) may spend, per operation started; at least
     * {@link #ratio(double)} (checked in {@link #build()}). From 0 to {@link #MAX_RATIO}; default 1.5.
     *
     * @throws IllegalArgumentException naming {@code lookupRatio} if out of range or not a number
     */
    public Builder lookupRatio(double lookupRatio) {
      this.lookupRatio = checkRatio(lookupRatio, "lookupRatio");
      return this;
    }

    /**
     * Retries a second the client may make whatever its traffic; zero or more. Default 10.
     *
     * @throws IllegalArgumentException naming {@code minRetriesPerSecond} if negative
     */
    public Builder minRetriesPerSecond(int minRetriesPerSecond) {
      if (minRetriesPerSecond < 0) {
        throw new IllegalArgumentException("minRetriesPerSecond must be >= 0, was: " + minRetriesPerSecond);
      }
      this.minRetriesPerSecond = minRetriesPerSecond;
      return this;
    }

    /**
     * The sliding window over which operations and retries are counted: from 1 s to
     * {@link #MAX_WINDOW}, in whole milliseconds. Default 10 s.
     *
     * @throws IllegalArgumentException naming {@code window} if out of range
     */
    public Builder window(Duration window) {
      Objects.requireNonNull(window, "window");
      if (window.compareTo(Duration.ofSeconds(1)) < 0 || window.compareTo(MAX_WINDOW) > 0) {
        throw new IllegalArgumentException("window must be from 1 s to " + MAX_WINDOW.toSeconds() + " s, was: " + window);
      }
      if (window.toNanos() % 1_000_000 != 0) {
        throw new IllegalArgumentException("window must be a whole number of milliseconds, was: " + window);
      }
      this.window = window;
      return this;
    }

    /** @throws IllegalArgumentException if {@code lookupRatio < ratio} */
    public RetryBudget build() {
      if (lookupRatio < ratio) {
        throw new IllegalArgumentException(
            "lookupRatio (" + lookupRatio + ") must not be less than ratio (" + ratio + ")");
      }
      return new RetryBudget(ratio, lookupRatio, minRetriesPerSecond, window);
    }

    private static double checkRatio(double value, String name) {
      if (!(value >= 0.0 && value <= MAX_RATIO)) {
        throw new IllegalArgumentException(name + " must be from 0 to " + MAX_RATIO + ", was: " + value);
      }
      return value;
    }
  }
}

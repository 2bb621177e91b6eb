package dev.onceonly;

import java.time.Duration;
import java.util.Objects;

/**
 * How hard the client tries before it gives up on one operation. Immutable and thread-safe.
 *
 * <p>Every request of an operation counts as one attempt, polls of {@code GET /responses/{key}}
 * included. Between attempts the client waits an exponentially growing, randomly jittered
 * backoff: before retry {@code n} (1-based) it waits a uniformly random time between
 * {@code initialBackoff} and {@code min(maxBackoff, initialBackoff × 2^n)}. A server's
 * {@code Retry-After} replaces the backoff but is capped at {@code maxBackoff}. All waiting and
 * all attempts share one deadline, {@code maxElapsed} from the start of the operation: when the
 * next wait would cross it, the client stops at once rather than sleep in vain. The deadline
 * holds inside attempts too: each request, as a whole (connect, write, waiting for and reading
 * the answer), is cut at {@code min(attemptTimeout, time left to the deadline)}, so a server
 * that trickles its answer cannot hold a caller past {@code maxElapsed}.
 *
 * <p>No two requests of one operation are closer than {@code initialBackoff} (the floor), even
 * when a server asks for {@code Retry-After: 0}; the one exception is the immediate read of
 * {@code GET /responses/{key}} after the server says the operation is already done.
 *
 * <p>{@link #defaults()}: 6 attempts, 200 ms initial backoff, 5 s maximum backoff, 60 s for the
 * whole operation, 30 s per attempt, a 24 h key window with a 5 min safety margin. Every
 * duration is at most {@link #MAX_DURATION} (365 days), so that no deadline arithmetic can
 * overflow.
 */
public final class RetryPolicy {

  /** The longest duration any setting takes: 365 days. */
  public static final Duration MAX_DURATION = Duration.ofDays(365);

  private static final RetryPolicy DEFAULTS = builder().build();
  private static final RetryPolicy NONE = builder().maxAttempts(1).build();

  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Duration maxElapsed;
  private final Duration attemptTimeout;
  private final Duration keyWindow;
  private final Duration keyExpiryMargin;

  private RetryPolicy(Builder builder) {
    this.maxAttempts = builder.maxAttempts;
    this.initialBackoff = builder.initialBackoff;
    this.maxBackoff = builder.maxBackoff;
    this.maxElapsed = builder.maxElapsed;
    this.attemptTimeout = builder.attemptTimeout;
    this.keyWindow = builder.keyWindow;
    this.keyExpiryMargin = builder.keyExpiryMargin;
  }

  /** 6 attempts, backoff from 200 ms to 5 s, 60 s for the whole operation, 30 s per attempt, a 24 h key window. */
  public static RetryPolicy defaults() {
    return DEFAULTS;
  }

  /**
   * One attempt and no retries: exactly one request per operation. If its outcome is unknown
   * the client throws {@link OutcomeUnknownException} at once, with the key to resume with.
   */
  public static RetryPolicy none() {
    return NONE;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder initialised with this policy's values. */
  public Builder newBuilder() {
    return new Builder(this);
  }

  public int maxAttempts() {
    return maxAttempts;
  }

  public Duration initialBackoff() {
    return initialBackoff;
  }

  public Duration maxBackoff() {
    return maxBackoff;
  }

  public Duration maxElapsed() {
    return maxElapsed;
  }

  /**
   * The most one request may take as a whole: connect, write, waiting for the answer and reading
   * it. Each attempt is also cut at the operation's deadline.
   */
  public Duration attemptTimeout() {
    return attemptTimeout;
  }

  /** How long the server remembers a key after its first use: 24 h unless the API says otherwise. */
  public Duration keyWindow() {
    return keyWindow;
  }

  /** The engine stops sending a key this long before its window closes, for clock skew. */
  public Duration keyExpiryMargin() {
    return keyExpiryMargin;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RetryPolicy p
        && maxAttempts == p.maxAttempts
        && initialBackoff.equals(p.initialBackoff)
        && maxBackoff.equals(p.maxBackoff)
        && maxElapsed.equals(p.maxElapsed)
        && attemptTimeout.equals(p.attemptTimeout)
        && keyWindow.equals(p.keyWindow)
        && keyExpiryMargin.equals(p.keyExpiryMargin);
  }

  @Override
  public int hashCode() {
    return Objects.hash(maxAttempts, initialBackoff, maxBackoff, maxElapsed, attemptTimeout, keyWindow, keyExpiryMargin);
  }

  @Override
  public String toString() {
    return "RetryPolicy{maxAttempts=" + maxAttempts
        + ", initialBackoff=" + initialBackoff
        + ", maxBackoff=" + maxBackoff
        + ", maxElapsed=" + maxElapsed
        + ", attemptTimeout=" + attemptTimeout
        + ", keyWindow=" + keyWindow
        + ", keyExpiryMargin=" + keyExpiryMargin + '}';
  }

  /** Builds a {@link RetryPolicy}; each setter validates its argument at once. */
  public static final class Builder {
    private int maxAttempts = 6;
    private Duration initialBackoff = Duration.ofMillis(200);
    private Duration maxBackoff = Duration.ofSeconds(5);
    private Duration maxElapsed = Duration.ofSeconds(60);
    private Duration attemptTimeout = Duration.ofSeconds(30);
    private Duration keyWindow = Duration.ofHours(24);
    private Duration keyExpiryMargin = Duration.ofMinutes(5);

    private Builder() {}

    private Builder(RetryPolicy policy) {
      this.maxAttempts = policy.maxAttempts;
      this.initialBackoff = policy.initialBackoff;
      this.maxBackoff = policy.maxBackoff;
      this.maxElapsed = policy.maxElapsed;
      this.attemptTimeout = policy.attemptTimeout;
      this.keyWindow = policy.keyWindow;
      this.keyExpiryMargin = policy.keyExpiryMargin;
    }

    /** Requests per operation, the first one and polls included; at least 1. */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be >= 1, was: " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** The shortest wait before a retry; zero or more. */
    public Builder initialBackoff(Duration initialBackoff) {
      this.initialBackoff = nonNegative(initialBackoff, "initialBackoff");
      return this;
    }

    /** The longest wait before a retry; also caps a server's {@code Retry-After}. */
    public Builder maxBackoff(Duration maxBackoff) {
      this.maxBackoff = nonNegative(maxBackoff, "maxBackoff");
      return this;
    }

    /** The deadline for the whole operation, every attempt and wait included; more than zero. */
    public Builder maxElapsed(Duration maxElapsed) {
      this.maxElapsed = positive(maxElapsed, "maxElapsed");
      return this;
    }

    /**
     * The most one request may take as a whole (connect, write, waiting, reading); more than
     * zero. Default 30 s. Each attempt is also cut at the operation's deadline, whichever comes
     * first.
     */
    public Builder attemptTimeout(Duration attemptTimeout) {
      this.attemptTimeout = positive(attemptTimeout, "attemptTimeout");
      return this;
    }

    /** How long the server remembers a key after its first use; more than zero. */
    public Builder keyWindow(Duration keyWindow) {
      this.keyWindow = positive(keyWindow, "keyWindow");
      return this;
    }

    /** How long before the key window closes the engine stops sending the key; zero or more. */
    public Builder keyExpiryMargin(Duration keyExpiryMargin) {
      this.keyExpiryMargin = nonNegative(keyExpiryMargin, "keyExpiryMargin");
      return this;
    }

    /**
     * @throws IllegalArgumentException if {@code initialBackoff > maxBackoff} or the margin is
     *     not shorter than the key window
     */
    public RetryPolicy build() {
      if (initialBackoff.compareTo(maxBackoff) > 0) {
        throw new IllegalArgumentException(
            "initialBackoff (" + initialBackoff + ") must not exceed maxBackoff (" + maxBackoff + ")");
      }
      if (keyExpiryMargin.compareTo(keyWindow) >= 0) {
        throw new IllegalArgumentException(
            "keyExpiryMargin (" + keyExpiryMargin + ") must be shorter than keyWindow (" + keyWindow + ")");
      }
      return new RetryPolicy(this);
    }

    private static Duration nonNegative(Duration value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isNegative()) {
        throw new IllegalArgumentException(name + " must not be negative, was: " + value);
      }
      if (value.compareTo(MAX_DURATION) > 0) {
        throw new IllegalArgumentException(name + " must be at most " + MAX_DURATION.toDays() + " days, was: " + value);
      }
      return value;
    }

    private static Duration positive(Duration value, String name) {
      nonNegative(value, name);
      if (value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was: " + value);
      }
      return value;
    }
  }
}

package dev.onceonly.testkit;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Which faults the sandbox injects into {@code POST /transfers}, and how slowly it works.
 *
 * <p>For each {@code POST /transfers} that passes authentication and the key check, the sandbox
 * draws one number from its seeded random source and picks at most one fault: a
 * {@linkplain FaultKind#SERVER_ERROR server error} with probability {@link #serverErrorRate()},
 * a {@linkplain FaultKind#DROP drop} with {@link #dropRate()}, and so on; the rates add up to at
 * most 1. A replayed or conflicting answer can be faulted too, as a network would. Reads
 * ({@code GET /transfers/{id}}, {@code GET /responses/{key}}) are never faulted.
 *
 * <p>{@link #processingTime()} is not random: every {@code POST} that does new work takes that
 * long while its key is marked in progress, so that a concurrent or retried request with the
 * same key meets a {@code 409}.
 *
 * <p>Immutable and thread-safe.
 */
public final class Faults {

  private static final Faults NONE = new Builder().build();

  private final double serverErrorRate;
  private final double dropRate;
  private final double resetRate;
  private final double stallRate;
  private final int serverErrorStatus;
  private final @Nullable Duration retryAfter;
  private final Duration stallTime;
  private final Duration processingTime;

  private Faults(Builder builder) {
    this.serverErrorRate = builder.serverErrorRate;
    this.dropRate = builder.dropRate;
    this.resetRate = builder.resetRate;
    this.stallRate = builder.stallRate;
    this.serverErrorStatus = builder.serverErrorStatus;
    this.retryAfter = builder.retryAfter;
    this.stallTime = builder.stallTime;
    this.processingTime = builder.processingTime;
  }

  /** No faults and no processing time: the sandbox answers at once and always. */
  public static Faults none() {
    return NONE;
  }

  /** A builder that starts from {@link #none()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder that starts from these faults. */
  public Builder newBuilder() {
    return new Builder(this);
  }

  /** The probability of a {@code 5xx} before the work; 0 by default. */
  public double serverErrorRate() {
    return serverErrorRate;
  }

  /** The probability that the connection is closed after the work, without an answer. */
  public double dropRate() {
    return dropRate;
  }

  /** The probability that the connection is reset after the work, without an answer. */
  public double resetRate() {
    return resetRate;
  }

  /** The probability that the answer is held for {@link #stallTime()}, then dropped. */
  public double stallRate() {
    return stallRate;
  }

  /** The probability of {@code kind}. */
  public double rate(FaultKind kind) {
    return switch (kind) {
      case SERVER_ERROR -> serverErrorRate;
      case DROP -> dropRate;
      case RESET -> resetRate;
      case STALL -> stallRate;
    };
  }

  /** The status of an injected server error; {@code 503} by default. */
  public int serverErrorStatus() {
    return serverErrorStatus;
  }

  /** The {@code Retry-After} sent with an injected server error; none by default. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /** How long a stalled answer is held before the connection is closed; 15 s by default. */
  public Duration stallTime() {
    return stallTime;
  }

  /** How long new work takes while its key is in progress; zero by default. */
  public Duration processingTime() {
    return processingTime;
  }

  boolean any() {
    return serverErrorRate + dropRate + resetRate + stallRate > 0;
  }

  @Override
  public String toString() {
    return "Faults{serverError=" + serverErrorRate + " (" + serverErrorStatus
        + (retryAfter == null ? "" : ", Retry-After " + retryAfter.toSeconds() + " s")
        + "), drop=" + dropRate + ", reset=" + resetRate + ", stall=" + stallRate
        + " (" + stallTime.toMillis() + " ms), processing=" + processingTime.toMillis() + " ms}";
  }

  /** Builds {@link Faults}; each setter checks its argument at once. */
  public static final class Builder {
    private double serverErrorRate;
    private double dropRate;
    private double resetRate;
    private double stallRate;
    private int serverErrorStatus = 503;
    private @Nullable Duration retryAfter;
    private Duration stallTime = Duration.ofSeconds(15);
    private Duration processingTime = Duration.ZERO;

    private Builder() {}

    private Builder(Faults faults) {
      this.serverErrorRate = faults.serverErrorRate;
      this.dropRate = faults.dropRate;
      this.resetRate = faults.resetRate;
      this.stallRate = faults.stallRate;
      this.serverErrorStatus = faults.serverErrorStatus;
      this.retryAfter = faults.retryAfter;
      this.stallTime = faults.stallTime;
      this.processingTime = faults.processingTime;
    }

    /** The probability, from 0 to 1, of a {@code 5xx} before the work. */
    public Builder serverErrorRate(double rate) {
      this.serverErrorRate = checkRate(rate, "serverErrorRate");
      return this;
    }

    /** The probability, from 0 to 1, of closing the connection after the work. */
    public Builder dropRate(double rate) {
      this.dropRate = checkRate(rate, "dropRate");
      return this;
    }

    /** The probability, from 0 to 1, of resetting the connection after the work. */
    public Builder resetRate(double rate) {
      this.resetRate = checkRate(rate, "resetRate");
      return this;
    }

    /** The probability, from 0 to 1, of holding the answer for the stall time, then dropping it. */
    public Builder stallRate(double rate) {
      this.stallRate = checkRate(rate, "stallRate");
      return this;
    }

    /** The status of an injected server error, from 500 to 599. */
    public Builder serverErrorStatus(int status) {
      if (status < 500 || status > 599) {
        throw new IllegalArgumentException("serverErrorStatus must be from 500 to 599, was: " + status);
      }
      this.serverErrorStatus = status;
      return this;
    }

    /**
     * The {@code Retry-After} sent with an injected server error, rounded up to whole seconds;
     * {@code null} sends none.
     */
    public Builder retryAfter(@Nullable Duration retryAfter) {
      if (retryAfter != null && retryAfter.isNegative()) {
        throw new IllegalArgumentException("retryAfter must not be negative, was: " + retryAfter);
      }
      this.retryAfter = retryAfter;
      return this;
    }

    /** How long a stalled answer is held; make it longer than the client's read timeout. */
    public Builder stallTime(Duration stallTime) {
      this.stallTime = checkNotNegative(stallTime, "stallTime");
      return this;
    }

    /** How long new work takes while its key is marked in progress. */
    public Builder processingTime(Duration processingTime) {
      this.processingTime = checkNotNegative(processingTime, "processingTime");
      return this;
    }

    /**
     * Returns the faults.
     *
     * @throws IllegalArgumentException if the rates add up to more than 1
     */
    public Faults build() {
      double sum = serverErrorRate + dropRate + resetRate + stallRate;
      if (sum > 1.0 + 1e-9) {
        throw new IllegalArgumentException("the fault rates must add up to at most 1, was: " + sum);
      }
      return new Faults(this);
    }

    private static double checkRate(double rate, String name) {
      if (!(rate >= 0.0 && rate <= 1.0)) {
        throw new IllegalArgumentException(name + " must be from 0 to 1, was: " + rate);
      }
      return rate;
    }

    private static Duration checkNotNegative(Duration duration, String name) {
      Objects.requireNonNull(duration, name);
      if (duration.isNegative()) {
        throw new IllegalArgumentException(name + " must not be negative, was: " + duration);
      }
      return duration;
    }
  }
}

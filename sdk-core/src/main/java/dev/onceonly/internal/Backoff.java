package dev.onceonly.internal;

import dev.onceonly.RetryPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The waits between attempts: exponential backoff with jitter, and {@code Retry-After} read and
 * capped. Thread-safe if its random generator is (the default, {@code ThreadLocalRandom}, is
 * used from the calling thread only).
 */
final class Backoff {

  /** Longer than any {@code maxBackoff}: what an absurdly large {@code Retry-After} reads as, before the cap. */
  private static final Duration ABSURD = RetryPolicy.MAX_DURATION.plusDays(1);

  private final long initialMillis;
  private final long maxMillis;
  private final Duration max;
  private final RandomGenerator random;

  Backoff(RetryPolicy policy, RandomGenerator random) {
    this.initialMillis = policy.initialBackoff().toMillis();
    this.maxMillis = policy.maxBackoff().toMillis();
    this.max = policy.maxBackoff();
    this.random = random;
  }

  /** The floor: no two requests of one operation are closer than this (but for the one immediate read). */
  long floorMillis() {
    return initialMillis;
  }

  /**
   * The wait before retry {@code retry} (1-based): uniform between {@code initialBackoff} and
   * {@code min(maxBackoff, initialBackoff × 2^retry)}. The floor keeps polls from hammering a
   * server that is still working; the jitter keeps many clients from retrying in step.
   */
  long backoffMillis(int retry) {
    int shift = Math.max(0, Math.min(retry, 30));
    long ceiling = initialMillis > (maxMillis >> shift) ? maxMillis : Math.min(maxMillis, initialMillis << shift);
    if (ceiling <= initialMillis) {
      return initialMillis;
    }
    return initialMillis + random.nextLong(ceiling - initialMillis + 1);
  }

  /**
   * A server's {@code Retry-After}, capped at {@code maxBackoff} and raised to the floor
   * ({@code initialBackoff}): a {@code Retry-After: 0} must not turn polling into a hot loop.
   * Compared as durations, so that no value can overflow.
   */
  long retryAfterMillis(Duration retryAfter) {
    if (retryAfter.compareTo(max) >= 0) {
      return maxMillis;
    }
    return Math.max(initialMillis, Math.max(0, retryAfter.toMillis()));
  }

  /**
   * Parses {@code Retry-After}: delay-seconds, or an HTTP-date measured against {@code clock}.
   * A value that is neither is ignored (the backoff applies), as RFC 9110 allows.
   */
  static Optional<Duration> parseRetryAfter(@Nullable String value, Clock clock) {
    if (value == null) {
      return Optional.empty();
    }
    String v = value.strip();
    if (v.isEmpty()) {
      return Optional.empty();
    }
    if (v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      // More than ten digits is more than 300 years: read it as "absurdly long", capped later,
      // rather than parse a number that overflows a long or a Duration's millis.
      String digits = v.replaceFirst("^0+(?=.)", "");
      return Optional.of(digits.length() > 10 ? ABSURD : Duration.ofSeconds(Long.parseLong(digits)));
    }
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration until = Duration.between(clock.instant(), at);
      return Optional.of(until.isNegative() ? Duration.ZERO : until.compareTo(ABSURD) > 0 ? ABSURD : until);
    } catch (DateTimeParseException | ArithmeticException e) {
      return Optional.empty();
    }
  }
}

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

  private final long initialMillis;
  private final long maxMillis;
  private final RandomGenerator random;

  Backoff(RetryPolicy policy, RandomGenerator random) {
    this.initialMillis = policy.initialBackoff().toMillis();
    this.maxMillis = policy.maxBackoff().toMillis();
    this.random = random;
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

  /** A server's {@code Retry-After}, capped at {@code maxBackoff}. */
  long cappedMillis(Duration retryAfter) {
    return Math.min(Math.max(0, retryAfter.toMillis()), maxMillis);
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
    if (v.chars().allMatch(Character::isDigit)) {
      try {
        return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
      } catch (NumberFormatException | ArithmeticException e) {
        return Optional.of(Duration.ofSeconds(Long.MAX_VALUE / 1000)); // absurdly large: capped later
      }
    }
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration until = Duration.between(clock.instant(), at);
      return Optional.of(until.isNegative() ? Duration.ZERO : until);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}

package dev.onceonly.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onceonly.RetryPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BackoffTest {

  final RetryPolicy policy = RetryPolicy.builder()
      .initialBackoff(Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(5)).build();
  final Backoff backoff = new Backoff(policy, new SplittableRandom(7));

  @Test
  void jitterStaysBetweenTheInitialBackoffAndTheExponentialCeiling() {
    long[] ceilings = {400, 800, 1600, 3200, 5000, 5000, 5000};
    for (int retry = 1; retry <= ceilings.length; retry++) {
      long min = Long.MAX_VALUE;
      long max = Long.MIN_VALUE;
      for (int i = 0; i < 5_000; i++) {
        long d = backoff.backoffMillis(retry);
        min = Math.min(min, d);
        max = Math.max(max, d);
      }
      long ceiling = ceilings[retry - 1];
      assertTrue(min >= 200 && max <= ceiling, "retry " + retry + ": [" + min + ", " + max + "]");
      // Full jitter: the samples really spread over the range rather than sit at one end.
      long span = ceiling - 200;
      assertTrue(min - 200 < span / 20 && ceiling - max < span / 20, "retry " + retry + " spread: [" + min + ", " + max + "]");
    }
  }

  @Test
  void hugeRetryNumbersDoNotOverflow() {
    for (int retry : new int[] {31, 63, 64, 1000, Integer.MAX_VALUE}) {
      long d = backoff.backoffMillis(retry);
      assertTrue(d >= 200 && d <= 5000, retry + " -> " + d);
    }
  }

  @Test
  void equalInitialAndMaxBackoffMeansNoJitter() {
    Backoff fixed = new Backoff(RetryPolicy.builder()
        .initialBackoff(Duration.ofSeconds(1)).maxBackoff(Duration.ofSeconds(1)).build(), new SplittableRandom(1));
    assertEquals(1000, fixed.backoffMillis(1));
    assertEquals(1000, fixed.backoffMillis(5));
  }

  @Test
  void retryAfterIsCappedAtMaxBackoffAndNeverUnderTheFloor() {
    assertEquals(3000, backoff.retryAfterMillis(Duration.ofSeconds(3)));
    assertEquals(5000, backoff.retryAfterMillis(Duration.ofDays(1)));
    assertEquals(backoff.floorMillis(), backoff.retryAfterMillis(Duration.ZERO), "Retry-After: 0 must not make a hot loop");
  }

  @ParameterizedTest
  @ValueSource(strings = {"9999999999999999", "99999999999999999", "9223372036854775807", "99999999999999999999999"})
  void anAbsurdlyLargeRetryAfterReadsAsTheCapNotAnOverflow(String header) {
    Duration parsed = Backoff.parseRetryAfter(header, java.time.Clock.systemUTC()).orElseThrow();
    assertEquals(5000, backoff.retryAfterMillis(parsed));
  }

  @Test
  void parsesRetryAfterSecondsAndHttpDates() {
    FakeClock clock = new FakeClock(Instant.parse("2015-10-21T07:28:00Z"));
    assertEquals(Optional.of(Duration.ofSeconds(120)), Backoff.parseRetryAfter("120", clock));
    assertEquals(Optional.of(Duration.ofSeconds(30)), Backoff.parseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", clock));
    assertEquals(Optional.of(Duration.ZERO), Backoff.parseRetryAfter("Wed, 21 Oct 2015 07:00:00 GMT", clock), "a date in the past");
    assertEquals(Optional.empty(), Backoff.parseRetryAfter("soon", clock));
    assertEquals(Optional.empty(), Backoff.parseRetryAfter("-5", clock));
    assertEquals(Optional.empty(), Backoff.parseRetryAfter(null, clock));
    assertTrue(Backoff.parseRetryAfter("99999999999999999999999", clock).orElseThrow().toDays() > 365, "longer than any cap");
  }
}

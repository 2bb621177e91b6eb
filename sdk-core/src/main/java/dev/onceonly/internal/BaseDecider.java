package dev.onceonly.internal;

import dev.onceonly.AttemptEvent;
import dev.onceonly.DelaySource;
import dev.onceonly.PaymentsException;
import dev.onceonly.RetryPolicy;
import dev.onceonly.http.HttpRequest;
import dev.onceonly.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What every decider shares: the attempt count, the one deadline, the choice of the wait
 * before the next request (backoff, {@code Retry-After} capped and floored, or the one
 * immediate read), with the deadline checked before any wait is taken, and the client's retry
 * budget, earned by each operation's first request and drawn on by every retry.
 */
abstract class BaseDecider<T> implements Decider<T> {

  final RetryPolicy policy;
  final Backoff backoff;
  final RetryBudgetTracker budget;
  final Redactor redactor;
  final Instant deadline;
  int attempts;
  /** The request that goes (or went) out last. */
  HttpRequest pending;
  /** Whether a request was ever sent again. */
  boolean retried;

  BaseDecider(RetryPolicy policy, Backoff backoff, RetryBudgetTracker budget, Redactor redactor, Instant start,
      HttpRequest first) {
    this.policy = policy;
    this.backoff = backoff;
    this.budget = budget;
    this.redactor = redactor;
    this.deadline = start.plus(policy.maxElapsed());
    this.pending = first;
  }

  @Override
  public final @Nullable Duration beginAttempt(Instant now) {
    long leftMillis = java.time.temporal.ChronoUnit.MILLIS.between(now, deadline);
    if (leftMillis <= 0) {
      return null;
    }
    if (attempts == 0) {
      budget.started(now); // the operation's first request earns its share of retries
    }
    attempts++;
    // No Duration made on the common path: the policy's own is returned when it fits.
    return leftMillis < policy.attemptTimeout().toMillis() ? Duration.ofMillis(leftMillis) : policy.attemptTimeout();
  }

  @Override
  public final int attempts() {
    return attempts;
  }

  /** A wait chosen for the next request, and where it came from. */
  record Wait(long millis, DelaySource source) {}

  /**
   * The wait before the next request: {@code Retry-After} if the answer had one (capped at
   * {@code maxBackoff}, never under the floor), else the jittered backoff.
   */
  Wait waitAfter(@Nullable HttpResponse answer, Instant now) {
    Duration retryAfter = answer == null ? null
        : Backoff.parseRetryAfter(answer.header("Retry-After").orElse(null), Clock.fixed(now, java.time.ZoneOffset.UTC))
            .orElse(null);
    if (retryAfter != null) {
      return new Wait(backoff.retryAfterMillis(retryAfter), DelaySource.RETRY_AFTER);
    }
    return new Wait(backoff.backoffMillis(attempts), DelaySource.BACKOFF);
  }

  /** Whether waiting {@code millis} from {@code now} leaves time before the deadline for a request. */
  boolean fitsBeforeDeadline(long millis, Instant now) {
    return now.plusMillis(millis).isBefore(deadline);
  }

  /** The event of the attempt that just failed, with what follows it. */
  AttemptEvent event(@Nullable String key, int status, PaymentsException cause, boolean willRetry, Wait wait) {
    return new AttemptEvent(attempts, pending.toString(), key, status, cause, willRetry,
        Duration.ofMillis(willRetry ? wait.millis() : 0), willRetry ? wait.source() : DelaySource.IMMEDIATE);
  }

  /** Sends {@code next} after {@code wait}, reporting the attempt that led here. */
  Step<T> send(HttpRequest next, Wait wait, AttemptEvent event) {
    pending = next;
    retried = true;
    return new Step.Send<>(next, wait.millis(), wait.source(), event);
  }

  static String plural(int n, String what) {
    return n + " " + what + (n == 1 ? "" : "s");
  }

  static String messageOf(@Nullable Throwable t) {
    return t == null ? "none" : t.getClass().getSimpleName() + ": " + t.getMessage();
  }
}

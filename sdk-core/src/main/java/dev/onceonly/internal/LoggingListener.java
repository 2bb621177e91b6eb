package dev.onceonly.internal;

import dev.onceonly.AttemptEvent;
import dev.onceonly.OperationInfo;
import dev.onceonly.OperationOutcome;
import dev.onceonly.OperationResult;
import dev.onceonly.PaymentsException;
import dev.onceonly.RetryListener;
import dev.onceonly.StopReason;
import java.lang.System.Logger.Level;
import org.jspecify.annotations.Nullable;

/**
 * The SDK's own log, through {@link System.Logger} (logger {@code dev.onceonly}), in front of the
 * caller's listener. DEBUG: each attempt that did not end its operation (the request, the key,
 * the status or failure, the wait chosen and where it came from). WARN: every operation that ended
 * with an unknown outcome, and every retry a budget refused, with the key. Never a token, an
 * {@code Authorization} value or a body: what it logs is the request line, the key, statuses and
 * exception messages, which the engine has already scrubbed and bounded.
 *
 * <p>{@code System.Logger} rather than SLF4J: it needs no dependency, and routes to SLF4J 2,
 * Log4j 2 or JUL through their bridges ({@code slf4j-jdk-platform-logging},
 * {@code log4j-jpl}); resilience4j already pulls slf4j-api 1.7, and an SLF4J 2 API here would
 * fight it in users' builds.
 */
final class LoggingListener implements RetryListener {

  static final System.Logger LOG = System.getLogger("dev.onceonly");

  private final RetryListener next;

  private LoggingListener(RetryListener next) {
    this.next = next;
  }

  /** Logs, then tells {@code next}. */
  static RetryListener around(RetryListener next) {
    return new LoggingListener(next);
  }

  @Override
  public void onAttempt(AttemptEvent e) {
    if (LOG.isLoggable(Level.DEBUG)) {
      LOG.log(Level.DEBUG, "attempt {0} of {1}{2}: {3}; {4}", e.attempt(), e.request(),
          e.idempotencyKey() == null ? "" : " (Idempotency-Key " + e.idempotencyKey() + ")",
          e.statusCode() == 0 ? String.valueOf(e.cause().getMessage()) : "HTTP " + e.statusCode(),
          e.willRetry() ? "next request in " + e.delay().toMillis() + " ms (" + e.delaySource() + ")" : "no further request");
    }
    next.onAttempt(e);
  }

  @Override
  public void onSuccess(OperationResult<?> result) {
    next.onSuccess(result);
  }

  @Override
  public void onOperationStart(OperationInfo operation) {
    next.onOperationStart(operation);
  }

  @Override
  public void onOperationEnd(
      OperationInfo operation, OperationOutcome outcome, int attempts, int statusCode, @Nullable PaymentsException error) {
    if (outcome == OperationOutcome.UNKNOWN && error != null) {
      LOG.log(Level.WARNING, "{0} {1}: outcome unknown after {2} request(s), resume it with Idempotency-Key {3}: {4}",
          operation.method(), operation.url(), attempts, error.idempotencyKey().orElse("(none)"), error.getMessage());
    } else if (error != null && isBudgetRefusal(error)) {
      LOG.log(Level.WARNING, "{0} {1}: a retry was refused by the retry budget (Idempotency-Key {2}): {3}",
          operation.method(), operation.url(), error.idempotencyKey().orElse("(none)"), error.getMessage());
    } else if (LOG.isLoggable(Level.DEBUG)) {
      LOG.log(Level.DEBUG, "{0} {1}: {2} after {3} request(s){4}", operation.method(), operation.url(), outcome,
          attempts, operation.idempotencyKey() == null ? "" : " (Idempotency-Key " + operation.idempotencyKey() + ")");
    }
    next.onOperationEnd(operation, outcome, attempts, statusCode, error);
  }

  private static boolean isBudgetRefusal(PaymentsException e) {
    StopReason reason = e instanceof dev.onceonly.OutcomeUnknownException u ? u.reason()
        : e instanceof dev.onceonly.RequestNotSentException n ? n.reason() : null;
    return reason != null && reason.name().equals("RETRY_BUDGET_EXHAUSTED");
  }
}

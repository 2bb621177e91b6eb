package dev.onceonly;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * One operation as a {@link RetryListener} sees it at its start and its end: the same instance
 * both times, so that a listener can pair them (a timer, a trace span).
 *
 * @param id unique within the process, increasing
 * @param operation what it is, such as {@code transfers.create} or {@code transfers.get}; low cardinality
 * @param method the HTTP method of its first request
 * @param url the URL of its first request
 * @param idempotencyKey its key, for an idempotent operation; {@code null} for a read
 */
public record OperationInfo(long id, String operation, String method, String url, @Nullable String idempotencyKey) {

  private static final AtomicLong IDS = new AtomicLong();

  public OperationInfo {
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(url, "url");
  }

  /** A new operation with the next id. */
  public static OperationInfo next(String operation, String method, String url, @Nullable String idempotencyKey) {
    return new OperationInfo(IDS.incrementAndGet(), operation, method, url, idempotencyKey);
  }
}

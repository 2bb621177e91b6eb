package dev.onceonly.resilience4j;

import dev.onceonly.PaymentsClient;
import dev.onceonly.internal.DefaultPaymentsClient;
import io.github.resilience4j.retry.Retry;
import java.util.Objects;

/**
 * The resilience4j {@link Retry} behind a client's retry engine, named {@code "onceonly"}.
 *
 * <p>Every attempt of every operation goes through it, so its event publisher
 * ({@code retry.getEventPublisher().onRetry(...)}) and its metrics (for example with
 * {@code TaggedRetryMetrics.ofIterable(List.of(retry)).bindTo(registry)} from
 * {@code resilience4j-micrometer}) see what the client does: a {@code RETRY} event per request
 * followed by another (with the wait the engine took), {@code SUCCESS} for an operation that
 * succeeded after retries, {@code ERROR} for one that failed after retries, {@code IGNORED_ERROR}
 * for one that failed at its first request. Use it to observe only: the engine decides, by
 * {@link dev.onceonly.RetryPolicy}; this object is never asked. resilience4j's
 * "failed with retry" counter counts only operations it saw use every attempt; an operation the
 * deadline ended earlier shows as an {@code ERROR} event. An event consumer that throws is
 * ignored. For the
 * SDK's own view of each attempt (delay source, status, key), register a
 * {@link dev.onceonly.RetryListener} on the client's builder instead.
 */
public final class Resilience4jRetry {

  private Resilience4jRetry() {}

  /**
   * Returns the {@code Retry} of {@code client}.
   *
   * @throws IllegalArgumentException if the client was not built by this SDK
   */
  public static Retry of(PaymentsClient client) {
    Objects.requireNonNull(client, "client");
    if (client instanceof DefaultPaymentsClient c) {
      return c.engine().retry();
    }
    throw new IllegalArgumentException("client was not built by OnceOnly: " + client.getClass().getName());
  }
}

package dev.onceonly;

import dev.onceonly.transfers.TransferServiceAsync;

/**
 * The asynchronous view of a {@link PaymentsClient}: the same operations, the same retry engine
 * and the same truthful outcomes, returned as {@link java.util.concurrent.CompletableFuture}s
 * instead of blocking the calling thread. Obtained with {@link PaymentsClient#async()}; it shares
 * the client's connection pool, retry budget and key ledger, and is closed with it.
 *
 * <p>Threads: no thread is held while an operation waits between attempts (the wait is a task
 * scheduled on the client's {@link java.util.concurrent.ScheduledExecutorService}), and requests
 * are sent with the transport's asynchronous call (OkHttp's {@code enqueue}, where each exchange
 * in flight occupies one of OkHttp's dispatcher threads, up to the client's concurrency limit).
 * The SDK's own steps (deciding what follows an answer) run on a small pool of the client's,
 * never on OkHttp's or the scheduler's threads. The returned futures are completed on the
 * client's async executor: by default two daemon threads the client owns
 * ({@code onceonly-callbacks-N}), or the builder's {@code asyncExecutor}; never on OkHttp's, the
 * scheduler's or the SDK's own threads, so a dependent stage that blocks delays the completion of
 * other futures of the client, never the operations themselves. Give a stage that blocks an
 * executor of its own ({@code thenApplyAsync(fn, executor)}).
 *
 * <p>Closing the client ends every pending operation truthfully: one that was waiting, or that
 * had not sent anything, completes with {@link RequestNotSentException} or
 * {@link OutcomeUnknownException} (reason {@link StopReason#CLIENT_CLOSED}); one with a request in
 * flight ends after that request does.
 *
 * <p>Thread-safe.
 */
public interface PaymentsClientAsync {

  /** The Transfers resource, asynchronously. */
  TransferServiceAsync transfers();
}

package dev.onceonly.transfers;

import dev.onceonly.OperationResult;
import dev.onceonly.RequestOptions;
import java.util.concurrent.CompletableFuture;

/**
 * The Transfers resource without blocking: {@link TransferService}'s operations, run by the same
 * retry engine (the same decisions, keys, bodies, deadlines and retry budget), returning
 * futures. Thread-safe.
 *
 * <h2>Outcomes</h2>
 * A future completes with what the blocking call returns, or exceptionally with exactly the
 * exception the blocking call throws ({@link dev.onceonly.OutcomeUnknownException},
 * {@link dev.onceonly.RequestNotSentException}, {@link dev.onceonly.ApiException},
 * {@link dev.onceonly.IdempotencyKeyReusedException}, ...), never with a raw
 * {@code IOException} or an HTTP library's exception; {@link CompletableFuture#join()} wraps it in
 * a {@link java.util.concurrent.CompletionException} and {@link CompletableFuture#get()} in an
 * {@link java.util.concurrent.ExecutionException}, as for any future. Invalid arguments
 * ({@code null}, a blank id) throw at once, before anything is sent, as in the blocking calls.
 * Futures complete on the client's async executor (see {@link dev.onceonly.PaymentsClientAsync}).
 *
 * <h2>Cancellation</h2>
 * {@link CompletableFuture#cancel(boolean) cancel} (with either argument) stops the operation:
 * it cancels the request in flight on the wire (OkHttp's {@code Call.cancel()}) or the pending
 * wait, and once {@code cancel} returns no further request of the operation is sent. A response
 * that arrives after the cancellation is closed unread. The future completes with a
 * {@link java.util.concurrent.CancellationException} whose message names the operation's
 * {@code Idempotency-Key}. Completing the future any other way (for example
 * {@link CompletableFuture#orTimeout}) stops the operation in the same way. Cancelling a future
 * derived from it ({@code thenApply(...)}) does not: cancel the one returned here.
 *
 * <p>Cancellation does not undo anything. If an attempt of a create may have reached the server
 * when it was cancelled, the transfer may exist: the operation stays pending in the client's
 * journal, if it has one, and resuming it (or calling {@code create} again with the same
 * parameters and key) settles it exactly once. If nothing can have reached the server, nothing
 * was created. To settle a cancelled create yourself, give it your own key
 * ({@link RequestOptions.Builder#idempotencyKey}).
 */
public interface TransferServiceAsync {

  /**
   * Creates a transfer exactly once, with a key minted for this call.
   *
   * @return a future of the transfer; see the class comment for how it completes
   */
  CompletableFuture<Transfer> create(TransferCreateParams params);

  /** Creates a transfer exactly once, with the options' key if one is given. */
  CompletableFuture<Transfer> create(TransferCreateParams params, RequestOptions options);

  /**
   * Creates a transfer exactly once and reports how: the key used, the attempts made, and
   * whether the answer was a replay.
   */
  CompletableFuture<OperationResult<Transfer>> createWithResult(TransferCreateParams params, RequestOptions options);

  /**
   * Fetches a transfer; reads are retried on the same transient failures as creates. A missing
   * transfer completes the future with an {@link dev.onceonly.ApiException} with status 404.
   */
  CompletableFuture<Transfer> get(String id);
}

package dev.onceonly.transfers;

import dev.onceonly.OperationResult;
import dev.onceonly.RequestOptions;

/**
 * The Transfers resource. Thread-safe.
 *
 * <p>{@code create} is an idempotent operation: the client sends one {@code Idempotency-Key}
 * and the same body bytes on every attempt, retries what is safe to retry, recovers stored
 * answers, checks every answer against the request (a success for another amount or
 * destination is never returned), and when it truly cannot tell whether the transfer was made,
 * throws {@link dev.onceonly.OutcomeUnknownException} with the key to resume with. Each attempt
 * is bounded by the policy's {@code attemptTimeout} and the operation's one deadline,
 * {@code maxElapsed}.
 */
public interface TransferService {

  /**
   * Creates a transfer exactly once, with a key minted for this call.
   *
   * @throws dev.onceonly.ApiException the server refused the transfer: its final verdict on the key
   * @throws dev.onceonly.OutcomeUnknownException the transfer may exist: an attempt may have reached
   *     the server and no final answer came (retries or time ran out, an answer that could not be
   *     used, an error that says nothing about the earlier attempt, the client closed); resume it
   *     with the exception's key before {@code keyExpiresAt()}
   * @throws dev.onceonly.RequestNotSentException nothing can have reached the server
   * @throws dev.onceonly.IdempotencyKeyExpiredException a caller's key too old to send; nothing was sent
   */
  default Transfer create(TransferCreateParams params) {
    return create(params, RequestOptions.none());
  }

  /** Creates a transfer exactly once, with the options' key if one is given. */
  default Transfer create(TransferCreateParams params, RequestOptions options) {
    return createWithResult(params, options).value();
  }

  /**
   * Creates a transfer exactly once and reports how: the key used, the attempts made, and
   * whether the answer was a replay.
   */
  OperationResult<Transfer> createWithResult(TransferCreateParams params, RequestOptions options);

  /**
   * Fetches a transfer. Reads are retried on the same transient failures as creates.
   *
   * @throws dev.onceonly.ApiException with status 404 if there is no such transfer
   */
  Transfer get(String id);

  /**
   * The transfers whose metadata has every value {@code params} names, newest first: the way to
   * learn whether a create whose outcome stayed unknown past its key's window happened (store a
   * reference of yours in its metadata, such as an invoice id, and look it up here; never re-send
   * such a key).
   *
   * <p>The result is lazy and can be iterated more than once: each iteration reads page after
   * page ({@code GET /transfers?metadata[name]=value&limit=n&starting_after=id}) only as far as it
   * goes, each page a safe read retried on transient failures like {@link #get}. Its iterator's
   * {@code hasNext()} and {@code next()} throw what a read throws ({@link dev.onceonly.ApiException},
   * {@link dev.onceonly.PaymentsException}). Every transfer it yields is checked to have the
   * metadata asked for: a server that ignored the filter could not make another transfer look
   * like the one you are looking for.
   */
  Iterable<Transfer> list(TransferListParams params);
}

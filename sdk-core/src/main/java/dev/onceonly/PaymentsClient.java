package dev.onceonly;

import dev.onceonly.transfers.TransferService;

/**
 * A client of the payments API.
 *
 * <p>Instances are immutable and thread-safe: build one per application and share it. Closing
 * it releases the transport's resources (connection pools, threads); calls made after
 * {@link #close()} fail.
 */
public interface PaymentsClient extends AutoCloseable {

  /** The Transfers resource. */
  TransferService transfers();

  /**
   * The operation journal: what is pending after a crash, and the way to settle it. With the
   * default in-memory journal this knows only this process's operations; give the builder a
   * durable one ({@code JdbcOperationJournal}) to survive restarts.
   */
  Operations operations();

  /**
   * A client that shares this one's connection pool, journal and everything else, and applies
   * {@code defaults} to every call (a retry policy, an attempt timeout, headers) unless a call's
   * own options say otherwise. Closing it does nothing; closing this client closes both.
   *
   * @throws IllegalArgumentException if {@code defaults} hold a key, a first-used time or a
   *     reference: those belong to one operation, never to a client
   */
  PaymentsClient withOptions(RequestOptions defaults);

  /**
   * The same client without blocking: operations return
   * {@link java.util.concurrent.CompletableFuture}s that complete with the values, and the
   * exceptions, that the blocking calls return and throw. Shares everything with this client
   * (connections, retry budget) and is closed with it.
   */
  PaymentsClientAsync async();

  /**
   * Sends a request to any endpoint, through the same engine as a transfer create, and decodes
   * the answer into {@code responseType}: a class Moshi decodes (a record, a plain class, a
   * {@code Map}), {@code String} (the body as text) or {@code byte[]} (the body as it came).
   *
   * <p>A {@code POST} is an idempotent operation, exactly as {@code transfers().create(...)}:
   * a key (the options' or one minted for this call) and the same body bytes on every attempt,
   * "in progress" polled, finished answers recovered as the client's
   * {@link IdempotencyProfile} says, the journal written ahead (as {@code execute:POST /path}) and
   * resumable, and the same exceptions, for the same reasons. One difference: a success answer is
   * checked for its status and that it decodes, nothing more, since an arbitrary answer has no
   * amount or destination to compare with the request (the typed transfer create compares them).
   * A {@code GET} is a safe read, retried on the same transient failures.
   *
   * @throws ApiException the server refused the request: its final verdict
   * @throws OutcomeUnknownException a {@code POST} may have been acted on and no final answer came;
   *     resume it with the exception's key
   * @throws RequestNotSentException nothing can have reached the server
   * @throws IllegalArgumentException before anything is sent, naming what is wrong: a
   *     {@code responseType} that cannot be decoded, a key that breaks the profile's rules, a
   *     request header that carries the idempotency key
   */
  <T> T execute(ApiRequest request, Class<T> responseType);

  /**
   * As {@link #execute}, for a {@code POST}, reporting how: the key used, the attempts made,
   * whether the answer was a replay.
   *
   * @throws IllegalArgumentException for a {@code GET}, which has no key to report: use {@link #execute}
   */
  <T> OperationResult<T> executeWithResult(ApiRequest request, Class<T> responseType);

  /** Releases the resources this client owns. Never throws. */
  @Override
  void close();
}

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

  /** Releases the resources this client owns. Never throws. */
  @Override
  void close();
}

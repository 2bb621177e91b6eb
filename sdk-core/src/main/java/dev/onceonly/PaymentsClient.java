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

  /** Releases the resources this client owns. Never throws. */
  @Override
  void close();
}

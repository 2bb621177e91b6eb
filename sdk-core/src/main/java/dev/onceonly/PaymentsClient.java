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

package dev.onceonly.samples.demo;

import dev.onceonly.transfers.TransferCreateParams;
import java.util.concurrent.CompletableFuture;

/**
 * One way of making a logical create (the SDK, or the naive client), as the {@link Workload}
 * drives it. Implementations are thread-safe and own what they {@linkplain #close() close}.
 */
interface CreateClient extends AutoCloseable {

  /** A short name for reports, such as {@code "OnceOnly SDK"}. */
  String name();

  /**
   * Makes one logical create and reports how it ended. Never throws for an outcome of the
   * create: every exception the client throws is turned into a {@link ClientAnswer}.
   */
  ClientAnswer create(TransferCreateParams params);

  /**
   * Starts one logical create without blocking; the future completes with how it ended, never
   * exceptionally for an outcome of the create. Only the SDK has one.
   *
   * @throws UnsupportedOperationException for a client without an asynchronous create
   */
  default CompletableFuture<ClientAnswer> createAsync(TransferCreateParams params) {
    throw new UnsupportedOperationException(name() + " has no asynchronous create");
  }

  @Override
  void close();
}

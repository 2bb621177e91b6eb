package dev.onceonly.samples.demo;

import dev.onceonly.transfers.TransferCreateParams;

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

  @Override
  void close();
}

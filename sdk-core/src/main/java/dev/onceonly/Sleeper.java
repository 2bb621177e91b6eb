package dev.onceonly;

import java.time.Duration;

/**
 * Waits between attempts. The default sleeps the calling thread; tests and simulations inject
 * one that records the requested waits (and advances a fake clock) instead.
 */
@FunctionalInterface
public interface Sleeper {

  /** Sleeps the calling thread. */
  Sleeper SYSTEM = duration -> Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);

  /**
   * Waits for {@code duration}.
   *
   * @throws InterruptedException if the thread is interrupted; the operation then ends
   */
  void sleep(Duration duration) throws InterruptedException;
}

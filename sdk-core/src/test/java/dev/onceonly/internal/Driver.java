package dev.onceonly.internal;

/**
 * Which driver carries out the decision core's verdicts in a scenario test. The engine's
 * scenario tests run through both, so that the two drivers cannot drift apart.
 */
enum Driver {
  /** {@link RetryEngine}: the calling thread sleeps through the waits and sends. */
  BLOCKING,
  /**
   * {@link AsyncRetryEngine}, its waits on a {@link TestScheduler} and its steps and completions
   * on a {@link Trampoline}: the whole operation runs on the test thread, deterministically,
   * before the call returns.
   */
  ASYNC
}

package dev.onceonly.internal;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

/**
 * An executor that only queues: the test {@linkplain #drain runs} the queued tasks on its own
 * thread when it chooses, so it can act between an operation's steps. Records the thread each
 * task ran on. Not thread-safe.
 */
final class ManualExecutor implements Executor {

  private final Queue<Runnable> queue = new ArrayDeque<>();
  int ran;

  @Override
  public void execute(Runnable task) {
    queue.add(task);
  }

  /** Runs queued tasks, and those they queue, until none is left. */
  void drain() {
    Runnable next;
    while ((next = queue.poll()) != null) {
      ran++;
      next.run();
    }
  }

  boolean idle() {
    return queue.isEmpty();
  }
}

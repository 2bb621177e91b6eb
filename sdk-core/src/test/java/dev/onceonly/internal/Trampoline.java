package dev.onceonly.internal;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

/**
 * An executor that runs tasks on the thread that hands them over, in order, one after another:
 * a task handed over while another runs is queued and runs when that one returns, so that an
 * asynchronous operation's steps run on the test thread without nesting deeper at each step.
 * Not thread-safe: for single-threaded tests.
 */
final class Trampoline implements Executor {

  private final Queue<Runnable> queue = new ArrayDeque<>();
  private boolean running;

  @Override
  public void execute(Runnable task) {
    queue.add(task);
    if (running) {
      return;
    }
    running = true;
    try {
      Runnable next;
      while ((next = queue.poll()) != null) {
        next.run();
      }
    } finally {
      running = false;
    }
  }
}

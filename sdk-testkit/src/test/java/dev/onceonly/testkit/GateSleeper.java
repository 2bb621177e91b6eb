package dev.onceonly.testkit;

import dev.onceonly.Sleeper;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A sleeper that, instead of sleeping, tells the test it was entered and waits until the test
 * opens the gate: a request stays in progress (or stalled) exactly as long as the test needs.
 */
final class GateSleeper implements Sleeper {

  final CountDownLatch entered = new CountDownLatch(1);
  private final CountDownLatch gate = new CountDownLatch(1);
  final CopyOnWriteArrayList<Duration> requested = new CopyOnWriteArrayList<>();

  @Override
  public void sleep(Duration duration) throws InterruptedException {
    requested.add(duration);
    entered.countDown();
    if (!gate.await(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the test never opened the gate");
    }
  }

  void awaitEntered() throws InterruptedException {
    if (!entered.await(10, TimeUnit.SECONDS)) {
      throw new AssertionError("the sandbox never started sleeping");
    }
  }

  void open() {
    gate.countDown();
  }
}

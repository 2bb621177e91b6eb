package dev.onceonly.okhttp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler under the test's control: it keeps every wait until the test {@linkplain #fire
 * fires} it, so a test can act while operations wait, without timing anything. Thread-safe.
 */
final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {

  /** One wait. */
  static final class Wait extends CompletableFuture<Object> implements ScheduledFuture<Object> {
    final Duration delay;
    private final Runnable task;

    Wait(Duration delay, Runnable task) {
      this.delay = delay;
      this.task = task;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(delay);
    }

    @Override
    public int compareTo(Delayed o) {
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
    }
  }

  private final List<Wait> waits = new ArrayList<>();
  private volatile boolean shutdown;

  /** The waits neither run nor cancelled. */
  synchronized List<Wait> pending() {
    return waits.stream().filter(w -> !w.isDone()).toList();
  }

  /** Runs every pending wait, on the calling thread. */
  void fireAll() {
    for (Wait wait : pending()) {
      if (wait.complete(null)) {
        wait.task.run();
      }
    }
  }

  @Override
  public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    Wait wait = new Wait(Duration.of(delay, unit.toChronoUnit()), command);
    waits.add(wait);
    return wait;
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void execute(Runnable command) {
    throw new UnsupportedOperationException("the client only schedules");
  }

  @Override
  public void shutdown() {
    shutdown = true;
  }

  @Override
  public List<Runnable> shutdownNow() {
    shutdown = true;
    return List.of();
  }

  @Override
  public boolean isShutdown() {
    return shutdown;
  }

  @Override
  public boolean isTerminated() {
    return shutdown;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return true;
  }
}

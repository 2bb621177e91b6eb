package dev.onceonly.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler that runs nothing by itself: it keeps each wait until the test {@linkplain #fire
 * fires} it (advancing the fake clock by its delay), so a test can look at an operation while it
 * waits, and cancel or close it there. Not thread-safe.
 */
final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {

  /** One wait: its delay, and whether it was cancelled or has run. */
  final class Wait implements ScheduledFuture<Object> {
    final Duration delay;
    private final Runnable task;
    private boolean cancelled;
    private boolean done;

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

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      if (done || cancelled) {
        return false;
      }
      cancelled = true;
      return true;
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }

    @Override
    public boolean isDone() {
      return done || cancelled;
    }

    @Override
    public Object get() {
      return null;
    }

    @Override
    public Object get(long timeout, TimeUnit unit) {
      return null;
    }
  }

  final List<Wait> waits = new ArrayList<>();
  private final FakeClock clock;
  private boolean shutdown;

  ManualScheduler(FakeClock clock) {
    this.clock = clock;
  }

  /** The waits neither fired nor cancelled. */
  List<Wait> pending() {
    return waits.stream().filter(w -> !w.isDone()).toList();
  }

  /** Runs the oldest pending wait, after moving the clock by its delay. */
  void fire() {
    Wait wait = pending().get(0);
    clock.advance(wait.delay);
    wait.done = true;
    wait.task.run();
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    if (shutdown) {
      throw new java.util.concurrent.RejectedExecutionException("shut down");
    }
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
    throw new UnsupportedOperationException("the engine only schedules");
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

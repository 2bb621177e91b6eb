package dev.onceonly.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that tests move by hand, to share between a sandbox ({@code SandboxServer.Builder.clock})
 * and a client ({@code OkHttpPaymentsClient.Builder.clock}) in end-to-end tests: a key's window
 * passes in an instant. Thread-safe.
 */
public final class MutableClock extends Clock {

  private final AtomicReference<Instant> now;

  /** A clock that reads {@code start} until it is moved. */
  public MutableClock(Instant start) {
    this.now = new AtomicReference<>(start);
  }

  /** Moves the clock forward by {@code duration}. */
  public void advance(Duration duration) {
    now.updateAndGet(instant -> instant.plus(duration));
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException();
  }
}

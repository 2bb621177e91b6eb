package dev.onceonly.internal;

import dev.onceonly.Sleeper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Records every wait and advances the fake clock by it, instead of sleeping. */
final class RecordingSleeper implements Sleeper {
  final List<Duration> sleeps = new ArrayList<>();
  private final FakeClock clock;
  /** Runs at every wait, before the clock moves: a test's way to act "while the client waits". */
  private java.util.function.Consumer<Duration> onSleep = d -> { };

  RecordingSleeper(FakeClock clock) {
    this.clock = clock;
  }

  @Override
  public void sleep(Duration duration) {
    onSleep.accept(duration);
    sleeps.add(duration);
    clock.advance(duration);
  }

  void onSleep(java.util.function.Consumer<Duration> action) {
    this.onSleep = action;
  }

  Duration total() {
    return sleeps.stream().reduce(Duration.ZERO, Duration::plus);
  }
}

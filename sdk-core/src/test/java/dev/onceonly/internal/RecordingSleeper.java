package dev.onceonly.internal;

import dev.onceonly.Sleeper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Records every wait and advances the fake clock by it, instead of sleeping. */
final class RecordingSleeper implements Sleeper {
  final List<Duration> sleeps = new ArrayList<>();
  private final FakeClock clock;

  RecordingSleeper(FakeClock clock) {
    this.clock = clock;
  }

  @Override
  public void sleep(Duration duration) {
    sleeps.add(duration);
    clock.advance(duration);
  }

  Duration total() {
    return sleeps.stream().reduce(Duration.ZERO, Duration::plus);
  }
}

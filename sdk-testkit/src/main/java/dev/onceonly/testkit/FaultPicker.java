package dev.onceonly.testkit;

import java.util.Optional;
import java.util.Random;

/**
 * Picks the fault, if any, for one request: one draw from a seeded {@link Random} (whose methods
 * are thread-safe), split by the rates in {@link FaultKind} order. With one client thread the
 * sequence of faults is the same for the same seed; with several it depends on which request
 * draws first.
 */
final class FaultPicker {

  private final Faults faults;
  private final Random random;

  FaultPicker(Faults faults, long seed) {
    this.faults = faults;
    this.random = new Random(seed);
  }

  Optional<FaultKind> next() {
    if (!faults.any()) {
      return Optional.empty();
    }
    double draw = random.nextDouble();
    double edge = 0;
    for (FaultKind kind : FaultKind.values()) {
      edge += faults.rate(kind);
      if (draw < edge) {
        return Optional.of(kind);
      }
    }
    return Optional.empty();
  }
}

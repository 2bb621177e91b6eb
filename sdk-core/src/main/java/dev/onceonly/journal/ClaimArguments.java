package dev.onceonly.journal;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/** The checks of {@link OperationJournal#claim}'s arguments, the same for every journal here. */
final class ClaimArguments {

  private ClaimArguments() {}

  static void check(String owner, Instant now, Duration lease, int max) {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(lease, "lease");
    if (max < 1) {
      throw new IllegalArgumentException("max must be >= 1, was: " + max);
    }
    if (lease.isNegative() || lease.isZero()) {
      throw new IllegalArgumentException("lease must be positive, was: " + lease);
    }
  }
}

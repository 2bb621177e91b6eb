package dev.onceonly;

import java.util.List;
import java.util.Objects;

/**
 * What {@link Operations#resumePending()} did: one entry per pending operation it took up.
 *
 * @param operations each operation and what it came to, oldest first
 */
public record ResumeReport(List<ResumedOperation> operations) {

  public ResumeReport {
    operations = List.copyOf(Objects.requireNonNull(operations, "operations"));
  }

  /** How many came to {@code status}. */
  public long count(ResumeStatus status) {
    return operations.stream().filter(o -> o.status() == status).count();
  }
}

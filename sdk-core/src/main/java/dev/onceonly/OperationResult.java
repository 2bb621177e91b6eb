package dev.onceonly;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A successful operation's value and how it was obtained.
 *
 * @param value the result, such as the created {@code Transfer}
 * @param idempotencyKey the key sent with the operation
 * @param attempts how many requests the operation made (polls of {@code /responses} and a
 *     {@code GET} of the {@code Location} included; 0 when the journal already held the answer)
 * @param replay whether the answer was a replay of an earlier one
 * @param journalError why the operation's journal entry could not be settled, if it could not:
 *     the operation succeeded on the server all the same, and its entry stays pending until a
 *     resume settles it
 * @param <T> the type of the value
 */
public record OperationResult<T>(
    T value, String idempotencyKey, int attempts, ReplayStatus replay, @Nullable PaymentsException journalError) {

  public OperationResult {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(replay, "replay");
  }

  /** A result whose journal entry was settled (or that has no journal). */
  public OperationResult(T value, String idempotencyKey, int attempts, ReplayStatus replay) {
    this(value, idempotencyKey, attempts, replay, null);
  }

  /** Why the journal entry could not be settled, if it could not. */
  public Optional<PaymentsException> journalProblem() {
    return Optional.ofNullable(journalError);
  }
}

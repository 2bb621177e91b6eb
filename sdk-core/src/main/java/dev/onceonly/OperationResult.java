package dev.onceonly;

import java.util.Objects;

/**
 * A successful operation's value and how it was obtained.
 *
 * @param value the result, such as the created {@code Transfer}
 * @param idempotencyKey the key sent with the operation
 * @param attempts how many requests the operation made (polls of {@code /responses} and a
 *     {@code GET} of the {@code Location} included)
 * @param replay whether the answer was a replay of an earlier one
 * @param <T> the type of the value
 */
public record OperationResult<T>(T value, String idempotencyKey, int attempts, ReplayStatus replay) {

  public OperationResult {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(replay, "replay");
  }
}

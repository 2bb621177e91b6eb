package dev.onceonly;

import dev.onceonly.transfers.Transfer;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One operation's fate in a {@link ResumeReport}, or as {@link Operations#find(String)} knows it.
 *
 * @param idempotencyKey the operation's key
 * @param status what it came to
 * @param reference the caller's reference for the operation, if it gave one
 * @param transferValue the transfer, for a transfer create that {@linkplain ResumeStatus#SUCCEEDED succeeded}
 * @param error why it failed or is still unknown, if there is an exception to tell
 */
public record ResumedOperation(
    String idempotencyKey,
    ResumeStatus status,
    @Nullable String reference,
    @Nullable Transfer transferValue,
    @Nullable PaymentsException error) {

  public ResumedOperation {
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(status, "status");
  }

  /** The created transfer, when the operation was a transfer create that succeeded. */
  public Optional<Transfer> transfer() {
    return Optional.ofNullable(transferValue);
  }

  /** Why it failed or is still unknown, if there is an exception to tell. */
  public Optional<PaymentsException> failure() {
    return Optional.ofNullable(error);
  }
}

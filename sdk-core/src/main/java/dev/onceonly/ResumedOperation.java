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
 * @param statusCode the final answer's HTTP status; 0 when there was none: a {@code FAILED}
 *     operation with status 0 was never sent (nothing of it can have reached the server), one with
 *     a status was refused by the server
 */
public record ResumedOperation(
    String idempotencyKey,
    ResumeStatus status,
    @Nullable String reference,
    @Nullable Transfer transferValue,
    @Nullable PaymentsException error,
    int statusCode) {

  public ResumedOperation {
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(status, "status");
  }

  /** The created transfer, when the operation was a transfer create that succeeded. */
  public Optional<Transfer> transfer() {
    return Optional.ofNullable(transferValue);
  }

  /** Whether the operation ended without any request reaching the server: nothing exists, and creating it again is safe. */
  public boolean neverSent() {
    return status == ResumeStatus.FAILED && statusCode == 0;
  }

  /** Why it failed or is still unknown, if there is an exception to tell. */
  public Optional<PaymentsException> failure() {
    return Optional.ofNullable(error);
  }
}

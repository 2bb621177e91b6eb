package dev.onceonly;

/**
 * Observes the retry engine: every attempt that fails or leads to another, and the end of every
 * idempotent operation. Register one with the client's builder.
 *
 * <p>Called synchronously between attempts: on the calling thread for a blocking call, on one
 * of the client's own threads for an asynchronous one. Keep it fast, and do not throw (an
 * exception thrown here is caught and ignored so that it cannot change the outcome of a
 * money-moving call). Implementations must be thread-safe when the client is shared.
 */
public interface RetryListener {

  /** A listener that ignores everything. */
  RetryListener NONE = new RetryListener() {};

  /** An attempt did not end the operation; {@link AttemptEvent#willRetry()} says what follows. */
  default void onAttempt(AttemptEvent event) {}

  /** An idempotent operation succeeded. */
  default void onSuccess(OperationResult<?> result) {}
}

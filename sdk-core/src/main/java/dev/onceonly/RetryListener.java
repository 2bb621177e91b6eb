package dev.onceonly;

/**
 * Observes the retry engine: the start and end of every operation, every attempt that fails or
 * leads to another, and every idempotent operation that succeeds. Register one with the client's
 * builder; the optional {@code sdk-micrometer} module has one that makes Micrometer observations
 * (metrics and trace spans) of them.
 *
 * <p>Called synchronously between attempts: on the calling thread for a blocking call, on one
 * of the client's own threads for an asynchronous one. Keep it fast, and do not throw (an
 * exception thrown here is caught and ignored so that it cannot change the outcome of a
 * money-moving call). Implementations must be thread-safe when the client is shared.
 */
public interface RetryListener {

  /** A listener that ignores everything. */
  RetryListener NONE = new RetryListener() {};

  /**
   * A listener that tells each of {@code listeners}, in order; one that throws does not keep the
   * others from hearing.
   */
  static RetryListener all(RetryListener... listeners) {
    java.util.List<RetryListener> all = java.util.List.of(listeners);
    return new RetryListener() {
      private void each(java.util.function.Consumer<RetryListener> call) {
        for (RetryListener l : all) {
          try {
            call.accept(l);
          } catch (RuntimeException ignored) {
            // the others still hear; the engine ignores listeners' exceptions anyway
          }
        }
      }

      @Override
      public void onAttempt(AttemptEvent event) {
        each(l -> l.onAttempt(event));
      }

      @Override
      public void onSuccess(OperationResult<?> result) {
        each(l -> l.onSuccess(result));
      }

      @Override
      public void onOperationStart(OperationInfo operation) {
        each(l -> l.onOperationStart(operation));
      }

      @Override
      public void onOperationEnd(OperationInfo operation, OperationOutcome outcome, int attempts, int statusCode,
          @org.jspecify.annotations.Nullable PaymentsException error) {
        each(l -> l.onOperationEnd(operation, outcome, attempts, statusCode, error));
      }
    };
  }

  /** An attempt did not end the operation; {@link AttemptEvent#willRetry()} says what follows. */
  default void onAttempt(AttemptEvent event) {}

  /** An idempotent operation succeeded. */
  default void onSuccess(OperationResult<?> result) {}

  /** An operation (a create, a read, a resume) is about to send its first request. */
  default void onOperationStart(OperationInfo operation) {}

  /**
   * An operation ended: with an answer, or with the exception the caller gets.
   *
   * @param operation the same instance {@link #onOperationStart} saw
   * @param outcome how it ended
   * @param attempts how many requests it made
   * @param statusCode the status of the last answer, or 0 when the last attempt failed on the network or nothing was sent
   * @param error the exception the caller gets, or {@code null} on success
   */
  default void onOperationEnd(
      OperationInfo operation, OperationOutcome outcome, int attempts, int statusCode,
      @org.jspecify.annotations.Nullable PaymentsException error) {}
}

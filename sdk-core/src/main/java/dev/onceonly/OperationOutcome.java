package dev.onceonly;

/** How an operation ended, in the words of the truthful-outcome rule; low cardinality, for metrics. */
public enum OperationOutcome {
  /** A first answer: the server made it now. */
  SUCCEEDED,
  /** A stored answer: a replay, or one recovered through {@code /responses} or the journal. */
  REPLAYED,
  /** The server's final refusal ({@link ApiException}), or a key too old to send. */
  FAILED,
  /** It may exist ({@link OutcomeUnknownException}). */
  UNKNOWN,
  /** Nothing can have reached the server ({@link RequestNotSentException}), or nothing was sent at all. */
  NOT_SENT;

  /** The outcome of an operation that ended with {@code e}. */
  public static OperationOutcome of(PaymentsException e) {
    if (e instanceof OutcomeUnknownException) {
      return UNKNOWN;
    }
    if (e instanceof RequestNotSentException || e instanceof dev.onceonly.journal.JournalException) {
      return NOT_SENT;
    }
    return FAILED;
  }
}

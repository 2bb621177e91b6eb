package dev.onceonly;

/**
 * Why an operation ended without an answer: carried by {@link OutcomeUnknownException} and
 * {@link RequestNotSentException}, so that a caller (or a dashboard) can tell an outage from a
 * closed client without reading messages.
 */
public enum StopReason {
  /** Every attempt the policy allows ({@code maxAttempts}) was made. */
  ATTEMPTS_EXHAUSTED,
  /** The operation's deadline ({@code maxElapsed}) came, or the next wait would have crossed it. */
  DEADLINE,
  /** The key's window (less the safety margin) closed: re-sending it could create a second resource. */
  KEY_WINDOW_CLOSING,
  /**
   * After an attempt that may have reached the server, the server answered an error that says
   * nothing about that attempt: a {@code 401} from a token that expired meanwhile, a {@code 403}
   * or {@code 404} from a proxy, a {@code 3xx}, a {@code 501}.
   */
  AMBIGUOUS_ERROR,
  /** The server holds a server error ({@code 5xx}) as the key's stored answer: re-sending replays it. */
  STORED_SERVER_ERROR,
  /**
   * The server answered, but the answer could not be used: an unreadable or oversized
   * {@code 2xx}, a {@code /responses} answer that is not the stored-response envelope, a failed or
   * cross-origin read-back of a {@code Location}.
   */
  UNUSABLE_ANSWER,
  /** The server says the key's operation finished, but offers no way to read its answer. */
  ANSWER_NOT_RECOVERABLE,
  /** The client was closed while the operation was under way. */
  CLIENT_CLOSED,
  /** The calling thread was interrupted. */
  INTERRUPTED,
  /** The transport failed in a way it does not classify (a bug or a misconfiguration), or could not send. */
  TRANSPORT_FAILURE,
  /**
   * The client's {@link RetryBudget} refused another request: across the client's operations,
   * retries had used up what the operations started allow, as they do when the server fails
   * most requests.
   */
  RETRY_BUDGET_EXHAUSTED,
  /**
   * The caller cancelled the operation (an asynchronous operation's future was cancelled). The
   * caller sees a {@link java.util.concurrent.CancellationException}; this reason is what the
   * retry listener, resilience4j and an operation journal see.
   */
  CANCELLED
}

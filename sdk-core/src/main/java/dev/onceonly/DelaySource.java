package dev.onceonly;

/** Where the wait before the next attempt came from. */
public enum DelaySource {
  /** The policy's exponential backoff with jitter. */
  BACKOFF,
  /** The server's {@code Retry-After}, capped at the policy's {@code maxBackoff}. */
  RETRY_AFTER,
  /** No wait: the next request follows at once (a poll of {@code /responses}, or a re-POST after one). */
  IMMEDIATE
}

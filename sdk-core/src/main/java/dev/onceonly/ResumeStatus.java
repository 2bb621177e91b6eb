package dev.onceonly;

/** What resuming a pending operation came to. */
public enum ResumeStatus {
  /** The server's answer was recovered (a replay, a stored response, or the operation made now). */
  SUCCEEDED,
  /** The server's final verdict on the key was a refusal: nothing exists for it. */
  FAILED,
  /** Still no answer (the server is still unreachable, say): the operation stays pending; resume it later. */
  STILL_UNKNOWN,
  /**
   * The key's window closed (less the safety margin) before the operation could be settled: it was
   * not re-sent, since the server would take the key as new. Look the resource up to reconcile.
   */
  EXPIRED
}

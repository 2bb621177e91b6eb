package dev.onceonly.journal;

/** How far a journaled operation got. */
public enum JournalState {
  /**
   * Written ahead; no final answer yet. The request may or may not have reached the server (it
   * was about to be sent, its answer was lost, the outcome is unknown, or the process died).
   */
  PENDING,
  /** Settled: the server's success answer is stored with the entry. */
  SUCCEEDED,
  /** Settled: the server's final refusal is stored with the entry; no resource exists for the key. */
  FAILED,
  /** Never re-sent: its key's window closed while it was pending; reconcile it by looking it up. */
  EXPIRED
}

package dev.onceonly.testkit;

import java.util.Locale;

/**
 * A fault the sandbox injects into {@code POST /transfers}. Only {@link #SERVER_ERROR} happens
 * before the work; the others happen after it, so the client cannot know that the work was done.
 */
public enum FaultKind {

  /** A {@code 5xx} answer before anything is processed: nothing is created, the key stays free. */
  SERVER_ERROR,

  /** The request is processed and its answer stored, then the connection is closed (FIN). */
  DROP,

  /**
   * The request is processed and its answer stored, then the connection is reset: the sandbox
   * closes the client's socket with {@code SO_LINGER 0}, which sends a TCP RST.
   */
  RESET,

  /**
   * The request is processed and its answer stored, then the answer is held for
   * {@link Faults#stallTime()} (longer than a client's read timeout) and the connection closed.
   */
  STALL;

  /** The lower-case name used in the stats JSON, such as {@code "server_error"}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}

package dev.onceonly;

/** Whether a successful answer is the server's first answer to the operation or a stored one. */
public enum ReplayStatus {
  /** The key was new and no earlier attempt could have reached the server: a first answer. */
  ORIGINAL,
  /**
   * The server said so: an {@code Idempotent-Replayed: true} header, a success after the server
   * had answered {@code 409} for this key, or the stored response of {@code GET /responses/{key}}.
   */
  REPLAYED,
  /**
   * An earlier attempt may have reached the server, or the key came from the caller, and the
   * server does not mark replays (Dwolla replays a plain {@code 201}): it cannot be told.
   */
  UNKNOWN
}

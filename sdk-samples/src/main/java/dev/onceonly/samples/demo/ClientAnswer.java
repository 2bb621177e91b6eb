package dev.onceonly.samples.demo;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a client told its caller about one logical create: nothing here comes from the server's
 * records, which {@link RunReport} compares it with.
 *
 * @param kind how the create ended for the caller
 * @param transferId the id of the transfer the client returned, when it succeeded
 * @param idempotencyKey the key the client sent, if it sent one
 * @param keyExpiresAt until when the key may be resumed, for an unknown outcome
 * @param attempts the requests the client made for this create
 * @param recoveredThroughResponses whether the answer came from {@code GET /responses/{key}}
 * @param detail why it failed, or {@code ""}
 */
record ClientAnswer(
    Kind kind,
    @Nullable String transferId,
    @Nullable String idempotencyKey,
    @Nullable Instant keyExpiresAt,
    int attempts,
    boolean recoveredThroughResponses,
    String detail) {

  /** How a create ended, as its caller sees it. */
  enum Kind {
    /** The client returned a transfer. */
    SUCCEEDED,
    /** The SDK's {@code OutcomeUnknownException}: the transfer may or may not exist. */
    OUTCOME_UNKNOWN,
    /** The client threw anything else: it gave up, or the server refused. */
    FAILED
  }

  ClientAnswer {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(detail, "detail");
  }

  static ClientAnswer succeeded(String transferId, @Nullable String key, int attempts, boolean recovered) {
    return new ClientAnswer(Kind.SUCCEEDED, transferId, key, null, attempts, recovered, "");
  }

  static ClientAnswer outcomeUnknown(String key, Instant keyExpiresAt, int attempts, String detail) {
    return new ClientAnswer(Kind.OUTCOME_UNKNOWN, null, key, keyExpiresAt, attempts, false, detail);
  }

  static ClientAnswer failed(@Nullable String key, int attempts, String detail) {
    return new ClientAnswer(Kind.FAILED, null, key, null, attempts, false, detail);
  }
}

package dev.onceonly;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An operation written to the journal that has no final answer yet: its request may or may not
 * have reached the server. {@link Operations#resumePending()} settles it.
 *
 * @param idempotencyKey the operation's key
 * @param method the HTTP method, such as {@code POST}
 * @param url the URL the request goes to
 * @param firstSentAt when the key was first sent
 * @param keyExpiresAt when the server forgets the key; never re-sent after it (less the margin)
 * @param reference the caller's own reference for the operation, if it gave one
 */
public record PendingOperation(
    String idempotencyKey, String method, String url, Instant firstSentAt, Instant keyExpiresAt,
    @Nullable String reference) {

  public PendingOperation {
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(firstSentAt, "firstSentAt");
    Objects.requireNonNull(keyExpiresAt, "keyExpiresAt");
  }
}

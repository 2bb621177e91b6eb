package dev.onceonly.journal;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One idempotent operation as the journal holds it: everything needed to send it again exactly
 * as it was first sent, and how far it got.
 *
 * <p>The body is kept as the exact bytes sent (never re-serialised): a server compares bytes, and
 * a resumed operation must send the same ones. The headers are the request's own headers that
 * carry no secret ({@code Content-Type}, {@code Accept}, the key header); the
 * {@code Authorization} header is never journaled, a resuming client adds its own.
 *
 * @param idempotencyKey the operation's key; unique in a journal
 * @param operation what the operation is, such as {@code transfers.create}, so that a resume can
 *     decode its answer
 * @param method the HTTP method, such as {@code POST}
 * @param url the absolute URL the request was sent to
 * @param headers the request headers to send again, in order (no {@code Authorization})
 * @param body the exact body bytes; shared, never modified
 * @param firstSentAt when the key was first sent (or about to be)
 * @param keyExpiresAt when the server forgets the key; never re-sent at or after this instant
 *     (less the policy's margin)
 * @param state how far the operation got
 * @param statusCode the final answer's HTTP status once settled, 0 while pending
 * @param response the final answer's body once settled, {@code null} while pending
 * @param reference the caller's own reference for the operation (a job or invoice id), by which
 *     {@link OperationJournal#findByReference} finds it after a crash; {@code null} when none
 */
public record JournalEntry(
    String idempotencyKey,
    String operation,
    String method,
    String url,
    Map<String, String> headers,
    byte[] body,
    Instant firstSentAt,
    Instant keyExpiresAt,
    JournalState state,
    int statusCode,
    byte @Nullable [] response,
    @Nullable String reference) {

  public JournalEntry {
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(headers, "headers");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(firstSentAt, "firstSentAt");
    Objects.requireNonNull(keyExpiresAt, "keyExpiresAt");
    Objects.requireNonNull(state, "state");
    for (String name : headers.keySet()) {
      if (name.equalsIgnoreCase("Authorization")) {
        throw new IllegalArgumentException("headers must not hold Authorization: it is never journaled");
      }
    }
    headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
  }

  /** A new, pending entry: what the client writes ahead of the first attempt. */
  public static JournalEntry pending(
      String idempotencyKey,
      String operation,
      String method,
      String url,
      Map<String, String> headers,
      byte[] body,
      Instant firstSentAt,
      Instant keyExpiresAt,
      @Nullable String reference) {
    return new JournalEntry(idempotencyKey, operation, method, url, headers, body, firstSentAt, keyExpiresAt,
        JournalState.PENDING, 0, null, reference);
  }

  /** This entry settled as {@code state} with the final answer. */
  public JournalEntry settled(JournalState state, int statusCode, byte[] response) {
    return new JournalEntry(idempotencyKey, operation, method, url, headers, body, firstSentAt, keyExpiresAt,
        state, statusCode, response, reference);
  }

  /** The key, method and URL; never the body, which may carry personal data. */
  @Override
  public String toString() {
    return "JournalEntry{" + idempotencyKey + (reference == null ? "" : " (" + reference + ")") + ", " + operation + ", " + method + " " + url + ", " + state
        + (statusCode == 0 ? "" : ", " + statusCode) + ", firstSentAt=" + firstSentAt + '}';
  }
}

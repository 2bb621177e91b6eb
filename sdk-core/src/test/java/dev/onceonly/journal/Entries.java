package dev.onceonly.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Journal entries for tests, and a comparison that looks inside the byte arrays. */
final class Entries {

  /** Instants in tests are whole milliseconds: the JDBC journal keeps no finer. */
  static final Instant T0 = Instant.parse("2031-03-04T05:06:07.089Z");
  static final Duration KEY_WINDOW = Duration.ofHours(24);

  private Entries() {}

  static JournalEntry pending(String key, Instant firstSentAt) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("Idempotency-Key", key);
    return JournalEntry.pending(key, "transfers.create", "POST", "https://api.example.test/v1/transfers", headers,
        ("{\"amount\":\"12.34\",\"key\":\"" + key + "\"}").getBytes(StandardCharsets.UTF_8), firstSentAt,
        firstSentAt.plus(KEY_WINDOW), null);
  }

  static JournalEntry withReference(JournalEntry e, String reference) {
    return new JournalEntry(e.idempotencyKey(), e.operation(), e.method(), e.url(), e.headers(), e.body(),
        e.firstSentAt(), e.keyExpiresAt(), e.state(), e.statusCode(), e.response(), reference);
  }

  static JournalEntry pending(String key) {
    return pending(key, T0);
  }

  static JournalEntry withBody(JournalEntry e, byte[] body) {
    return new JournalEntry(e.idempotencyKey(), e.operation(), e.method(), e.url(), e.headers(), body,
        e.firstSentAt(), e.keyExpiresAt(), e.state(), e.statusCode(), e.response(), e.reference());
  }

  static JournalEntry withHeaders(JournalEntry e, Map<String, String> headers) {
    return new JournalEntry(e.idempotencyKey(), e.operation(), e.method(), e.url(), headers, e.body(),
        e.firstSentAt(), e.keyExpiresAt(), e.state(), e.statusCode(), e.response(), e.reference());
  }

  static JournalEntry withKeyExpiresAt(JournalEntry e, Instant keyExpiresAt) {
    return new JournalEntry(e.idempotencyKey(), e.operation(), e.method(), e.url(), e.headers(), e.body(),
        e.firstSentAt(), keyExpiresAt, e.state(), e.statusCode(), e.response(), e.reference());
  }

  static JournalEntry settled(JournalEntry e, JournalState state, int statusCode, byte[] response) {
    return new JournalEntry(e.idempotencyKey(), e.operation(), e.method(), e.url(), e.headers(), e.body(),
        e.firstSentAt(), e.keyExpiresAt(), state, statusCode, response, e.reference());
  }

  /** Every field, the arrays by content, the headers in order. */
  static void assertSameEntry(JournalEntry expected, JournalEntry actual) {
    assertEquals(expected.idempotencyKey(), actual.idempotencyKey(), "idempotencyKey");
    assertEquals(expected.operation(), actual.operation(), "operation of " + expected.idempotencyKey());
    assertEquals(expected.method(), actual.method(), "method of " + expected.idempotencyKey());
    assertEquals(expected.reference(), actual.reference(), "reference of " + expected.idempotencyKey());
    assertEquals(expected.url(), actual.url(), "url of " + expected.idempotencyKey());
    assertEquals(new ArrayList<>(expected.headers().entrySet()), new ArrayList<>(actual.headers().entrySet()),
        "headers, in order, of " + expected.idempotencyKey());
    assertArrayEquals(expected.body(), actual.body(), "body of " + expected.idempotencyKey());
    assertEquals(expected.firstSentAt(), actual.firstSentAt(), "firstSentAt of " + expected.idempotencyKey());
    assertEquals(expected.keyExpiresAt(), actual.keyExpiresAt(), "keyExpiresAt of " + expected.idempotencyKey());
    assertEquals(expected.state(), actual.state(), "state of " + expected.idempotencyKey());
    assertEquals(expected.statusCode(), actual.statusCode(), "statusCode of " + expected.idempotencyKey());
    assertArrayEquals(expected.response(), actual.response(), "response of " + expected.idempotencyKey());
  }

  static List<String> keys(List<JournalEntry> entries) {
    return entries.stream().map(JournalEntry::idempotencyKey).toList();
  }
}

package dev.onceonly.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** {@link TransferJson#parseCommonUtc}: the fast path for {@code created} agrees with {@code Instant.parse}. */
final class CommonUtcParseTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "2026-11-23T10:15:30.123Z", "2026-11-23T10:15:30Z", "2026-11-23T10:15:30.1Z",
      "2026-11-23T10:15:30.123456789Z", "2026-11-23T10:15:30.000000001Z", "2024-02-29T23:59:59.999Z",
      "2000-02-29T00:00:00Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z",
      "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.5Z"})
  void readsTheCommonFormAsInstantParseDoes(String text) {
    assertEquals(Instant.parse(text), TransferJson.parseCommonUtc(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "2026-11-23T10:15:30.123+01:00", "2026-11-23t10:15:30Z", "2026-11-23T10:15:30z",
      "2026-11-23T10:15:60Z", "2026-11-23T24:00:00Z", "2026-02-29T10:15:30Z", "2026-04-31T10:15:30Z",
      "2026-13-01T10:15:30Z", "2026-00-01T10:15:30Z", "2026-01-00T10:15:30Z", "2026-11-23T10:15:30.Z",
      "2026-11-23T10:15:30.1234567890Z", "+2026-11-23T10:15:30Z", "20260-11-23T10:15:30Z",
      "2026-11-23 10:15:30Z", "2026-11-23T10:15Z", "2026-1١-23T10:15:30Z", "", "Z"})
  void leavesEverythingElseToTheGeneralParsers(String text) {
    assertNull(TransferJson.parseCommonUtc(text));
  }

  @Test
  void agreesWithInstantParseOnRandomTimes() {
    SplittableRandom random = new SplittableRandom(20261123);
    for (int i = 0; i < 20_000; i++) {
      Instant instant = Instant.ofEpochSecond(random.nextLong(-62_167_219_200L, 253_402_300_800L),
          random.nextInt(4) == 0 ? 0 : random.nextInt(1_000_000_000));
      String text = instant.toString(); // the ISO form servers send, with 0, 3, 6 or 9 fraction digits
      assertEquals(Instant.parse(text), TransferJson.parseCommonUtc(text), text);
    }
  }

  @Test
  void nearMissesAreRefusedOrReadAsInstantParseReadsThem() {
    SplittableRandom random = new SplittableRandom(7);
    char[] alphabet = "0123456789-:T.Z+tz ".toCharArray();
    for (int i = 0; i < 50_000; i++) {
      char[] text = "2024-02-29T23:59:59.123Z".toCharArray();
      for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
        text[random.nextInt(text.length)] = alphabet[random.nextInt(alphabet.length)];
      }
      String s = new String(text);
      Instant fast = TransferJson.parseCommonUtc(s);
      if (fast != null) {
        assertEquals(Instant.parse(s), fast, s);
      } else {
        try {
          Instant general = Instant.parse(s);
          // refused by the fast path but valid: only forms the fast path leaves out on purpose
          assertEquals(true, s.endsWith("z") || s.contains("t") || s.contains("+") || s.contains(":60")
              || s.contains(".Z"), s + " read as " + general);
        } catch (DateTimeParseException expected) {
          // invalid for both
        }
      }
    }
  }
}

package dev.onceonly.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeaderTextTest {

  private static Map<String, String> headers(String... namesAndValues) {
    Map<String, String> h = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      h.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return h;
  }

  @Test
  void ordinaryHeadersAreWrittenPlainlyOnePerLineInOrder() {
    assertEquals("Content-Type:application/json\nIdempotency-Key:0f8c-41\nAccept:*/*",
        HeaderText.encode(headers("Content-Type", "application/json", "Idempotency-Key", "0f8c-41", "Accept", "*/*")));
  }

  @Test
  void noHeadersIsAnEmptyString() {
    assertEquals("", HeaderText.encode(Map.of()));
    assertEquals(Map.of(), HeaderText.decode(""));
  }

  @Test
  void percentControlCharactersAndAColonInANameAreEscaped() {
    assertEquals("X%3AY:a:b%25c%0Ad%00e%0D",
        HeaderText.encode(headers("X:Y", "a:b%c\nd\u0000e\r")));
  }

  @Test
  void whatIsEncodedDecodesToTheSameHeadersInTheSameOrder() {
    Map<String, String> h = headers("Zeta", "", "", "empty name", "X:Y", "a:b%c\nd\u0000e\r", "Grüße", "€ 日本 %41");

    Map<String, String> back = HeaderText.decode(HeaderText.encode(h));

    assertEquals(new ArrayList<>(h.entrySet()), new ArrayList<>(back.entrySet()));
  }

  @Test
  void textNotInTheFormIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> HeaderText.decode("no colon"));
    assertThrows(IllegalArgumentException.class, () -> HeaderText.decode("A:b%4"));
    assertThrows(IllegalArgumentException.class, () -> HeaderText.decode("A:b%zz"));
  }
}

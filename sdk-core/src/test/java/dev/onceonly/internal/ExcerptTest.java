package dev.onceonly.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ExcerptTest {

  @Test
  void shortTextIsKeptOnOneLine() {
    assertEquals("502 Bad Gateway nginx", Excerpt.of("  502 Bad Gateway\r\n\t nginx \n", 40));
  }

  @Test
  void longTextIsCutAndMarked() {
    assertEquals("abcde…", Excerpt.of("abcdefghij", 5));
    assertEquals("abcde", Excerpt.of("abcde", 5));
  }

  @Test
  void aBodyCutBeforeDecodingIsMarkedEvenWhenItsExcerptIsShort() {
    // an indented HTML page: the bytes read for the excerpt collapse to a few characters
    byte[] body = ("<html>" + " ".repeat(1000) + "<body>The real error is down here</body></html>")
        .getBytes(StandardCharsets.UTF_8);

    String excerpt = Excerpt.of(body, 200);

    assertEquals("<html>…", excerpt);
  }

  @Test
  void aBodyCutInsideAMultiByteCharacterHasNoReplacementCharacter() {
    // 4 * 10 bytes are read: 38 blanks, 'x' and the first of the two bytes of 'é'
    byte[] body = (" ".repeat(38) + "xé and more").getBytes(StandardCharsets.UTF_8);

    String excerpt = Excerpt.of(body, 10);

    assertEquals("x…", excerpt);
    // a four-byte character split after its second byte
    assertEquals("y…", Excerpt.of((" ".repeat(37) + "y😀 tail").getBytes(StandardCharsets.UTF_8), 10));
  }

  @Test
  void aCutNeverSplitsASurrogatePair() {
    String excerpt = Excerpt.of("abcd😀efgh", 5); // the emoji is two chars, at index 4 and 5

    assertEquals("abcd…", excerpt);
    assertTrue(excerpt.chars().noneMatch(c -> Character.isSurrogate((char) c)), excerpt);
  }

  @Test
  void aWholeBodyIsNotMarked() {
    assertEquals("{\"error\":\"x\"}", Excerpt.of("{\"error\":\"x\"}".getBytes(StandardCharsets.UTF_8), 200));
  }
}

package dev.onceonly.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
  void aWholeBodyIsNotMarked() {
    assertEquals("{\"error\":\"x\"}", Excerpt.of("{\"error\":\"x\"}".getBytes(StandardCharsets.UTF_8), 200));
  }
}

package dev.onceonly.internal;

import java.nio.charset.StandardCharsets;

/** Bounded, single-line excerpts of server text for exception messages. */
final class Excerpt {

  private Excerpt() {}

  static String of(String text, int max) {
    String oneLine = text.replaceAll("\\s+", " ").strip();
    return oneLine.length() <= max ? oneLine : oneLine.substring(0, max) + "…";
  }

  static String of(byte[] body, int max) {
    int len = Math.min(body.length, max * 4);
    return of(new String(body, 0, len, StandardCharsets.UTF_8), max);
  }
}

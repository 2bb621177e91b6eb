package dev.onceonly.internal;

import java.nio.charset.StandardCharsets;

/** Bounded, single-line excerpts of server text for exception messages. */
final class Excerpt {

  private Excerpt() {}

  static String of(String text, int max) {
    return bounded(oneLine(text), max, false);
  }

  static String of(byte[] body, int max) {
    return cut(body, max, max * 4, text -> text);
  }

  /**
   * An excerpt of {@code body}, passed through {@code scrub} before it is cut, so that a secret
   * the scrubber removes cannot survive in half at the cut. Reads a little more than the
   * excerpt needs, which leaves room for what the scrubber shortens.
   */
  static String of(byte[] body, int max, java.util.function.UnaryOperator<String> scrub) {
    return cut(body, max, max * 4 + 1024, scrub);
  }

  private static String cut(byte[] body, int max, int readAtMost, java.util.function.UnaryOperator<String> scrub) {
    int len = Math.min(body.length, readAtMost);
    while (len > 0 && len < body.length && (body[len] & 0xC0) == 0x80) {
      len--; // never cut inside a UTF-8 sequence: the half would decode to U+FFFD
    }
    // A body cut before decoding is marked as cut even when its excerpt is short: an indented
    // page can collapse to a few characters, which would otherwise read as the whole body.
    return bounded(oneLine(scrub.apply(new String(body, 0, len, StandardCharsets.UTF_8))), max, len < body.length);
  }

  private static String oneLine(String text) {
    return text.replaceAll("\\s+", " ").strip();
  }

  private static String bounded(String oneLine, int max, boolean cut) {
    if (oneLine.length() <= max) {
      return cut ? oneLine + "…" : oneLine;
    }
    int end = max > 0 && Character.isHighSurrogate(oneLine.charAt(max - 1)) ? max - 1 : max;
    return oneLine.substring(0, end) + "…"; // never half of a surrogate pair
  }
}

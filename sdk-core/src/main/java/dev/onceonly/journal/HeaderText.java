package dev.onceonly.journal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The text form of a journal entry's headers in the {@code headers} column: one header per line,
 * in order, as {@code name:value}, lines separated by a line feed ({@code \n}); no header, an
 * empty string.
 *
 * <p>So that any name and value round-trip, a few characters are percent-escaped as {@code %XX}
 * (two upper-case hex digits of the UTF-16 code unit): {@code %} itself and every control
 * character below U+0020 (line breaks, and NUL, which PostgreSQL text cannot hold) in names and
 * values, and {@code :} in names. Everything else is stored as is, so ordinary headers read
 * plainly: {@code Content-Type:application/json}.
 *
 * <p>Chosen over JSON to need no parser in the SDK and no escaping of ordinary headers; chosen
 * over a map type so that both databases store it the same way.
 */
final class HeaderText {

  private HeaderText() {}

  static String encode(Map<String, String> headers) {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, String> h : headers.entrySet()) {
      if (out.length() > 0) {
        out.append('\n');
      }
      escape(h.getKey(), true, out);
      out.append(':');
      escape(h.getValue(), false, out);
    }
    return out.toString();
  }

  /**
   * Reads what {@link #encode} wrote.
   *
   * @throws IllegalArgumentException if {@code text} is not in that form
   */
  static Map<String, String> decode(String text) {
    if (text.isEmpty()) {
      return Collections.emptyMap();
    }
    Map<String, String> headers = new LinkedHashMap<>();
    int start = 0;
    while (start <= text.length()) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        end = text.length();
      }
      int colon = text.indexOf(':', start);
      if (colon < 0 || colon > end) {
        throw new IllegalArgumentException("a header line has no ':' at offset " + start);
      }
      headers.put(unescape(text, start, colon), unescape(text, colon + 1, end));
      start = end + 1;
    }
    return headers;
  }

  private static void escape(String s, boolean name, StringBuilder out) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == '%' || (name && c == ':')) {
        out.append('%').append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
      } else {
        out.append(c);
      }
    }
  }

  private static String unescape(String text, int from, int to) {
    StringBuilder out = new StringBuilder(to - from);
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c == '%') {
        if (i + 2 >= to) {
          throw new IllegalArgumentException("a '%' escape is cut short at offset " + i);
        }
        int hi = Character.digit(text.charAt(i + 1), 16);
        int lo = Character.digit(text.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw new IllegalArgumentException("a '%' escape is not two hex digits at offset " + i);
        }
        out.append((char) (hi << 4 | lo));
        i += 2;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();
}

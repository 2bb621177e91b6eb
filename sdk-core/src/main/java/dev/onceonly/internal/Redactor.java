package dev.onceonly.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Scrubs credentials from server text before the SDK keeps it (in an exception message or an
 * attempt event): servers and proxies echo request headers in error pages, and an exception
 * message ends up in logs. Removes the client's own bearer token wherever it appears, and the
 * value of anything that looks like an {@code Authorization} header or a {@code Bearer}/
 * {@code Basic} credential. Thread-safe.
 */
public final class Redactor {

  static final String MARK = "[redacted]";

  /** {@code Authorization: <scheme> <value>}, {@code "authorization":"..."}, {@code authorization=...}. */
  private static final Pattern AUTHORIZATION = Pattern.compile(
      "(?i)(\\b(?:proxy-)?authorization\\b[\"']?\\s*[:=]\\s*[\"']?)((?:bearer|basic|token)\\s+)?[^\\s\"',;&<>]+");
  /** {@code Bearer <token>} or {@code Basic <credentials>} wherever it stands. */
  private static final Pattern CREDENTIAL = Pattern.compile("(?i)\\b(bearer|basic)\\s+[A-Za-z0-9._~+/=-]{4,}");

  private final TokenSource tokens;

  /** @param token the client's bearer token, or {@code null} for none */
  public Redactor(@Nullable String token) {
    this(TokenSource.of(token == null || token.isEmpty() ? null : token));
  }

  /** Scrubs whatever {@code tokens} handed out last (and the one before, across a rotation). */
  public Redactor(TokenSource tokens) {
    this.tokens = tokens;
  }

  /** A redactor that knows no token (it still scrubs what looks like a credential). */
  public static Redactor none() {
    return new Redactor(TokenSource.none());
  }

  /** {@code text} without the token or anything that looks like a credential. */
  public String scrub(String text) {
    String out = text;
    String last = tokens.last();
    if (last != null && !last.isEmpty()) {
      out = out.replace(last, MARK);
    }
    String previous = tokens.previous();
    if (previous != null && !previous.isEmpty()) {
      out = out.replace(previous, MARK);
    }
    if (out.isEmpty()) {
      return out;
    }
    Matcher m = AUTHORIZATION.matcher(out);
    if (m.find()) {
      out = m.replaceAll(r -> Matcher.quoteReplacement(r.group(1) + MARK));
    }
    m = CREDENTIAL.matcher(out);
    if (m.find()) {
      out = m.replaceAll(r -> Matcher.quoteReplacement(r.group(1) + " " + MARK));
    }
    return out;
  }

  @Override
  public String toString() {
    return "Redactor{token=" + tokens + "}";
  }
}

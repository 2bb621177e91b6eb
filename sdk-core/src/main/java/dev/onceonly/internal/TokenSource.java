package dev.onceonly.internal;

import dev.onceonly.PaymentsException;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Where the bearer token of each attempt comes from: a fixed token, or a supplier read once per
 * attempt (OAuth tokens expire hourly and are refreshed by the application). Remembers the last
 * two tokens it handed out, so that the {@link Redactor} can scrub them from server text even
 * after a rotation. Thread-safe when the supplier is.
 */
public final class TokenSource {

  private static final TokenSource NONE = new TokenSource(null);

  private final @Nullable Supplier<String> supplier;
  private volatile @Nullable String last;
  private volatile @Nullable String previous;

  private TokenSource(@Nullable Supplier<String> supplier) {
    this.supplier = supplier;
  }

  /** No token: no {@code Authorization} header. */
  public static TokenSource none() {
    return NONE;
  }

  /** Always {@code token} (already checked). */
  public static TokenSource of(@Nullable String token) {
    if (token == null) {
      return NONE;
    }
    TokenSource fixed = new TokenSource(() -> token);
    fixed.last = token;
    return fixed;
  }

  /** Whatever {@code supplier} gives, read once per attempt. */
  public static TokenSource from(Supplier<String> supplier) {
    return new TokenSource(Objects.requireNonNull(supplier, "supplier"));
  }

  /** Whether requests carry a token at all. */
  public boolean isSet() {
    return supplier != null;
  }

  /**
   * The token for one attempt.
   *
   * @throws PaymentsException if the supplier threw, or gave nothing or a token that could split
   *     the header; the attempt is then not sent. The message never holds the token.
   */
  String next() {
    Supplier<String> s = Objects.requireNonNull(supplier, "no token source");
    String token;
    try {
      token = s.get();
    } catch (RuntimeException | LinkageError e) {
      throw new PaymentsException("the bearer token supplier threw " + e.getClass().getName()
          + "; the request was not sent", null, e);
    }
    try {
      ClientConfig.checkBearerToken(token);
    } catch (RuntimeException e) {
      throw new PaymentsException("the bearer token supplier gave an unusable token (" + e.getMessage()
          + "); the request was not sent", null, null);
    }
    if (!token.equals(last)) {
      previous = last;
      last = token;
    }
    return token;
  }

  /** The tokens handed out most recently, to scrub. */
  @Nullable String last() {
    return last;
  }

  @Nullable String previous() {
    return previous;
  }

  @Override
  public String toString() {
    return supplier == null ? "none" : "(set)";
  }
}

package dev.onceonly.internal;

import dev.onceonly.IdempotencyProfile;
import dev.onceonly.RetryListener;
import dev.onceonly.RetryPolicy;
import dev.onceonly.Sleeper;
import dev.onceonly.journal.OperationJournal;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Everything a client needs besides its transport, validated. Built by a transport module's
 * builder (such as {@code OkHttpPaymentsClient.Builder}).
 *
 * @param baseUrl the API root, absolute, ending in {@code /}
 * @param bearerToken sent as {@code Authorization: Bearer ...}, or {@code null} for none
 * @param profile how the API speaks idempotency
 */
public record ClientConfig(
    URI baseUrl,
    @Nullable String bearerToken,
    RetryPolicy retryPolicy,
    RetryListener listener,
    Clock clock,
    Sleeper sleeper,
    OperationJournal journal,
    IdempotencyProfile profile) {

  /** A configuration with its own in-memory journal. */
  public ClientConfig(URI baseUrl, @Nullable String bearerToken, RetryPolicy retryPolicy, RetryListener listener,
      Clock clock, Sleeper sleeper) {
    this(baseUrl, bearerToken, retryPolicy, listener, clock, sleeper, OperationJournal.inMemory());
  }

  /** A configuration for the {@linkplain IdempotencyProfile#standard() standard} profile. */
  public ClientConfig(URI baseUrl, @Nullable String bearerToken, RetryPolicy retryPolicy, RetryListener listener,
      Clock clock, Sleeper sleeper, OperationJournal journal) {
    this(baseUrl, bearerToken, retryPolicy, listener, clock, sleeper, journal, IdempotencyProfile.standard());
  }

  public ClientConfig {
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(journal, "journal");
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(retryPolicy, "retryPolicy");
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(sleeper, "sleeper");
    java.time.Duration window = profile.keyWindow().orElse(null);
    if (window != null && window.compareTo(retryPolicy.keyWindow()) < 0
        && retryPolicy.keyExpiryMargin().compareTo(window) >= 0) {
      throw new IllegalArgumentException("the " + profile.name() + " profile's key window of " + window
          + " must be longer than the retry policy's keyExpiryMargin (" + retryPolicy.keyExpiryMargin() + ")");
    }
  }

  /** Everything but the bearer token, which is only said to be set or not. */
  @Override
  public String toString() {
    return "ClientConfig{baseUrl=" + baseUrl + ", bearerToken=" + (bearerToken == null ? "none" : "(set)")
        + ", retryPolicy=" + retryPolicy + ", listener=" + listener + ", clock=" + clock + ", sleeper=" + sleeper
        + ", journal=" + journal.describe() + ", profile=" + profile.name() + '}';
  }

  /**
   * Parses and checks a base URL: absolute http(s), no query or fragment. A missing trailing
   * slash is added, so that {@code transfers} resolves beneath it.
   *
   * @throws IllegalArgumentException naming {@code baseUrl} when it is blank or not such a URL
   */
  public static URI parseBaseUrl(String baseUrl) {
    Objects.requireNonNull(baseUrl, "baseUrl");
    if (baseUrl.isBlank()) {
      throw new IllegalArgumentException("baseUrl must not be blank");
    }
    URI uri;
    try {
      uri = new URI(baseUrl.strip());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("baseUrl is not a valid URL: \"" + baseUrl + "\"", e);
    }
    String scheme = uri.getScheme();
    if (!("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) || uri.getHost() == null) {
      throw new IllegalArgumentException("baseUrl must be an absolute http(s) URL, was: \"" + baseUrl + "\"");
    }
    if (uri.getRawUserInfo() != null) {
      // Credentials go in bearerToken; and this message must not repeat them.
      throw new IllegalArgumentException("baseUrl must not contain user info (credentials); use bearerToken");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException("baseUrl must not have a query or fragment, was: \"" + baseUrl + "\"");
    }
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    if (!path.endsWith("/")) {
      path = path + "/";
    }
    return URI.create(scheme.toLowerCase(java.util.Locale.ROOT) + "://" + uri.getRawAuthority() + path);
  }

  /**
   * Checks a bearer token: non-blank, without line breaks or spaces (which would let it split
   * the header). The message never repeats the token.
   */
  public static String checkBearerToken(String bearerToken) {
    Objects.requireNonNull(bearerToken, "bearerToken");
    if (bearerToken.isBlank()) {
      throw new IllegalArgumentException("bearerToken must not be blank");
    }
    for (int i = 0; i < bearerToken.length(); i++) {
      char c = bearerToken.charAt(i);
      if (c <= ' ' || c >= 0x7f) {
        throw new IllegalArgumentException(
            "bearerToken must be visible ASCII without spaces (bad character at index " + i + ")");
      }
    }
    return bearerToken;
  }
}

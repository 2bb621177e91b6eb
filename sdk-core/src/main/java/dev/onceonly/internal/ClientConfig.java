package dev.onceonly.internal;

import dev.onceonly.RetryBudget;
import dev.onceonly.IdempotencyProfile;
import dev.onceonly.RetryListener;
import dev.onceonly.RetryPolicy;
import dev.onceonly.Sleeper;
import dev.onceonly.journal.OperationJournal;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * Everything a client needs besides its transport, validated. Built by a transport module's
 * builder (such as {@code OkHttpPaymentsClient.Builder}).
 *
 * @param baseUrl the API root, absolute, ending in {@code /}
 * @param tokens where each attempt's {@code Authorization: Bearer ...} comes from
 * @param journal where operations are written ahead
 * @param resumeLease how long a resume holds each operation it claims; {@code null} for the default
 * @param retryBudget the budget every operation of the client draws its retries from
 * @param scheduler where the asynchronous driver waits between attempts; {@code null} for one of
 *     the client's own, made on first use (a caller's is never shut down by the client)
 * @param asyncExecutor where asynchronous operations' futures are completed; {@code null} for the
 *     client's own pool
 * @param profile how the API speaks idempotency
 */
public record ClientConfig(
    URI baseUrl,
    TokenSource tokens,
    RetryPolicy retryPolicy,
    RetryListener listener,
    Clock clock,
    Sleeper sleeper,
    OperationJournal journal,
    @Nullable Duration resumeLease,
    RetryBudget retryBudget,
    @Nullable ScheduledExecutorService scheduler,
    @Nullable Executor asyncExecutor,
    IdempotencyProfile profile) {

  /** With the standard profile. */
  public ClientConfig(URI baseUrl, TokenSource tokens, RetryPolicy retryPolicy, RetryListener listener, Clock clock,
      Sleeper sleeper, OperationJournal journal, @Nullable Duration resumeLease, RetryBudget retryBudget,
      @Nullable ScheduledExecutorService scheduler, @Nullable Executor asyncExecutor) {
    this(baseUrl, tokens, retryPolicy, listener, clock, sleeper, journal, resumeLease, retryBudget, scheduler,
        asyncExecutor, IdempotencyProfile.standard());
  }

  /** With the default lease and budget, the client's own scheduler and executor, the standard profile. */
  public ClientConfig(URI baseUrl, TokenSource tokens, RetryPolicy retryPolicy, RetryListener listener, Clock clock,
      Sleeper sleeper, OperationJournal journal) {
    this(baseUrl, tokens, retryPolicy, listener, clock, sleeper, journal, null, RetryBudget.defaults(), null, null);
  }

  /** A configuration with its own in-memory journal. */
  public ClientConfig(URI baseUrl, @Nullable String bearerToken, RetryPolicy retryPolicy, RetryListener listener,
      Clock clock, Sleeper sleeper) {
    this(baseUrl, TokenSource.of(bearerToken), retryPolicy, listener, clock, sleeper, OperationJournal.inMemory());
  }

  /** A configuration with its own in-memory journal, a fixed token (or none), and the given budget and executors. */
  public ClientConfig(URI baseUrl, @Nullable String bearerToken, RetryPolicy retryPolicy, RetryListener listener,
      Clock clock, Sleeper sleeper, RetryBudget retryBudget, @Nullable ScheduledExecutorService scheduler,
      @Nullable Executor asyncExecutor) {
    this(baseUrl, TokenSource.of(bearerToken), retryPolicy, listener, clock, sleeper, OperationJournal.inMemory(), null,
        retryBudget, scheduler, asyncExecutor);
  }

  /** A configuration with a fixed token (or none). */
  public ClientConfig(URI baseUrl, @Nullable String bearerToken, RetryPolicy retryPolicy, RetryListener listener,
      Clock clock, Sleeper sleeper, OperationJournal journal) {
    this(baseUrl, TokenSource.of(bearerToken), retryPolicy, listener, clock, sleeper, journal);
  }

  /** A configuration with a fixed token (or none), a journal and a profile. */
  public ClientConfig(URI baseUrl, @Nullable String bearerToken, RetryPolicy retryPolicy, RetryListener listener,
      Clock clock, Sleeper sleeper, OperationJournal journal, IdempotencyProfile profile) {
    this(baseUrl, TokenSource.of(bearerToken), retryPolicy, listener, clock, sleeper, journal, null,
        RetryBudget.defaults(), null, null, profile);
  }

  public ClientConfig {
    if (resumeLease != null && (resumeLease.isNegative() || resumeLease.isZero())) {
      throw new IllegalArgumentException("resumeLease must be positive, was: " + resumeLease);
    }
    Objects.requireNonNull(tokens, "tokens");
    Objects.requireNonNull(journal, "journal");
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(retryPolicy, "retryPolicy");
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(sleeper, "sleeper");
    Objects.requireNonNull(retryBudget, "retryBudget");
    Duration window = profile.keyWindow().orElse(null);
    if (window != null && window.compareTo(retryPolicy.keyWindow()) < 0
        && retryPolicy.keyExpiryMargin().compareTo(window) >= 0) {
      throw new IllegalArgumentException("the " + profile.name() + " profile's key window of " + window
          + " must be longer than the retry policy's keyExpiryMargin (" + retryPolicy.keyExpiryMargin() + ")");
    }
  }

  /** Everything but the bearer token, which is only said to be set or not. */
  @Override
  public String toString() {
    return "ClientConfig{baseUrl=" + baseUrl + ", bearerToken=" + tokens
        + ", retryPolicy=" + retryPolicy + ", listener=" + listener + ", clock=" + clock + ", sleeper=" + sleeper
        + ", journal=" + journal.describe() + ", retryBudget=" + retryBudget
        + ", scheduler=" + (scheduler == null ? "(own)" : scheduler)
        + ", asyncExecutor=" + (asyncExecutor == null ? "(own)" : asyncExecutor) + ", profile=" + profile.name() + '}';
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

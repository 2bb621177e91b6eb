package dev.onceonly.okhttp;

import dev.onceonly.IdempotencyProfile;
import dev.onceonly.PaymentsClient;
import dev.onceonly.RetryListener;
import dev.onceonly.RetryPolicy;
import dev.onceonly.Sleeper;
import dev.onceonly.http.HttpTransport;
import dev.onceonly.internal.ClientConfig;
import dev.onceonly.internal.DefaultPaymentsClient;
import dev.onceonly.journal.OperationJournal;
import dev.onceonly.okhttp.internal.OkHttpTransport;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * Builds a {@link PaymentsClient} that sends its requests with OkHttp.
 *
 * <pre>{@code
 * try (PaymentsClient client = OkHttpPaymentsClient.builder()
 *     .baseUrl("https://api.example.test/")
 *     .bearerToken(token)
 *     .build()) {
 *   Transfer t = client.transfers().create(params);
 * }
 * }</pre>
 *
 * <p>The client is immutable and thread-safe: build one per API and credentials, share it, and
 * close it when done. Each {@link Builder#build()} without {@link Builder#okHttpClient} creates
 * its own connection pool and dispatcher, which {@link PaymentsClient#close()} releases.
 *
 * <p>Whatever OkHttp client is used, the SDK turns off OkHttp's own retries and redirects
 * ({@code retryOnConnectionFailure(false)}, {@code followRedirects(false)},
 * {@code followSslRedirects(false)}): the SDK's retry engine is the only place that decides what
 * is sent again, with the same {@code Idempotency-Key} and the same body bytes.
 */
public final class OkHttpPaymentsClient {

  private OkHttpPaymentsClient() {}

  /** A builder with the defaults described on {@link Builder}. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Configures a {@link PaymentsClient}. Each method validates its argument at once and throws
   * {@link IllegalArgumentException} or {@link NullPointerException} naming it; {@link #build()}
   * checks that {@link #baseUrl} was given. Not thread-safe; the clients it builds are.
   *
   * <p>Defaults: no bearer token, a 5 s connect timeout, a 10 s read and write timeout (each per
   * attempt), {@link RetryPolicy#defaults()}, no retry listener, the system clock, a sleeper
   * that sleeps the calling thread, response bodies up to
   * {@link HttpTransport#DEFAULT_MAX_RESPONSE_BYTES} (10 MiB), and an OkHttp client of its own.
   */
  public static final class Builder {

    private static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);

    private @Nullable URI baseUrl;
    private @Nullable String bearerToken;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration readTimeout = DEFAULT_READ_TIMEOUT;
    private RetryPolicy retryPolicy = RetryPolicy.defaults();
    private RetryListener retryListener = RetryListener.NONE;
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.SYSTEM;
    private long maxResponseBytes = HttpTransport.DEFAULT_MAX_RESPONSE_BYTES;
    private @Nullable OkHttpClient okHttpClient;
    private @Nullable OperationJournal journal;
    private boolean allowPlaintextHttp;
    private IdempotencyProfile profile = IdempotencyProfile.standard();

    private Builder() {}

    /**
     * The API root, such as {@code https://api.example.test/}: an absolute http(s) URL without
     * query or fragment. Required. A missing trailing slash is added; resource paths such as
     * {@code transfers} resolve beneath it. The bearer token is only ever sent to this URL's
     * origin.
     *
     * @throws IllegalArgumentException if it is blank or not such a URL
     */
    public Builder baseUrl(String baseUrl) {
      this.baseUrl = ClientConfig.parseBaseUrl(baseUrl);
      return this;
    }

    /**
     * Sent as {@code Authorization: Bearer <token>} to the API's origin. Optional: without one,
     * no {@code Authorization} header is sent. Never included in exception messages. Never sent
     * over plain {@code http} to a host that is not loopback, unless {@link #allowPlaintextHttp()}
     * says so: {@link #build()} refuses.
     *
     * @throws IllegalArgumentException if it is blank or has spaces, line breaks or non-ASCII
     */
    public Builder bearerToken(String bearerToken) {
      this.bearerToken = ClientConfig.checkBearerToken(bearerToken);
      return this;
    }

    /**
     * How long one attempt may take to connect (TCP and TLS). Default 5 s. Zero means no
     * timeout, as in OkHttp.
     *
     * @throws IllegalArgumentException if negative, or not a whole number of milliseconds up to
     *     {@code Integer.MAX_VALUE} ms
     */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = checkTimeout(connectTimeout, "connectTimeout");
      return this;
    }

    /**
     * How long one attempt may wait for the server between bytes, reading the response or writing
     * the request (it is also the write timeout). Default 10 s. Zero means no timeout between
     * bytes, as in OkHttp. Whatever it is, each attempt as a whole is also cut at
     * {@code min(RetryPolicy.attemptTimeout(), time left to RetryPolicy.maxElapsed())}, so a
     * server that stalls or trickles its answer cannot hold an operation past its deadline.
     *
     * @throws IllegalArgumentException if negative, or not a whole number of milliseconds up to
     *     {@code Integer.MAX_VALUE} ms
     */
    public Builder readTimeout(Duration readTimeout) {
      this.readTimeout = checkTimeout(readTimeout, "readTimeout");
      return this;
    }

    /** How hard to retry: attempts, backoff and one deadline per operation. Default {@link RetryPolicy#defaults()}. */
    public Builder retryPolicy(RetryPolicy retryPolicy) {
      this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
      return this;
    }

    /** Observes every failed attempt and every successful operation. Default: none. */
    public Builder retryListener(RetryListener retryListener) {
      this.retryListener = Objects.requireNonNull(retryListener, "retryListener");
      return this;
    }

    /**
     * The clock for deadlines and key windows. For tests and simulations; the default is the
     * system clock ({@link Clock#systemUTC()}).
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * What waits between attempts. For tests and simulations (record the waits instead of
     * sleeping); the default, {@link Sleeper#SYSTEM}, sleeps the calling thread.
     */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /**
     * The largest response body read, in bytes; a larger one fails the attempt with
     * {@link dev.onceonly.InvalidResponseException} instead of being buffered. Default
     * {@link HttpTransport#DEFAULT_MAX_RESPONSE_BYTES} (10 MiB).
     *
     * @throws IllegalArgumentException if not more than zero, or beyond what a byte array holds
     */
    public Builder maxResponseBytes(long maxResponseBytes) {
      this.maxResponseBytes = OkHttpTransport.checkMaxResponseBytes(maxResponseBytes);
      return this;
    }

    /**
     * Your own OkHttp client, to share its connection pool, dispatcher, interceptors, proxy, TLS
     * and DNS settings. The SDK derives its client from it with {@link OkHttpClient#newBuilder()}
     * and then applies its own settings over yours: this builder's timeouts (yours are replaced,
     * except a {@code callTimeout}, which still bounds each attempt when it is shorter than the
     * policy's bound), no OkHttp retries or
     * redirects, and interceptors and an event listener of its own, added after yours.
     *
     * <p>You keep ownership: closing the {@link PaymentsClient} does not shut down this client's
     * dispatcher or connection pool; shut them down yourself when you are done with it.
     */
    public Builder okHttpClient(OkHttpClient okHttpClient) {
      this.okHttpClient = Objects.requireNonNull(okHttpClient, "okHttpClient");
      return this;
    }

    /**
     * Where the client writes each create ahead of its first request, and settles it when the
     * final answer comes: a durable journal ({@code JdbcOperationJournal.create(dataSource)} on
     * SQLite or PostgreSQL) makes exactly-once survive a crash of this process, through
     * {@code client.operations().resumePending()} in the next one. Default: a journal in this
     * process's memory ({@link OperationJournal#inMemory()}), one per client. The caller keeps
     * ownership: closing the client does not close it. One journal may serve several clients of
     * the same API and credentials.
     */
    public Builder journal(OperationJournal journal) {
      this.journal = Objects.requireNonNull(journal, "journal");
      return this;
    }

    /**
     * How the API speaks idempotency: the key's header, rules and window, which answers mean "in
     * progress", "already done", "key reused" or a conflict of its own, how replays are marked and
     * how a finished operation's answer is read. Default {@link IdempotencyProfile#standard()};
     * built-ins for Stripe, GoCardless, Increase, PayPal, Checkout.com, Adyen, MangoPay and
     * Dwolla, or {@link IdempotencyProfile#builder()} for another API. The key window used is the
     * shorter of the profile's and the retry policy's.
     */
    public Builder profile(IdempotencyProfile profile) {
      this.profile = Objects.requireNonNull(profile, "profile");
      return this;
    }

    /**
     * Lets {@link #build()} accept a bearer token with a plain {@code http} base URL whose host is
     * not loopback. Off by default: the token would cross the network in clear text, readable by
     * anyone on the path. Turn it on only for a test server on a network you trust.
     */
    public Builder allowPlaintextHttp() {
      this.allowPlaintextHttp = true;
      return this;
    }

    /**
     * Builds the client. Sends nothing.
     *
     * @throws IllegalArgumentException if {@link #baseUrl} was not given, or the profile's key
     *     window is not longer than the retry policy's {@code keyExpiryMargin}
     */
    public PaymentsClient build() {
      if (baseUrl == null) {
        throw new IllegalArgumentException("baseUrl is required");
      }
      if (bearerToken != null && "http".equals(baseUrl.getScheme()) && !isLoopback(baseUrl.getHost())
          && !allowPlaintextHttp) {
        throw new IllegalArgumentException("baseUrl is plain http to " + baseUrl.getHost() + ": the bearerToken would"
            + " cross the network in clear text. Use an https baseUrl, or call allowPlaintextHttp() if this is a test"
            + " server on a network you trust.");
      }
      ClientConfig config = new ClientConfig(baseUrl, bearerToken, retryPolicy, retryListener, clock, sleeper,
          journal == null ? OperationJournal.inMemory() : journal, profile);
      boolean ours = okHttpClient == null;
      OkHttpClient.Builder builder = okHttpClient == null ? new OkHttpClient.Builder() : okHttpClient.newBuilder();
      OkHttpClient client = builder
          .connectTimeout(connectTimeout)
          .readTimeout(readTimeout)
          .writeTimeout(readTimeout)
          .build();
      return new DefaultPaymentsClient(new OkHttpTransport(client, ours, maxResponseBytes), config);
    }

    /** Loopback by its name or address, without a DNS lookup: localhost, 127.0.0.0/8, ::1. */
    static boolean isLoopback(@Nullable String host) {
      if (host == null) {
        return false;
      }
      String h = host.toLowerCase(java.util.Locale.ROOT);
      if (h.startsWith("[") && h.endsWith("]")) {
        h = h.substring(1, h.length() - 1);
      }
      return h.equals("localhost") || h.endsWith(".localhost") || h.matches("127(\\.\\d{1,3}){3}")
          || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1");
    }

    private static Duration checkTimeout(Duration timeout, String name) {
      Objects.requireNonNull(timeout, name);
      if (timeout.isNegative()) {
        throw new IllegalArgumentException(name + " must not be negative, was: " + timeout);
      }
      // OkHttp counts whole milliseconds in an int; say so here rather than fail inside OkHttp.
      if (timeout.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) > 0) {
        throw new IllegalArgumentException(name + " must be at most " + Integer.MAX_VALUE + " ms, was: " + timeout);
      }
      if (!timeout.isZero() && timeout.toMillis() == 0) {
        throw new IllegalArgumentException(name + " must be zero or at least 1 ms, was: " + timeout);
      }
      return timeout;
    }
  }
}

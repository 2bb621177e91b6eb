package dev.onceonly.okhttp;

import dev.onceonly.IdempotencyProfile;
import dev.onceonly.PaymentsClient;
import dev.onceonly.RetryBudget;
import dev.onceonly.RetryListener;
import dev.onceonly.RetryPolicy;
import dev.onceonly.Sleeper;
import dev.onceonly.http.HttpTransport;
import dev.onceonly.internal.ClientConfig;
import dev.onceonly.internal.DefaultPaymentsClient;
import dev.onceonly.internal.TokenSource;
import dev.onceonly.journal.OperationJournal;
import dev.onceonly.okhttp.internal.Dispatchers;
import dev.onceonly.okhttp.internal.OkHttpTransport;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
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
 * <p>{@link PaymentsClient#async()} gives the same client without blocking (see
 * {@link dev.onceonly.PaymentsClientAsync}): its requests go through OkHttp's {@code enqueue},
 * at most {@link Builder#maxConcurrentRequests} at once, and its waits between attempts are
 * tasks on a scheduler, so no thread is held while an operation waits.
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
   * attempt), {@link RetryPolicy#defaults()}, {@link RetryBudget#defaults()}, no retry listener,
   * the system clock, a sleeper that sleeps the calling thread, response bodies up to
   * {@link HttpTransport#DEFAULT_MAX_RESPONSE_BYTES} (10 MiB), an OkHttp client of its own
   * allowing {@value #DEFAULT_MAX_CONCURRENT_REQUESTS} requests at once, and for asynchronous
   * calls a scheduler and a pool of the client's own, made on first use.
   */
  public static final class Builder {

    /** How many requests the client's own OkHttp client sends at once, to the API's host and in all. */
    public static final int DEFAULT_MAX_CONCURRENT_REQUESTS = 64;

    private static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);

    private @Nullable URI baseUrl;
    private TokenSource tokens = TokenSource.none();
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration readTimeout = DEFAULT_READ_TIMEOUT;
    private RetryPolicy retryPolicy = RetryPolicy.defaults();
    private RetryBudget retryBudget = RetryBudget.defaults();
    private @Nullable ScheduledExecutorService scheduler;
    private @Nullable Executor asyncExecutor;
    private int maxConcurrentRequests = DEFAULT_MAX_CONCURRENT_REQUESTS;
    private boolean maxConcurrentRequestsSet;
    private RetryListener retryListener = RetryListener.NONE;
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.SYSTEM;
    private long maxResponseBytes = HttpTransport.DEFAULT_MAX_RESPONSE_BYTES;
    private @Nullable OkHttpClient okHttpClient;
    private @Nullable OperationJournal journal;
    private boolean allowPlaintextHttp;
    private @Nullable Duration resumeLease;
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
      this.tokens = TokenSource.of(ClientConfig.checkBearerToken(bearerToken));
      return this;
    }

    /**
     * A token that rotates (an OAuth access token refreshed every hour): {@code supplier} is read
     * once per attempt, retries included, so each request carries the token current when it
     * leaves. Keep it fast (return a cached token; refresh it elsewhere). If it throws, or gives a
     * blank token or one with spaces or line breaks, that attempt is not sent and the operation
     * ends truthfully: {@code RequestNotSentException} if nothing of it can have reached the
     * server, {@code OutcomeUnknownException} after an attempt that may have. The token is never
     * in a message or log, and is scrubbed from server text as the fixed one is. Same rules for
     * plain {@code http} as {@link #bearerToken(String)}.
     */
    public Builder bearerToken(Supplier<String> supplier) {
      this.tokens = TokenSource.from(Objects.requireNonNull(supplier, "bearerToken"));
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

    /**
     * How many retries the client may make across all its operations, in proportion to the
     * operations it starts, so that an outage does not become a retry storm. Default
     * {@link RetryBudget#defaults()}; {@link RetryBudget#unlimited()} turns it off.
     */
    public Builder retryBudget(RetryBudget retryBudget) {
      this.retryBudget = Objects.requireNonNull(retryBudget, "retryBudget");
      return this;
    }

    /**
     * Where asynchronous operations wait between attempts (a task per wait; no thread sleeps).
     * Yours stays yours: {@link PaymentsClient#close()} does not shut it down, but it does cancel
     * the client's pending waits on it. Default: one daemon thread of the client's own
     * ({@code onceonly-scheduler}), made on first asynchronous use and stopped by {@code close()}.
     */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Where the futures of asynchronous operations are completed, so where your dependent stages
     * ({@code thenApply}, ...) run unless you give them an executor. Never used for the SDK's own
     * work (that runs on a small pool of the client's), so a stage of yours that blocks cannot
     * stall an operation; it only delays the completion of the futures queued behind it. Yours
     * stays yours: {@code close()} does not shut it down. Default: two daemon threads of the
     * client's own ({@code onceonly-callbacks-N}), made on first use and retired when idle: a
     * dedicated pool rather than {@code ForkJoinPool.commonPool()}, which has a single thread on a
     * two-core machine and is shared with the rest of the application.
     */
    public Builder asyncExecutor(Executor asyncExecutor) {
      this.asyncExecutor = Objects.requireNonNull(asyncExecutor, "asyncExecutor");
      return this;
    }

    /**
     * How many requests the client's own OkHttp client sends at once, in all and to the API's
     * host (OkHttp's {@code Dispatcher} limits, both set to this; OkHttp's own default is 5 per
     * host). Requests beyond it wait in OkHttp's queue, and that wait counts against each
     * attempt's bound. Each request in flight occupies one of OkHttp's dispatcher threads, so this
     * also bounds the threads asynchronous calls use: the client's own dispatcher runs on at most
     * this many threads (OkHttp's makes more under a steady queue). The client's own connection
     * pool keeps as many idle connections (OkHttp's keeps 5). Default {@value #DEFAULT_MAX_CONCURRENT_REQUESTS}.
     * Blocking calls are not queued: they run on the caller's thread.
     *
     * @throws IllegalArgumentException naming {@code maxConcurrentRequests} if less than 1; and
     *     {@link #build()} throws if {@link #okHttpClient} is also given (set its dispatcher's
     *     limits instead)
     */
    public Builder maxConcurrentRequests(int maxConcurrentRequests) {
      if (maxConcurrentRequests < 1) {
        throw new IllegalArgumentException("maxConcurrentRequests must be >= 1, was: " + maxConcurrentRequests);
      }
      this.maxConcurrentRequests = maxConcurrentRequests;
      this.maxConcurrentRequestsSet = true;
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
     * dispatcher or connection pool; shut them down yourself when you are done with it. Its
     * dispatcher's limits apply to asynchronous calls: OkHttp's default allows only 5 requests
     * per host at once, so raise {@code maxRequestsPerHost} (and {@code maxRequests}) for
     * asynchronous use.
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
     * How long {@code client.operations().resumePending()} holds each pending operation it claims
     * from a shared journal, so that no other instance resumes it meanwhile. If this process dies
     * mid-resume, another instance may take the operation up when the lease ends. Default: the
     * retry policy's {@code maxElapsed} plus its {@code attemptTimeout} plus 30 s, longer than any
     * resume of one operation can take. Set it shorter only with a policy whose operations end
     * well within it.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder resumeLease(Duration resumeLease) {
      Objects.requireNonNull(resumeLease, "resumeLease");
      if (resumeLease.isNegative() || resumeLease.isZero()) {
        throw new IllegalArgumentException("resumeLease must be positive, was: " + resumeLease);
      }
      this.resumeLease = resumeLease;
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
      if (tokens.isSet() && "http".equals(baseUrl.getScheme()) && !isLoopback(baseUrl.getHost())
          && !allowPlaintextHttp) {
        throw new IllegalArgumentException("baseUrl is plain http to " + baseUrl.getHost() + ": the bearerToken would"
            + " cross the network in clear text. Use an https baseUrl, or call allowPlaintextHttp() if this is a test"
            + " server on a network you trust.");
      }
      if (okHttpClient != null && maxConcurrentRequestsSet) {
        throw new IllegalArgumentException("maxConcurrentRequests applies to the client's own OkHttp client;"
            + " with okHttpClient(...), set the limits on that client's Dispatcher");
      }
      ClientConfig config = new ClientConfig(baseUrl, tokens, retryPolicy, retryListener, clock, sleeper,
          journal == null ? OperationJournal.inMemory() : journal, resumeLease, retryBudget, scheduler, asyncExecutor, profile);
      boolean ours = okHttpClient == null;
      OkHttpClient.Builder builder;
      if (okHttpClient == null) {
        // As many idle connections kept as requests sent at once (OkHttp keeps 5), so that a
        // busy client does not close and reopen connections between requests.
        builder = new OkHttpClient.Builder()
            .dispatcher(Dispatchers.bounded(maxConcurrentRequests))
            .connectionPool(new ConnectionPool(maxConcurrentRequests, 5, TimeUnit.MINUTES));
      } else {
        builder = okHttpClient.newBuilder();
      }
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

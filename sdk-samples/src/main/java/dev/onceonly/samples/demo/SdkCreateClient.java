package dev.onceonly.samples.demo;

import dev.onceonly.AttemptEvent;
import dev.onceonly.IdempotencyProfile;
import dev.onceonly.OperationResult;
import dev.onceonly.OutcomeUnknownException;
import dev.onceonly.PaymentsClient;
import dev.onceonly.PaymentsException;
import dev.onceonly.RequestNotSentException;
import dev.onceonly.RequestOptions;
import dev.onceonly.RetryListener;
import dev.onceonly.RetryPolicy;
import dev.onceonly.okhttp.OkHttpPaymentsClient;
import dev.onceonly.transfers.Transfer;
import dev.onceonly.transfers.TransferCreateParams;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Response;

/**
 * The OnceOnly SDK as the demonstration uses it: one shared {@link PaymentsClient}, a key minted
 * by the SDK for every create, and the demonstration's settings below.
 *
 * <p>Besides the SDK's own report of each create ({@link OperationResult#attempts()}), it counts
 * what the SDK's public hooks show: a {@link RetryListener} counts the failed attempts of each
 * key (for the attempts of a create that failed without saying), and an OkHttp interceptor on
 * the OkHttp client handed to the SDK notes every key whose {@code GET /responses/{key}} was
 * answered {@code 200}: a create that succeeded with such a key was recovered through
 * {@code /responses}. {@link #createAsync} makes the same create through {@code client.async()}.
 * The retry budget is the SDK's default ({@code RetryBudget.defaults()}): the demonstration's
 * faults (35% of attempts) stay within it. Thread-safe.
 */
final class SdkCreateClient implements CreateClient {

  /**
   * Per attempt: long enough for a loaded 2-core machine to answer (the sandbox answers in a
   * few milliseconds), short enough that an answer stalled for {@link #STALL_TIME} times out and
   * is retried instead of waited for.
   */
  static final Duration READ_TIMEOUT = Duration.ofSeconds(1);

  /** How long the sandbox holds a stalled answer: longer than the read timeout, so it times out. */
  static final Duration STALL_TIME = Duration.ofMillis(1500);

  /**
   * Rides out the demonstration's faults. With the default rates a POST fails 35% of the time
   * (20% dropped, 10% {@code 503}, 5% stalled), independently per attempt, so twelve attempts all
   * fail with probability 0.35<sup>12</sup>, about 3 in a million: an outcome is rarely left
   * unknown, and where the server offers {@code GET /responses/{key}} the last attempt asks it
   * and settles even that. Backoff starts at 20 ms and is capped at 500 ms, because the sandbox
   * recovers at once (a real API in trouble deserves {@code RetryPolicy.defaults()}'s 200 ms to
   * 5 s). The deadline of 30 s is above the worst case (12 read timeouts of 1 s plus 11 waits of
   * 0.5 s), so that attempts, not time, bound a create.
   */
  static final RetryPolicy RETRY_POLICY = RetryPolicy.builder()
      .maxAttempts(12)
      .initialBackoff(Duration.ofMillis(20))
      .maxBackoff(Duration.ofMillis(500))
      .maxElapsed(Duration.ofSeconds(30))
      .build();

  private final OkHttpClient okHttp;
  private final PaymentsClient client;
  private final Set<String> recoveredKeys = ConcurrentHashMap.newKeySet();
  private final ConcurrentHashMap<String, AtomicInteger> failedAttempts = new ConcurrentHashMap<>();

  /**
   * @param baseUrl the API root
   * @param threads how many threads will call at once (sizes the connection pool)
   * @param policy the retry policy; {@link #RETRY_POLICY} in the demonstration
   * @param clock the SDK's clock
   */
  SdkCreateClient(String baseUrl, int threads, RetryPolicy policy, Clock clock) {
    this(baseUrl, threads, policy, clock, IdempotencyProfile.standard());
  }

  /** As above, for a server that speaks {@code profile}. */
  SdkCreateClient(String baseUrl, int threads, RetryPolicy policy, Clock clock, IdempotencyProfile profile) {
    // The OkHttp client is ours, so its limits are too: as many requests at once as callers
    // (OkHttp's default is 5 per host, which would queue the asynchronous creates).
    Dispatcher dispatcher = new Dispatcher();
    dispatcher.setMaxRequests(Math.max(threads, 64));
    dispatcher.setMaxRequestsPerHost(Math.max(threads, 64));
    this.okHttp = new OkHttpClient.Builder()
        .dispatcher(dispatcher)
        .connectionPool(new ConnectionPool(threads, 1, TimeUnit.MINUTES))
        .addInterceptor(this::noteStoredResponses)
        .build();
    this.client = OkHttpPaymentsClient.builder()
        .baseUrl(baseUrl)
        .connectTimeout(READ_TIMEOUT)
        .readTimeout(READ_TIMEOUT)
        .retryPolicy(policy)
        .retryListener(new RetryListener() {
          @Override
          public void onAttempt(AttemptEvent event) {
            event.key().ifPresent(key ->
                failedAttempts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet());
          }
        })
        .clock(clock)
        .okHttpClient(okHttp)
        .profile(profile)
        .build();
  }

  /** The demonstration's client of {@code baseUrl}. */
  static SdkCreateClient forDemo(String baseUrl, int threads) {
    return new SdkCreateClient(baseUrl, threads, RETRY_POLICY, Clock.systemUTC());
  }

  /** The demonstration's client of {@code baseUrl}, a server that speaks {@code profile}. */
  static SdkCreateClient forDemo(String baseUrl, int threads, IdempotencyProfile profile) {
    return new SdkCreateClient(baseUrl, threads, RETRY_POLICY, Clock.systemUTC(), profile);
  }

  @Override
  public String name() {
    return "OnceOnly SDK";
  }

  /** The SDK client, to resume an unknown outcome with the same settings. */
  PaymentsClient client() {
    return client;
  }

  @Override
  public ClientAnswer create(TransferCreateParams params) {
    try {
      return succeeded(client.transfers().createWithResult(params, RequestOptions.none()));
    } catch (PaymentsException e) {
      return failed(e);
    }
  }

  /** The same create through {@code client.async()}: no thread waits for it. */
  @Override
  public CompletableFuture<ClientAnswer> createAsync(TransferCreateParams params) {
    return client.async().transfers().createWithResult(params, RequestOptions.none())
        .handle((result, error) -> {
          if (error == null) {
            return succeeded(result);
          }
          Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
          if (cause instanceof PaymentsException e) {
            return failed(e);
          }
          return ClientAnswer.failed(null, 1, "unexpected " + describe(cause));
        });
  }

  private ClientAnswer succeeded(OperationResult<Transfer> result) {
    return ClientAnswer.succeeded(result.value().id(), result.idempotencyKey(), result.attempts(),
        recoveredKeys.contains(result.idempotencyKey()));
  }

  private ClientAnswer failed(PaymentsException error) {
    if (error instanceof OutcomeUnknownException e) {
      String key = e.idempotencyKey().orElseThrow();
      return ClientAnswer.outcomeUnknown(key, e.keyExpiresAt(), e.attempts(), describe(e));
    }
    if (error instanceof RequestNotSentException e) {
      return ClientAnswer.failed(e.idempotencyKey().orElse(null), e.attempts(), describe(e));
    }
    String key = error.idempotencyKey().orElse(null);
    AtomicInteger failed = key == null ? null : failedAttempts.get(key);
    return ClientAnswer.failed(key, 1 + (failed == null ? 0 : failed.get()), describe(error));
  }

  @Override
  public void close() {
    client.close();
    // The OkHttp client is ours, not the SDK's: the SDK leaves a caller's client alone.
    okHttp.dispatcher().executorService().shutdown();
    okHttp.connectionPool().evictAll();
  }

  private Response noteStoredResponses(Interceptor.Chain chain) throws IOException {
    Response response = chain.proceed(chain.request());
    List<String> segments = chain.request().url().pathSegments();
    int n = segments.size();
    if (response.code() == 200 && "GET".equals(chain.request().method())
        && n >= 2 && "responses".equals(segments.get(n - 2))) {
      recoveredKeys.add(segments.get(n - 1));
    }
    return response;
  }

  static String describe(Throwable e) {
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}

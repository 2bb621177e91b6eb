package dev.onceonly.samples.naive;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import com.squareup.moshi.Types;
import dev.onceonly.Money;
import dev.onceonly.transfers.Transfer;
import dev.onceonly.transfers.TransferCreateParams;
import dev.onceonly.transfers.TransferStatus;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import okhttp3.ConnectionPool;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * A deliberately <strong>naive</strong> client of the Transfers API, kept as the baseline that
 * the demonstration and the benchmarks compare OnceOnly with. Do not copy it into real code.
 *
 * <p>It is what many codebases do: OkHttp, plus a resilience4j {@link Retry} that sends the
 * {@code POST /transfers} again on any {@link IOException} (a timeout, a reset, a closed
 * connection) and on any {@code 5xx}, with exponential backoff and jitter, and <em>no
 * {@code Idempotency-Key}</em>. When the server committed the transfer and only its answer was
 * lost, the retry asks for a second transfer, and the server, which cannot tell a retry from a
 * new request, makes it: money moves twice.
 *
 * <p>OkHttp's own silent retries are turned off, so that every request sent is one that the
 * {@code Retry} decided on and counted; they could only add duplicates. A {@code 201} with an
 * empty body (Dwolla's style) is followed by a {@code GET} of its {@code Location}.
 *
 * <p>Immutable and thread-safe: share one instance. It owns its OkHttp client; {@link #close()}
 * releases it.
 */
public final class NaiveTransferClient implements AutoCloseable {

  private static final MediaType JSON = MediaType.get("application/json");
  private static final JsonAdapter<Map<String, Object>> MAP_ADAPTER = new Moshi.Builder().build()
      .adapter(Types.newParameterizedType(Map.class, String.class, Object.class));

  private final URI baseUrl;
  private final OkHttpClient http;
  private final Retry retry;
  private final int maxAttempts;

  private NaiveTransferClient(Builder builder) {
    this.baseUrl = Objects.requireNonNull(builder.baseUrl, "baseUrl");
    this.maxAttempts = builder.maxAttempts;
    this.http = new OkHttpClient.Builder()
        .connectTimeout(builder.connectTimeout)
        .readTimeout(builder.readTimeout)
        .writeTimeout(builder.readTimeout)
        .retryOnConnectionFailure(false)
        .connectionPool(new ConnectionPool(builder.maxIdleConnections, 1, TimeUnit.MINUTES))
        .build();
    this.retry = Retry.of("naive-transfers", RetryConfig.<Exchange>custom()
        .maxAttempts(builder.maxAttempts)
        .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(
            builder.initialBackoff, 2.0, 0.5, builder.maxBackoff))
        .retryExceptions(IOException.class)
        .retryOnResult(exchange -> exchange.status() >= 500)
        .failAfterMaxAttempts(false) // hand back the last 5xx, which create() turns into an exception
        .build());
  }

  /** A builder with the defaults listed on {@link Builder}. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Creates a transfer, retrying on I/O errors and {@code 5xx} with no idempotency key.
   *
   * @return the transfer of the last successful attempt, and how many requests were sent
   * @throws CreateFailedException when attempts ran out, or the server answered another error
   */
  public Created create(TransferCreateParams params) {
    Objects.requireNonNull(params, "params");
    byte[] body = encode(params);
    AtomicInteger attempts = new AtomicInteger();
    Exchange posted = send(attempts, () -> new Request.Builder()
        .url(baseUrl.resolve("transfers").toString())
        .header("Accept", "application/json")
        .post(RequestBody.create(body, JSON))
        .build());
    if (posted.status() < 200 || posted.status() > 299) {
      throw new CreateFailedException("POST /transfers answered " + posted.status() + ": "
          + excerpt(posted.body()), posted.status(), attempts.get(), null);
    }
    Exchange answer = posted;
    if (isBlank(posted.body())) {
      String location = posted.location();
      if (location == null) {
        throw new CreateFailedException("POST /transfers answered " + posted.status()
            + " with neither a body nor a Location", posted.status(), attempts.get(), null);
      }
      answer = send(attempts, () -> new Request.Builder()
          .url(baseUrl.resolve(location).toString())
          .header("Accept", "application/json")
          .get()
          .build());
      if (answer.status() != 200) {
        throw new CreateFailedException("GET " + location + " answered " + answer.status(),
            answer.status(), attempts.get(), null);
      }
    }
    try {
      return new Created(decode(answer.body()), attempts.get());
    } catch (RuntimeException e) {
      throw new CreateFailedException("the answer is not a transfer: " + e.getMessage(),
          answer.status(), attempts.get(), e);
    }
  }

  /** The number of requests one create may send before it gives up. */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** Releases the OkHttp client's threads and connections. */
  @Override
  public void close() {
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  /** Sends the request the supplier builds, through the {@code Retry}, counting each attempt. */
  private Exchange send(AtomicInteger attempts, Supplier<Request> request) {
    try {
      return retry.executeCheckedSupplier(() -> {
        attempts.incrementAndGet();
        try (Response response = http.newCall(request.get()).execute()) {
          return new Exchange(response.code(), response.body().bytes(), response.header("Location"));
        }
      });
    } catch (IOException e) {
      throw new CreateFailedException("gave up after " + attempts.get() + " attempts: " + e,
          0, attempts.get(), e);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new CreateFailedException("failed: " + e, 0, attempts.get(), e);
    }
  }

  private static byte[] encode(TransferCreateParams params) {
    Map<String, Object> links = new LinkedHashMap<>();
    links.put("source", Map.of("href", params.source()));
    links.put("destination", Map.of("href", params.destination()));
    Map<String, Object> amount = new LinkedHashMap<>();
    amount.put("currency", params.amount().currency());
    amount.put("value", params.amount().value().toPlainString());
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("_links", links);
    root.put("amount", amount);
    if (!params.metadata().isEmpty()) {
      root.put("metadata", params.metadata());
    }
    return MAP_ADAPTER.toJson(root).getBytes(StandardCharsets.UTF_8);
  }

  private static Transfer decode(byte[] body) {
    Map<String, Object> json;
    try {
      json = MAP_ADAPTER.fromJson(new String(body, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (json == null) {
      throw new IllegalArgumentException("null body");
    }
    Map<?, ?> amount = (Map<?, ?>) json.get("amount");
    Map<String, String> metadata = new LinkedHashMap<>();
    if (json.get("metadata") instanceof Map<?, ?> map) {
      map.forEach((k, v) -> metadata.put(String.valueOf(k), String.valueOf(v)));
    }
    Map<?, ?> links = json.get("_links") instanceof Map<?, ?> map ? map : Map.of();
    return new Transfer(
        (String) Objects.requireNonNull(json.get("id"), "id"),
        status(String.valueOf(json.get("status"))),
        Money.of((String) amount.get("currency"), (String) amount.get("value")),
        Instant.parse((String) Objects.requireNonNull(json.get("created"), "created")),
        metadata,
        href(links, "source"),
        href(links, "destination"));
  }

  private static TransferStatus status(String status) {
    try {
      return TransferStatus.valueOf(status.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return TransferStatus.UNKNOWN;
    }
  }

  private static @Nullable String href(Map<?, ?> links, String name) {
    return links.get(name) instanceof Map<?, ?> link && link.get("href") instanceof String href ? href : null;
  }

  private static boolean isBlank(byte[] body) {
    return new String(body, StandardCharsets.UTF_8).isBlank();
  }

  private static String excerpt(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }

  /** One HTTP exchange, read whole so the connection is released before a retry. */
  private record Exchange(int status, byte[] body, @Nullable String location) {}

  /**
   * A transfer the naive client believes it created.
   *
   * @param transfer the transfer of the last, successful, attempt
   * @param attempts the requests sent, the {@code GET} of a {@code Location} included
   */
  public record Created(Transfer transfer, int attempts) {
    public Created {
      Objects.requireNonNull(transfer, "transfer");
    }
  }

  /** The naive client gave up, or the server refused. The transfer may still exist. */
  public static final class CreateFailedException extends RuntimeException {
    private final int statusCode;
    private final int attempts;

    CreateFailedException(String message, int statusCode, int attempts, @Nullable Throwable cause) {
      super(message, cause);
      this.statusCode = statusCode;
      this.attempts = attempts;
    }

    /** The last HTTP status, or 0 when the last attempt failed on the network. */
    public int statusCode() {
      return statusCode;
    }

    /** The requests sent. */
    public int attempts() {
      return attempts;
    }
  }

  /**
   * Configures a {@link NaiveTransferClient}. Defaults: a 5 s connect timeout, a 10 s read (and
   * write) timeout, 6 attempts, backoff from 200 ms doubling up to 5 s with &plusmn;50% jitter,
   * and up to 16 idle pooled connections: the same budget as {@code RetryPolicy.defaults()}, so
   * that a comparison is fair.
   */
  public static final class Builder {
    private @Nullable URI baseUrl;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration readTimeout = Duration.ofSeconds(10);
    private int maxAttempts = 6;
    private Duration initialBackoff = Duration.ofMillis(200);
    private Duration maxBackoff = Duration.ofSeconds(5);
    private int maxIdleConnections = 16;

    private Builder() {}

    /** The API root, such as {@code http://127.0.0.1:8080}; required. */
    public Builder baseUrl(String baseUrl) {
      Objects.requireNonNull(baseUrl, "baseUrl");
      URI uri = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
      boolean http = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
      if (!http || uri.getHost() == null) {
        throw new IllegalArgumentException("baseUrl must be an absolute http(s) URL, was: " + baseUrl);
      }
      this.baseUrl = uri;
      return this;
    }

    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = positive(connectTimeout, "connectTimeout");
      return this;
    }

    /** The read timeout of one attempt, also used as its write timeout. */
    public Builder readTimeout(Duration readTimeout) {
      this.readTimeout = positive(readTimeout, "readTimeout");
      return this;
    }

    /** Requests per create, the first included; at least 1. */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be >= 1, was: " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    public Builder initialBackoff(Duration initialBackoff) {
      this.initialBackoff = positive(initialBackoff, "initialBackoff");
      return this;
    }

    public Builder maxBackoff(Duration maxBackoff) {
      this.maxBackoff = positive(maxBackoff, "maxBackoff");
      return this;
    }

    /** How many idle connections to keep; size it to the number of calling threads. */
    public Builder maxIdleConnections(int maxIdleConnections) {
      if (maxIdleConnections < 0) {
        throw new IllegalArgumentException("maxIdleConnections must be >= 0, was: " + maxIdleConnections);
      }
      this.maxIdleConnections = maxIdleConnections;
      return this;
    }

    /** @throws IllegalArgumentException if no base URL was given, or initialBackoff > maxBackoff */
    public NaiveTransferClient build() {
      if (baseUrl == null) {
        throw new IllegalArgumentException("baseUrl is required");
      }
      if (initialBackoff.compareTo(maxBackoff) > 0) {
        throw new IllegalArgumentException("initialBackoff must not exceed maxBackoff");
      }
      return new NaiveTransferClient(this);
    }

    private static Duration positive(Duration value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was: " + value);
      }
      return value;
    }
  }
}

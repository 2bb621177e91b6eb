package dev.onceonly.okhttp.internal;

import dev.onceonly.InvalidResponseException;
import dev.onceonly.NetworkException;
import dev.onceonly.PaymentsException;
import dev.onceonly.http.HttpRequest;
import dev.onceonly.http.HttpResponse;
import dev.onceonly.http.HttpTransport;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.AsyncTimeout;
import okio.Buffer;
import okio.BufferedSource;
import org.jspecify.annotations.Nullable;

/**
 * An {@link HttpTransport} over OkHttp: one synchronous call per {@link #execute}, one
 * enqueued call per {@link #executeAsync}, no retries. Thread-safe.
 *
 * <p>The OkHttp client it is given is adapted with {@code newBuilder()} (so connection pool and
 * dispatcher are shared): OkHttp's own retries and redirects are turned off, so that the engine
 * above sees every failure and every {@code 3xx} and is the only place that decides what is sent
 * again; and a per-call {@link okhttp3.EventListener} records whether the request started to be
 * written, which is what {@link NetworkException#requestMayHaveReachedServer()} reports.
 *
 * <p>Request bodies are sent as the exact bytes given (never re-encoded), with the media type of
 * the request's {@code Content-Type}. Response bodies are read up to {@code maxResponseBytes};
 * a larger one is an {@link InvalidResponseException} and is never buffered whole. Every OkHttp
 * response is closed before {@code execute} returns. Exception messages name the method, URL and
 * failure, never a header value or body.
 *
 * <p>{@link #close()} shuts down the client's dispatcher and connection pool only when this
 * transport owns the client; a caller's client (and everything derived from it) is left alone.
 * After {@code close()}, {@code execute} throws a plain {@link PaymentsException}: nothing was sent.
 *
 * <p>Each exchange is bounded as a whole by the {@code timeout} the engine gives
 * ({@link Call#timeout()}): connecting, writing, waiting and reading the body all count, so a
 * server that trickles its answer cannot hold an attempt past it.
 */
public final class OkHttpTransport implements HttpTransport {

  /** The largest bound on a response body: the largest byte array a JVM can allocate. */
  public static final long MAX_RESPONSE_BYTES_LIMIT = Integer.MAX_VALUE - 8;

  private static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  private static final int MAX_CAUSE_CHARS = 200;

  private final OkHttpClient client;
  private final boolean ownsClient;
  private final long maxResponseBytes;
  private final String userAgent;
  private final AtomicBoolean closed = new AtomicBoolean();
  /**
   * The last URL and Content-Type parsed, and what they parsed to. The engine sends the same few
   * URLs and one Content-Type over and over; OkHttp's parsers allocate about a kilobyte per
   * request for them, and their results are immutable, so the last result is reused when the
   * text is the same. A race only costs a parse.
   */
  private volatile Parsed<HttpUrl> lastUrl = new Parsed<>("", null);
  private volatile Parsed<MediaType> lastMediaType = new Parsed<>("", null);

  /**
   * @param client the client to adapt; its pools are shared with the adapted one
   * @param ownsClient whether {@link #close()} may shut down the client's dispatcher and pool
   *     ({@code false} for a client the caller supplied)
   * @param maxResponseBytes the largest response body accepted, from 1 to
   *     {@link #MAX_RESPONSE_BYTES_LIMIT}
   */
  public OkHttpTransport(OkHttpClient client, boolean ownsClient, long maxResponseBytes) {
    this.maxResponseBytes = checkMaxResponseBytes(maxResponseBytes);
    this.client = client.newBuilder()
        .retryOnConnectionFailure(false)
        .followRedirects(false)
        .followSslRedirects(false)
        .eventListenerFactory(RequestProbe.eventListenerFactory(client.eventListenerFactory()))
        .addInterceptor(NoSilentRetries.RESTORE)
        .addNetworkInterceptor(NoSilentRetries.HIDE)
        .build();
    this.ownsClient = ownsClient;
    this.userAgent = SdkVersion.userAgent();
  }

  /**
   * Checks a bound on response bodies.
   *
   * @throws IllegalArgumentException naming {@code maxResponseBytes} unless it is from 1 to
   *     {@link #MAX_RESPONSE_BYTES_LIMIT}
   */
  public static long checkMaxResponseBytes(long maxResponseBytes) {
    if (maxResponseBytes <= 0 || maxResponseBytes > MAX_RESPONSE_BYTES_LIMIT) {
      throw new IllegalArgumentException("maxResponseBytes must be from 1 to " + MAX_RESPONSE_BYTES_LIMIT
          + ", was: " + maxResponseBytes);
    }
    return maxResponseBytes;
  }

  /** The adapted client that sends the requests (for tests and diagnostics). */
  OkHttpClient client() {
    return client;
  }

  @Override
  public HttpResponse execute(HttpRequest request, Duration timeout) {
    Exchange exchange = exchange(request, timeout);
    try (Response response = exchange.call.execute()) {
      return exchange.read(response);
    } catch (Exception e) {
      throw exchange.failure(e, true);
    }
  }

  /**
   * Sends with {@link Call#enqueue}: the same request, bound, probe, body bound and exception
   * mapping as {@link #execute} (one {@link Exchange} serves both), the exchange run and its body
   * read on OkHttp's dispatcher threads. Cancelling the future cancels the call
   * ({@link Call#cancel()}); its {@link CancellationException} then has a {@link NetworkException}
   * cause saying whether the request had started to be written. A response that arrives after
   * the cancellation is closed unread. The bound counts from this call, time queued in the
   * dispatcher included.
   */
  @Override
  public CompletableFuture<HttpResponse> executeAsync(HttpRequest request, Duration timeout) {
    Exchange exchange;
    try {
      exchange = exchange(request, timeout);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    Pending pending = new Pending(exchange);
    pending.start();
    return pending;
  }

  /**
   * One request on its way: what {@link #execute} and {@link #executeAsync} share, so that the
   * two cannot drift apart.
   */
  private final class Exchange {
    final HttpRequest request;
    final @Nullable String key;
    final RequestProbe probe = new RequestProbe();
    final Call call;
    /** The bound on the whole exchange. */
    final long nanos;

    Exchange(HttpRequest request, @Nullable String key, Duration timeout) {
      this.request = request;
      this.key = key;
      this.call = client.newCall(toOkHttp(request, probe, key));
      // The whole exchange, body included, within the engine's bound (and a caller's own
      // callTimeout, if shorter): OkHttp's read timeout is per read, so a server trickling one
      // byte at a time would never trip it.
      long nanos = Math.min(timeout.toNanos(), Long.MAX_VALUE / 2);
      if (client.callTimeoutMillis() > 0) {
        nanos = Math.min(nanos, TimeUnit.MILLISECONDS.toNanos(client.callTimeoutMillis()));
      }
      this.nanos = nanos;
      call.timeout().timeout(nanos, TimeUnit.NANOSECONDS);
    }

    /** The fully read response; the caller closes the OkHttp one. */
    HttpResponse read(Response response) throws IOException {
      return new HttpResponse(response.code(), headers(response.headers()), readBody(request, response, key));
    }

    /**
     * What a failure of this exchange is to the engine.
     *
     * @param onCallersThread whether the failure happened on the caller's thread (a blocking
     *     call), whose interrupt is then kept; an asynchronous call fails on OkHttp's threads,
     *     whose interrupts are not the caller's
     */
    PaymentsException failure(Throwable e, boolean onCallersThread) {
      boolean started = probe.requestStarted();
      if (e instanceof PaymentsException p) {
        return p;
      }
      if (!onCallersThread && closed.get() && !started) {
        // An enqueued call that the closed client's dispatcher refused to run: nothing left.
        return new PaymentsException("the client is closed; " + request + " was not sent", key, e);
      }
      if (e instanceof IOException io) {
        return networkException(request, io, started, key, onCallersThread);
      }
      // OkHttp is Kotlin: checked exceptions it does not declare can still arrive here, such as
      // the InterruptedException of an interrupted connect.
      if (e instanceof InterruptedException) {
        if (onCallersThread) {
          Thread.currentThread().interrupt(); // thrown with the flag cleared: restore it
        }
        return new NetworkException(request + " was interrupted" + when(started), started, key, e);
      }
      // A bug or a misconfiguration in OkHttp or an interceptor: not a network failure, so not
      // something to retry blindly, unless the request may already be on its way.
      String what = e.getClass().getSimpleName();
      if (started) {
        return new NetworkException(request + " failed unexpectedly (" + what + ")" + when(true), true, key, e);
      }
      return new PaymentsException(request + " could not be sent (" + what + ")", key, e);
    }
  }

  /**
   * An enqueued exchange: its future, and OkHttp's callback that completes it.
   *
   * <p>OkHttp starts a call's timeout only when the dispatcher runs it, so a call queued behind
   * the concurrency limit could wait past its bound. This bound starts at the enqueue: an Okio
   * {@link AsyncTimeout} (on Okio's one watchdog thread, which OkHttp's own timeouts use) cancels
   * the call when it passes and fails the future as a timed-out exchange.
   */
  static final class Pending extends CompletableFuture<HttpResponse> implements Callback {
    private final Exchange exchange;
    private volatile boolean timedOut;
    /** Set by {@link #cancel} before it cancels the call, so that the failure OkHttp then reports cannot win the race. */
    private volatile boolean cancelling;
    private final AsyncTimeout deadline = new AsyncTimeout() {
      @Override
      protected void timedOut() {
        timedOut = true;
        exchange.call.cancel();
        // Failed here, not in onFailure: OkHttp fails a cancelled call that is still queued only
        // when a slot frees up for it. The probe is read after the cancel, so it is final.
        completeExceptionally(exchange.failure(new InterruptedIOException("timeout"), false));
      }
    };

    Pending(Exchange exchange) {
      this.exchange = exchange;
      deadline.timeout(exchange.nanos, TimeUnit.NANOSECONDS);
    }

    void start() {
      deadline.enter();
      exchange.call.enqueue(this);
    }

    @Override
    public void onFailure(Call call, IOException e) {
      deadline.exit();
      if (cancelling) {
        return; // the failure is our own cancel's; cancel() completes the future as cancelled
      }
      IOException reported = e;
      if (timedOut) {
        reported = new InterruptedIOException("timeout");
        reported.initCause(e);
      }
      completeExceptionally(exchange.failure(reported, false));
    }

    @Override
    public void onResponse(Call call, Response response) {
      try (response) {
        if (cancelling || isDone()) {
          return; // cancelled: closed unread
        }
        complete(exchange.read(response));
      } catch (Throwable e) {
        // Everything, so that the future never hangs: OkHttp would only log what a callback throws.
        Throwable reported = e;
        if (timedOut && e instanceof IOException) {
          reported = new InterruptedIOException("timeout");
          reported.initCause(e);
        }
        completeExceptionally(reported instanceof Exception ex ? exchange.failure(ex, false) : reported);
      } finally {
        deadline.exit();
      }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      if (isDone()) {
        return isCancelled();
      }
      cancelling = true;
      deadline.exit();
      exchange.call.cancel();
      // After Call.cancel() returns nothing more of the request can be written (an exchange not
      // yet begun will not begin; one begun has its socket closed), so the probe now says for
      // good whether the request started to leave.
      boolean started = exchange.probe.requestStarted();
      CancellationException cancelled = new CancellationException(exchange.request + " was cancelled");
      cancelled.initCause(new NetworkException(exchange.request + " was cancelled" + when(started), started,
          exchange.key, null));
      return completeExceptionally(cancelled) || isCancelled();
    }
  }

  private Exchange exchange(HttpRequest request, Duration timeout) {
    @Nullable String key = findHeader(request.headers(), IDEMPOTENCY_KEY);
    if (closed.get()) {
      throw new PaymentsException("the client is closed; " + request + " was not sent", key, null);
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was: " + timeout);
    }
    return new Exchange(request, key, timeout);
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true) || !ownsClient) {
      return;
    }
    try {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
      if (client.cache() != null) {
        client.cache().close();
      }
    } catch (IOException | RuntimeException e) {
      // close() never throws: the resources are released as far as they can be.
    }
  }

  private Request toOkHttp(HttpRequest request, RequestProbe probe, @Nullable String key) {
    HttpUrl url = parseUrl(request.url());
    if (url == null) {
      throw new PaymentsException(
          request.method() + " could not be sent: not an absolute http(s) URL: " + request.url(), key, null);
    }
    Headers.Builder headers = new Headers.Builder();
    for (Map.Entry<String, String> header : request.headers().entrySet()) {
      try {
        headers.add(header.getKey(), header.getValue());
      } catch (IllegalArgumentException e) {
        // OkHttp's message may quote the value, which may be a secret: name the header only.
        throw new PaymentsException(
            request + " could not be sent: invalid header \"" + safeName(header.getKey()) + "\"", key, null);
      }
    }
    if (headers.get("User-Agent") == null) {
      headers.set("User-Agent", userAgent);
    }
    RequestBody body = null;
    byte[] bytes = request.body();
    if (bytes != null) {
      String contentType = headers.get("Content-Type");
      MediaType mediaType = contentType == null ? null : parseMediaType(contentType);
      body = RequestBody.create(bytes, mediaType);
    } else if (requiresBody(request.method())) {
      body = RequestBody.create(new byte[0], null);
    }
    try {
      return new Request.Builder()
          .url(url)
          .headers(headers.build())
          .method(request.method(), body)
          .tag(RequestProbe.class, probe)
          .build();
    } catch (IllegalArgumentException e) {
      throw new PaymentsException(
          request + " could not be sent: " + truncate(e.getMessage()), key, null);
    }
  }

  private @Nullable HttpUrl parseUrl(String text) {
    Parsed<HttpUrl> last = lastUrl;
    if (last.text().equals(text)) {
      return last.value();
    }
    HttpUrl url = HttpUrl.parse(text);
    lastUrl = new Parsed<>(text, url);
    return url;
  }

  private @Nullable MediaType parseMediaType(String text) {
    Parsed<MediaType> last = lastMediaType;
    if (last.text().equals(text)) {
      return last.value();
    }
    MediaType mediaType = MediaType.parse(text);
    lastMediaType = new Parsed<>(text, mediaType);
    return mediaType;
  }

  /** A text and what it parsed to ({@code null} when it did not parse). */
  private record Parsed<T>(String text, @Nullable T value) {}

  private byte[] readBody(HttpRequest request, Response response, @Nullable String key) throws IOException {
    ResponseBody body = response.body();
    long declared = body.contentLength();
    if (declared > maxResponseBytes) {
      throw tooLarge(request, response.code(), key, "declares " + declared + " bytes, more than");
    }
    BufferedSource source = body.source();
    Buffer buffer = new Buffer();
    long limit = maxResponseBytes + 1; // one byte more than allowed tells "too large" from "exactly the bound"
    while (buffer.size() < limit) {
      if (source.read(buffer, limit - buffer.size()) == -1) {
        break;
      }
    }
    if (buffer.size() > maxResponseBytes) {
      buffer.clear();
      throw tooLarge(request, response.code(), key, "has more bytes than");
    }
    return buffer.readByteArray();
  }

  private InvalidResponseException tooLarge(
      HttpRequest request, int status, @Nullable String key, String detail) {
    return new InvalidResponseException("the response to " + request + " (HTTP " + status + ") " + detail
        + " the bound of maxResponseBytes = " + maxResponseBytes + "; it was not read",
        status, key, null);
  }

  private static NetworkException networkException(
      HttpRequest request, IOException e, boolean requestStarted, @Nullable String key, boolean onCallersThread) {
    String what;
    if (onCallersThread && isInterrupt(e)) {
      Thread.currentThread().interrupt(); // keep the caller's interrupt visible to the engine
      what = "the thread was interrupted";
    } else if (e instanceof SocketTimeoutException || e instanceof InterruptedIOException) {
      what = "timed out";
    } else {
      what = "failed";
    }
    return new NetworkException(request + " " + what + when(requestStarted) + " (" + describe(e) + ")",
        requestStarted, key, e);
  }

  private static String when(boolean requestStarted) {
    return requestStarted
        ? " after the request started to be sent; the server may have received it"
        : " before the request was sent; the server cannot have received it";
  }

  /**
   * An interrupt, as opposed to a timeout: Okio reports both as {@code InterruptedIOException},
   * but an interrupt leaves the thread's flag set (or says {@code "interrupted"}).
   */
  private static boolean isInterrupt(IOException e) {
    if (Thread.currentThread().isInterrupted() || e instanceof java.nio.channels.ClosedByInterruptException) {
      return true;
    }
    return e instanceof InterruptedIOException
        && !(e instanceof SocketTimeoutException)
        && "interrupted".equals(e.getMessage());
  }

  private static String describe(IOException e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + truncate(message));
  }

  private static Map<String, List<String>> headers(Headers headers) {
    Map<String, List<String>> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (int i = 0; i < headers.size(); i++) {
      // Immutable lists, which HttpResponse keeps as they are rather than copying; a header that
      // comes more than once (rare) gets a new list per value, in the order sent.
      map.merge(headers.name(i), List.of(headers.value(i)), OkHttpTransport::concat);
    }
    return map;
  }

  private static List<String> concat(List<String> earlier, List<String> later) {
    List<String> all = new ArrayList<>(earlier.size() + later.size());
    all.addAll(earlier);
    all.addAll(later);
    return List.copyOf(all);
  }

  private static @Nullable String findHeader(Map<String, String> headers, String name) {
    for (Map.Entry<String, String> header : headers.entrySet()) {
      if (header.getKey().equalsIgnoreCase(name)) {
        return header.getValue();
      }
    }
    return null;
  }

  private static boolean requiresBody(String method) {
    return method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
  }

  private static String safeName(String name) {
    return name.chars().allMatch(c -> c > ' ' && c < 0x7f) ? truncate(name) : "(a name with control characters)";
  }

  private static String truncate(@Nullable String text) {
    if (text == null) {
      return "";
    }
    String oneLine = text.replaceAll("\\s+", " ").strip();
    return oneLine.length() <= MAX_CAUSE_CHARS ? oneLine : oneLine.substring(0, MAX_CAUSE_CHARS) + "…";
  }
}

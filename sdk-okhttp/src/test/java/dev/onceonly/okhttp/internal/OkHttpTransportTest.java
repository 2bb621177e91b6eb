package dev.onceonly.okhttp.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.onceonly.InvalidResponseException;
import dev.onceonly.NetworkException;
import dev.onceonly.PaymentsException;
import dev.onceonly.http.HttpRequest;
import dev.onceonly.http.HttpResponse;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.SocketFactory;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import mockwebserver3.junit5.StartStop;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link OkHttpTransport} alone: what it sends, what it reads, and how it reports failures; each
 * test through {@link OkHttpTransport#execute} and through {@link OkHttpTransport#executeAsync},
 * which must be the same.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(OkHttpTransportTest.Mode.class)
final class OkHttpTransportTest {

  /** How a test sends. */
  enum Mode {
    /** {@code execute}: a blocking call. */
    EXECUTE,
    /** {@code executeAsync}: an enqueued call, its future waited for. */
    ENQUEUE
  }

  /** The bound each exchange gets: long enough never to matter in these tests. */
  static final java.time.Duration T = java.time.Duration.ofSeconds(30);

  private static final String KEY = "19051a62-3403-11e6-ac61-9e71128cae77";
  private static final String TOKEN = "s3cret-T0ken";
  private static final byte[] BODY = "{\"amount\":{\"currency\":\"EUR\",\"value\":\"9.99\"},\"note\":\"café\"}"
      .getBytes(UTF_8);

  @StartStop
  private final MockWebServer server = new MockWebServer();

  private final Mode mode;
  private OkHttpTransport transport = transport(new OkHttpClient(), 1024);

  OkHttpTransportTest(Mode mode) {
    this.mode = mode;
  }

  /** Sends {@code request} within {@link #T} the test's way; throws what the transport reports. */
  private HttpResponse send(HttpRequest request) {
    if (mode == Mode.EXECUTE) {
      return transport.execute(request, T);
    }
    try {
      return transport.executeAsync(request, T).get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new AssertionError("not an SDK exception", e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError(e);
    }
  }

  @AfterEach
  void closeTransport() {
    transport.close();
  }

  private static OkHttpTransport transport(OkHttpClient client, long maxResponseBytes) {
    return new OkHttpTransport(client, true, maxResponseBytes);
  }

  private HttpRequest post(String url) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("Accept", "application/json");
    headers.put("Idempotency-Key", KEY);
    headers.put("Authorization", "Bearer " + TOKEN);
    return new HttpRequest("POST", url, headers, BODY);
  }

  private HttpRequest post() {
    return post(server.url("/transfers").toString());
  }

  @Test
  void sendsMethodUrlHeadersAndTheBodyBytesAsGiven() throws Exception {
    server.enqueue(new MockResponse.Builder().code(201).body("{}").build());

    HttpResponse response = send(post());

    assertEquals(201, response.statusCode());
    RecordedRequest recorded = server.takeRequest();
    assertEquals("POST", recorded.getMethod());
    assertEquals("/transfers", recorded.getTarget());
    assertArrayEquals(BODY, recorded.getBody().toByteArray());
    // the exact media type given, no charset appended (that would be a different request)
    assertEquals("application/json", recorded.getHeaders().get("Content-Type"));
    assertEquals("application/json", recorded.getHeaders().get("Accept"));
    assertEquals(KEY, recorded.getHeaders().get("Idempotency-Key"));
    assertEquals("Bearer " + TOKEN, recorded.getHeaders().get("Authorization"));
    assertEquals(String.valueOf(BODY.length), recorded.getHeaders().get("Content-Length"));
  }

  @Test
  void sendsUserAgentWithTheSdkVersion() throws Exception {
    server.enqueue(new MockResponse.Builder().code(200).build());

    send(new HttpRequest("GET", server.url("/transfers/1").toString(), Map.of(), null));

    RecordedRequest recorded = server.takeRequest();
    assertNotEquals("unknown", SdkVersion.version(), "version.properties is on the classpath, filtered");
    assertEquals("onceonly-java/" + SdkVersion.version(), recorded.getHeaders().get("User-Agent"));
    assertEquals("GET", recorded.getMethod());
    assertEquals(0, recorded.getBodySize());
  }

  @Test
  void postWithoutBodySendsAnEmptyOne() throws Exception {
    server.enqueue(new MockResponse.Builder().code(200).build());

    send(new HttpRequest("POST", server.url("/x").toString(), Map.of(), null));

    RecordedRequest recorded = server.takeRequest();
    assertEquals("POST", recorded.getMethod());
    assertEquals("0", recorded.getHeaders().get("Content-Length"));
  }

  @Test
  void returnsStatusAllHeadersAndBody() throws Exception {
    server.enqueue(new MockResponse.Builder()
        .code(409)
        .addHeader("Retry-After", "3")
        .addHeader("Link", "<a>")
        .addHeader("link", "<b>")
        .body("{\"code\":\"idempotency_request_in_progress\"}")
        .build());

    HttpResponse response = send(post());

    assertEquals(409, response.statusCode());
    assertEquals("3", response.header("retry-after").orElseThrow());
    assertEquals(List.of("<a>", "<b>"), response.headers().get("LINK"));
    assertEquals("{\"code\":\"idempotency_request_in_progress\"}", new String(response.body(), UTF_8));
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void doesNotFollowRedirects() throws Exception {
    server.enqueue(new MockResponse.Builder().code(302).addHeader("Location", "/elsewhere").build());

    HttpResponse response = send(post());

    assertEquals(302, response.statusCode());
    assertEquals("/elsewhere", response.header("Location").orElseThrow());
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void doesNotSilentlyResendOn503WithRetryAfterZero() throws Exception {
    // OkHttp by itself would repeat this POST once; the engine must be the only one to decide.
    server.enqueue(new MockResponse.Builder().code(503).addHeader("Retry-After", "0").build());
    server.enqueue(new MockResponse.Builder().code(201).body("{}").build());

    HttpResponse response = send(post());

    assertEquals(503, response.statusCode());
    assertEquals("0", response.header("Retry-After").orElseThrow(), "the server's header, unchanged");
    assertFalse(response.header(NoSilentRetries.HIDDEN).isPresent());
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void acceptsABodyOfExactlyTheBound() {
    transport.close();
    transport = transport(new OkHttpClient(), 10);
    server.enqueue(new MockResponse.Builder().code(200).body("0123456789").build());

    assertEquals("0123456789", new String(send(post()).body(), UTF_8));
  }

  @Test
  void refusesABodyOverTheBoundByContentLength() {
    transport.close();
    transport = transport(new OkHttpClient(), 10);
    server.enqueue(new MockResponse.Builder().code(200).body("0123456789A").build());

    InvalidResponseException e = assertThrows(InvalidResponseException.class, () -> send(post()));

    assertEquals(200, e.statusCode());
    assertTrue(e.getMessage().contains("maxResponseBytes = 10"), e.getMessage());
    assertEquals(KEY, e.idempotencyKey().orElseThrow());
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void refusesAChunkedBodyOverTheBoundWithoutReadingItAll() {
    transport.close();
    transport = transport(new OkHttpClient(), 100);
    server.enqueue(new MockResponse.Builder().code(502).chunkedBody("x".repeat(100_000), 1024).build());

    InvalidResponseException e = assertThrows(InvalidResponseException.class, () -> send(post()));

    assertEquals(502, e.statusCode());
    assertTrue(e.getMessage().contains("maxResponseBytes = 100"), e.getMessage());
  }

  @Test
  void connectRefusedCannotHaveReachedTheServer() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }

    NetworkException e = assertThrows(NetworkException.class,
        () -> send(post("http://127.0.0.1:" + closedPort + "/transfers")));

    assertFalse(e.requestMayHaveReachedServer());
    assertEquals(KEY, e.idempotencyKey().orElseThrow());
    assertTrue(e.getMessage().contains("before the request was sent"), e.getMessage());
    assertSecretsAbsent(e);
  }

  @Test
  void unknownHostCannotHaveReachedTheServer() {
    transport.close();
    transport = transport(new OkHttpClient.Builder()
        .dns(host -> {
          throw new UnknownHostException("no such host: " + host);
        })
        .build(), 1024);

    NetworkException e = assertThrows(NetworkException.class,
        () -> send(post("http://api.example.test/transfers")));

    assertFalse(e.requestMayHaveReachedServer());
    assertInstanceOf(UnknownHostException.class, e.getCause());
    assertSecretsAbsent(e);
  }

  @Test
  void connectTimeoutCannotHaveReachedTheServer() {
    transport.close();
    transport = transport(new OkHttpClient.Builder().socketFactory(new TimingOutSocketFactory()).build(), 1024);

    NetworkException e = assertThrows(NetworkException.class, () -> send(post()));

    assertFalse(e.requestMayHaveReachedServer());
    assertTrue(e.getMessage().contains("timed out before the request was sent"), e.getMessage());
    assertEquals(0, server.getRequestCount());
  }

  @Test
  void responseLostAfterTheServerReadTheRequestMayHaveReachedIt() throws Exception {
    server.enqueue(new MockResponse.Builder()
        .onResponseStart(SocketEffect.ShutdownConnection.INSTANCE)
        .build());

    NetworkException e = assertThrows(NetworkException.class, () -> send(post()));

    assertTrue(e.requestMayHaveReachedServer());
    assertTrue(e.getMessage().contains("the server may have received it"), e.getMessage());
    assertEquals(KEY, e.idempotencyKey().orElseThrow());
    assertSecretsAbsent(e);
    RecordedRequest recorded = server.takeRequest();
    assertArrayEquals(BODY, recorded.getBody().toByteArray(), "the server did receive the whole request");
    assertEquals(1, server.getRequestCount(), "and OkHttp did not retry it");
  }

  @Test
  void readTimeoutMayHaveReachedTheServer() throws Exception {
    transport.close();
    transport = transport(new OkHttpClient.Builder().readTimeout(Duration.ofMillis(300)).build(), 1024);
    server.enqueue(new MockResponse.Builder().onResponseStart(SocketEffect.Stall.INSTANCE).build());

    NetworkException e = assertThrows(NetworkException.class, () -> send(post()));

    assertTrue(e.requestMayHaveReachedServer());
    assertInstanceOf(SocketTimeoutException.class, e.getCause());
    assertTrue(e.getMessage().contains("timed out after the request started to be sent"), e.getMessage());
    assertArrayEquals(BODY, server.takeRequest().getBody().toByteArray());
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void interruptWhileConnectingIsANetworkExceptionAndKeepsTheFlag() {
    assumeTrue(mode == Mode.EXECUTE, "an interrupt of the calling thread is the blocking call's; an enqueued call"
        + " runs on OkHttp's threads and is stopped by cancelling its future (OkHttpTransportAsyncTest)");
    // OkHttp's fast fallback throws a checked InterruptedException it does not declare.
    server.enqueue(new MockResponse.Builder().code(201).body("{}").build());
    Thread.currentThread().interrupt();
    try {
      NetworkException e = assertThrows(NetworkException.class, () -> transport.execute(post(), T));

      assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
      assertFalse(e.requestMayHaveReachedServer());
      assertTrue(Thread.currentThread().isInterrupted(), "the interrupt stays visible to the caller");
    } finally {
      Thread.interrupted();
    }
    assertEquals(0, server.getRequestCount());
  }

  @Test
  void interruptOnAPooledConnectionIsANetworkExceptionAndKeepsTheFlag() {
    assumeTrue(mode == Mode.EXECUTE, "an interrupt of the calling thread is the blocking call's; an enqueued call"
        + " runs on OkHttp's threads and is stopped by cancelling its future (OkHttpTransportAsyncTest)");
    server.enqueue(new MockResponse.Builder().code(200).build());
    server.enqueue(new MockResponse.Builder().code(201).body("{}").build());
    transport.execute(post(), T); // leaves a pooled connection: the next call skips connecting
    Thread.currentThread().interrupt();
    try {
      NetworkException e = assertThrows(NetworkException.class, () -> transport.execute(post(), T));

      assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
      assertTrue(Thread.currentThread().isInterrupted(), "the interrupt stays visible to the caller");
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void aUrlOkHttpCannotSendIsAPaymentsExceptionAndNothingIsSent() {
    PaymentsException e = assertThrows(PaymentsException.class,
        () -> send(post("ftp://api.example.test/transfers")));

    assertFalse(e instanceof NetworkException, "not a network failure, so not to be retried");
    assertTrue(e.getMessage().contains("not an absolute http(s) URL"), e.getMessage());
    assertEquals(0, server.getRequestCount());
  }

  @Test
  void anInvalidHeaderValueIsNamedButNeverQuoted() {
    HttpRequest request = post().withHeader("Authorization", "Bearer " + TOKEN + "\r\nX-Injected: 1");

    PaymentsException e = assertThrows(PaymentsException.class, () -> send(request));

    assertFalse(e instanceof NetworkException);
    assertTrue(e.getMessage().contains("\"Authorization\""), e.getMessage());
    assertSecretsAbsent(e);
    assertNull(e.getCause(), "OkHttp's message may quote the value");
    assertEquals(0, server.getRequestCount());
  }

  @Test
  void closingAnOwnedClientShutsItDown() {
    OkHttpClient client = new OkHttpClient();
    OkHttpTransport owning = new OkHttpTransport(client, true, 1024);
    server.enqueue(new MockResponse.Builder().code(200).build());
    owning.execute(post(), T);

    owning.close();
    owning.close(); // idempotent

    assertTrue(client.dispatcher().executorService().isShutdown());
    assertEquals(0, client.connectionPool().connectionCount());
  }

  @Test
  void closingDoesNotShutDownAClientItDoesNotOwn() throws Exception {
    OkHttpClient client = new OkHttpClient();
    OkHttpTransport borrowing = new OkHttpTransport(client, false, 1024);

    borrowing.close();

    assertFalse(client.dispatcher().executorService().isShutdown());
    server.enqueue(new MockResponse.Builder().code(200).build());
    try (okhttp3.Response response = client.newCall(new okhttp3.Request.Builder()
        .url(server.url("/still-works")).build()).execute()) {
      assertEquals(200, response.code());
    }
    assertEquals("/still-works", server.takeRequest().getTarget());
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }

  @Test
  void aClosedTransportSendsNothing() {
    transport.close();

    assertThrows(PaymentsException.class, () -> send(post()));
    assertEquals(0, server.getRequestCount());
  }

  @Test
  void adaptsTheClientWithoutChangingTheOriginal() {
    OkHttpClient original = new OkHttpClient();
    OkHttpTransport adapting = new OkHttpTransport(original, false, 1024);

    assertTrue(original.retryOnConnectionFailure());
    assertTrue(original.followRedirects());
    assertFalse(adapting.client().retryOnConnectionFailure());
    assertFalse(adapting.client().followRedirects());
    assertFalse(adapting.client().followSslRedirects());
    assertTrue(adapting.client().connectionPool() == original.connectionPool(), "pools are shared");
    original.dispatcher().executorService().shutdown();
  }

  @Test
  void rejectsANonPositiveBound() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new OkHttpTransport(new OkHttpClient(), true, 0));

    assertTrue(e.getMessage().contains("maxResponseBytes"), e.getMessage());
  }

  private static void assertSecretsAbsent(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage());
      assertFalse(message.contains(TOKEN), "the bearer token leaked into: " + message);
      assertFalse(message.contains("café"), "the body leaked into: " + message);
    }
  }

  /** Sockets whose connect times out at once: a connect timeout without waiting for one. */
  private static final class TimingOutSocketFactory extends SocketFactory {
    @Override
    public Socket createSocket() {
      return new Socket() {
        @Override
        public void connect(SocketAddress endpoint, int timeout) throws IOException {
          throw new SocketTimeoutException("Connect timed out");
        }
      };
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return createSocket();
    }

    @Override
    public Socket createSocket(String host, int port, java.net.InetAddress localHost, int localPort) {
      return createSocket();
    }

    @Override
    public Socket createSocket(java.net.InetAddress host, int port) {
      return createSocket();
    }

    @Override
    public Socket createSocket(java.net.InetAddress address, int port, java.net.InetAddress localAddress,
        int localPort) {
      return createSocket();
    }
  }
}

package dev.onceonly.okhttp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onceonly.ApiException;
import dev.onceonly.AttemptEvent;
import dev.onceonly.DelaySource;
import dev.onceonly.IdempotencyKeyReusedException;
import dev.onceonly.InvalidResponseException;
import dev.onceonly.Money;
import dev.onceonly.OperationResult;
import dev.onceonly.OutcomeUnknownException;
import dev.onceonly.PaymentsClient;
import dev.onceonly.PaymentsException;
import dev.onceonly.RequestNotSentException;
import dev.onceonly.RequestOptions;
import dev.onceonly.RetryListener;
import dev.onceonly.RetryPolicy;
import dev.onceonly.Sleeper;
import dev.onceonly.transfers.Transfer;
import dev.onceonly.transfers.TransferCreateParams;
import dev.onceonly.transfers.TransferStatus;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import mockwebserver3.junit5.StartStop;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.function.Executable;

/**
 * The client built by {@link OkHttpPaymentsClient}, end to end against a mock server, called
 * blocking and through {@code async()}: the same requests, results and exceptions.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Calls.class)
final class OkHttpPaymentsClientTest {

  private static final String TOKEN = "test-token-0123456789";
  private static final String SOURCE =
      "https://api.example.test/funding-sources/707177c3-bf15-4e7e-b37c-55c3898d9bf4";
  private static final String DESTINATION =
      "https://api.example.test/funding-sources/04173e17-6398-4d36-a167-9d98c4b1f1c3";
  private static final String CALLER_KEY = "19051a62-3403-11e6-ac61-9e71128cae77";
  private static final String TRANSFER_ID = "74c9129b-d14a-e511-80da-0aa34a9b2388";

  /** What {@code TransferJson.encodeCreate} writes for {@link #params()}: protocol.md's body. */
  private static final String CREATE_BODY = "{\"_links\":{\"source\":{\"href\":\"" + SOURCE + "\"},"
      + "\"destination\":{\"href\":\"" + DESTINATION + "\"}},"
      + "\"amount\":{\"currency\":\"USD\",\"value\":\"1337.00\"},"
      + "\"metadata\":{\"invoice\":\"INV-42\"}}";

  private static final String TRANSFER_JSON = """
      {
        "id": "74c9129b-d14a-e511-80da-0aa34a9b2388",
        "status": "pending",
        "amount": {"currency": "USD", "value": "1337.00"},
        "created": "2026-11-23T10:15:30.123Z",
        "metadata": {"invoice": "INV-42"},
        "unknownField": [1, 2, 3],
        "_links": {
          "self": {"href": "https://api.example.test/transfers/74c9129b-d14a-e511-80da-0aa34a9b2388"},
          "source": {"href": "https://api.example.test/funding-sources/707177c3-bf15-4e7e-b37c-55c3898d9bf4"},
          "destination": {"href": "https://api.example.test/funding-sources/04173e17-6398-4d36-a167-9d98c4b1f1c3"}
        }
      }
      """;

  @StartStop
  private final MockWebServer server = new MockWebServer();

  /** Waits the engine asked for; nothing sleeps for real. */
  private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
  private final Sleeper sleeper = sleeps::add;
  private final List<AttemptEvent> attempts = new CopyOnWriteArrayList<>();
  private final RetryListener listener = new RetryListener() {
    @Override
    public void onAttempt(AttemptEvent event) {
      attempts.add(event);
    }
  };
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);
  private final Calls calls;
  private PaymentsClient client;

  OkHttpPaymentsClientTest(Calls calls) {
    this.calls = calls;
  }

  @AfterEach
  void closeClient() {
    if (client != null) {
      client.close();
    }
  }

  private OkHttpPaymentsClient.Builder builder() {
    return OkHttpPaymentsClient.builder()
        .baseUrl(server.url("/").toString())
        .bearerToken(TOKEN)
        .sleeper(sleeper)
        .scheduler(new ImmediateScheduler(sleeps::add))
        .clock(clock)
        .retryListener(listener);
  }

  private PaymentsClient client(RetryPolicy policy) {
    client = builder().retryPolicy(policy).build();
    return client;
  }

  private static TransferCreateParams params() {
    return TransferCreateParams.builder()
        .source(SOURCE)
        .destination(DESTINATION)
        .amount(Money.of("USD", "1337.00"))
        .metadata("invoice", "INV-42")
        .build();
  }

  private static MockResponse created() {
    return new MockResponse.Builder()
        .code(201)
        .addHeader("Content-Type", "application/json")
        .addHeader("Location", "/transfers/" + TRANSFER_ID)
        .body(TRANSFER_JSON)
        .build();
  }

  private static MockResponse json(int code, String contentType, String body) {
    return new MockResponse.Builder().code(code).addHeader("Content-Type", contentType).body(body).build();
  }

  // --- create and get ---------------------------------------------------------------------

  @Test
  void createSendsTheProtocolRequestWithAMintedKey() throws Exception {
    server.enqueue(created());

    calls.transfers(client(RetryPolicy.defaults())).create(params());

    RecordedRequest request = server.takeRequest();
    assertEquals("POST", request.getMethod());
    assertEquals("/transfers", request.getTarget());
    assertEquals("Bearer " + TOKEN, request.getHeaders().get("Authorization"));
    assertEquals("application/json", request.getHeaders().get("Content-Type"));
    assertEquals("application/json", request.getHeaders().get("Accept"));
    assertTrue(request.getHeaders().get("User-Agent").startsWith("onceonly-java/"),
        request.getHeaders().get("User-Agent"));
    UUID key = UUID.fromString(request.getHeaders().get("Idempotency-Key"));
    assertEquals(4, key.version(), "a random UUID");
    assertEquals(CREATE_BODY, request.getBody().utf8());
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void createSendsTheCallersKeyVerbatimAndReportsIt() throws Exception {
    server.enqueue(created());

    OperationResult<Transfer> result = calls.transfers(client(RetryPolicy.defaults())).createWithResult(
        params(), RequestOptions.builder().idempotencyKey(CALLER_KEY).build());

    assertEquals(CALLER_KEY, result.idempotencyKey());
    assertEquals(1, result.attempts());
    RecordedRequest request = server.takeRequest();
    assertEquals(CALLER_KEY, request.getHeaders().get("Idempotency-Key"));
    assertEquals(CREATE_BODY, request.getBody().utf8());
  }

  @Test
  void createReadsEveryTransferField() {
    server.enqueue(created());

    Transfer transfer = calls.transfers(client(RetryPolicy.defaults())).create(params());

    assertEquals(TRANSFER_ID, transfer.id());
    assertEquals(TransferStatus.PENDING, transfer.status());
    assertEquals(Money.of("USD", "1337.00"), transfer.amount());
    assertEquals("1337.00", transfer.amount().value().toPlainString());
    assertEquals(Instant.parse("2026-11-23T10:15:30.123Z"), transfer.created());
    assertEquals(Map.of("invoice", "INV-42"), transfer.metadata());
    assertEquals(SOURCE, transfer.sourceHref());
    assertEquals(DESTINATION, transfer.destinationHref());
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void createWithAnEmptyBodyFetchesTheLocation() throws Exception {
    server.enqueue(new MockResponse.Builder()
        .code(201)
        .addHeader("Location", server.url("/transfers/" + TRANSFER_ID).toString())
        .build());
    server.enqueue(json(200, "application/json", TRANSFER_JSON));

    OperationResult<Transfer> result =
        calls.transfers(client(RetryPolicy.defaults())).createWithResult(params(), RequestOptions.none());

    assertEquals(TRANSFER_ID, result.value().id());
    assertEquals(Money.of("USD", "1337.00"), result.value().amount());
    assertEquals(2, result.attempts());
    RecordedRequest post = server.takeRequest();
    assertEquals("POST", post.getMethod());
    assertEquals(CREATE_BODY, post.getBody().utf8());
    RecordedRequest get = server.takeRequest();
    assertEquals("GET", get.getMethod());
    assertEquals("/transfers/" + TRANSFER_ID, get.getTarget());
    assertEquals("Bearer " + TOKEN, get.getHeaders().get("Authorization"), "same origin: the token goes along");
    assertEquals("application/json", get.getHeaders().get("Accept"));
    assertEquals(0, get.getBodySize());
    assertEquals(2, server.getRequestCount());
  }

  @Test
  void getFetchesTheTransferById() throws Exception {
    server.enqueue(json(200, "application/json", TRANSFER_JSON));

    Transfer transfer = calls.transfers(client(RetryPolicy.defaults())).get(TRANSFER_ID);

    assertEquals(TRANSFER_ID, transfer.id());
    assertEquals(TransferStatus.PENDING, transfer.status());
    RecordedRequest request = server.takeRequest();
    assertEquals("GET", request.getMethod());
    assertEquals("/transfers/" + TRANSFER_ID, request.getTarget());
    assertEquals("Bearer " + TOKEN, request.getHeaders().get("Authorization"));
    assertEquals("application/json", request.getHeaders().get("Accept"));
    assertNull(request.getHeaders().get("Idempotency-Key"), "a read needs no key");
    assertEquals(0, request.getBodySize());
  }

  @Test
  void getOfAMissingTransferIsA404ApiException() throws Exception {
    server.enqueue(json(404, "application/json",
        "{\"code\":\"NotFound\",\"message\":\"The requested resource was not found.\"}"));

    ApiException e = assertThrows(ApiException.class,
        () -> calls.transfers(client(RetryPolicy.defaults())).get("no-such-transfer"));

    assertEquals(404, e.statusCode());
    assertEquals("NotFound", e.code().orElseThrow());
    assertEquals("The requested resource was not found.", e.getMessage());
    assertEquals("/transfers/no-such-transfer", server.takeRequest().getTarget());
    assertEquals(1, server.getRequestCount(), "a 404 is not retried");
  }

  @Test
  void sendsNoAuthorizationWithoutABearerToken() throws Exception {
    server.enqueue(json(200, "application/json", TRANSFER_JSON));
    client = OkHttpPaymentsClient.builder().baseUrl(server.url("/").toString()).sleeper(sleeper)
        .scheduler(new ImmediateScheduler(sleeps::add)).build();

    calls.transfers(client).get(TRANSFER_ID);

    assertNull(server.takeRequest().getHeaders().get("Authorization"));
  }

  // --- error bodies -------------------------------------------------------------------------

  @Test
  void dwollaStyleErrorBecomesApiException() throws Exception {
    server.enqueue(json(400, "application/vnd.dwolla.v1.hal+json", """
        {"code": "ValidationError",
         "message": "Validation error(s) present. See embedded errors list for more details.",
         "_embedded": {"errors": [
           {"code": "Invalid", "message": "Invalid amount.", "path": "/amount/value"}]}}
        """));

    ApiException e = assertThrows(ApiException.class,
        () -> calls.transfers(client(RetryPolicy.none())).create(params()));

    assertEquals(400, e.statusCode());
    assertEquals("ValidationError", e.code().orElseThrow());
    assertTrue(e.getMessage().startsWith("Validation error(s) present."), e.getMessage());
    assertTrue(e.getMessage().contains("/amount/value: Invalid amount."), e.getMessage());
    assertEquals(server.takeRequest().getHeaders().get("Idempotency-Key"), e.idempotencyKey().orElseThrow());
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void mangoPayStyleErrorBecomesApiException() throws Exception {
    server.enqueue(json(400, "application/json; charset=utf-8", """
        {"Message": "One or several required parameters are missing or incorrect.",
         "Type": "param_error", "Id": "1f8f4b3a-3bf6-4a0b-8d3e-0e5b1b1c5e11", "Date": 1452723944,
         "errors": null}
        """));

    ApiException e = assertThrows(ApiException.class,
        () -> calls.transfers(client(RetryPolicy.none())).create(params()));

    assertEquals(400, e.statusCode());
    assertEquals("param_error", e.code().orElseThrow());
    assertEquals("One or several required parameters are missing or incorrect.", e.getMessage());
    assertEquals("POST", server.takeRequest().getMethod());
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void problemDetailsErrorBecomesApiException() throws Exception {
    server.enqueue(json(403, "application/problem+json", """
        {"type": "https://api.example.test/problems/insufficient-funds",
         "title": "Insufficient funds",
         "detail": "The source has 12.00 USD available.",
         "status": 403}
        """));

    ApiException e = assertThrows(ApiException.class,
        () -> calls.transfers(client(RetryPolicy.none())).create(params()));

    assertEquals(403, e.statusCode());
    assertEquals("https://api.example.test/problems/insufficient-funds", e.code().orElseThrow());
    assertEquals("Insufficient funds: The source has 12.00 USD available.", e.getMessage());
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void keyReusedWithAnotherBodyFailsAtOnceEvenWithRetries() throws Exception {
    server.enqueue(json(422, "application/problem+json", """
        {"type": "https://api.example.test/problems/idempotency-key-reused",
         "title": "Idempotency-Key reused", "detail": "The key was used with a different body."}
        """));

    IdempotencyKeyReusedException e = assertThrows(IdempotencyKeyReusedException.class,
        () -> calls.transfers(client(RetryPolicy.defaults())).create(params(),
            RequestOptions.builder().idempotencyKey(CALLER_KEY).build()));

    assertEquals(422, e.statusCode());
    assertEquals(CALLER_KEY, e.idempotencyKey().orElseThrow());
    assertEquals(1, server.getRequestCount(), "never retried");
    assertTrue(sleeps.isEmpty());
  }

  @Test
  void htmlFromAProxyOnAReadBecomesApiExceptionWithAnExcerpt() throws Exception {
    server.enqueue(json(502, "text/html",
        "<html><head><title>502 Bad Gateway</title></head>\n<body><h1>Bad Gateway</h1></body></html>"));

    ApiException e = assertThrows(ApiException.class,
        () -> calls.transfers(client(RetryPolicy.none())).get(TRANSFER_ID));

    assertEquals(502, e.statusCode());
    assertTrue(e.code().isEmpty());
    assertTrue(e.getMessage().startsWith("HTTP 502: "), e.getMessage());
    assertTrue(e.getMessage().contains("Bad Gateway"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line");
    assertEquals("GET", server.takeRequest().getMethod());
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void htmlFromAProxyOnACreateLeavesTheOutcomeUnknownWithTheApiErrorAsCause() throws Exception {
    // A 502 may come after the API acted: without retries the outcome is unknown.
    server.enqueue(json(502, "text/html", "<html><body><h1>502 Bad Gateway</h1></body></html>"));
    server.enqueue(new MockResponse.Builder().code(404).build()); // a poll of /responses/{key}, if made

    OutcomeUnknownException e = assertThrows(OutcomeUnknownException.class,
        () -> calls.transfers(client(RetryPolicy.none())).create(params(),
            RequestOptions.builder().idempotencyKey(CALLER_KEY).build()));

    assertEquals(CALLER_KEY, e.idempotencyKey().orElseThrow());
    ApiException cause = assertInstanceOf(ApiException.class, e.getCause());
    assertEquals(502, cause.statusCode());
    assertTrue(cause.code().isEmpty());
    assertTrue(cause.getMessage().startsWith("HTTP 502: "), cause.getMessage());
    assertTrue(cause.getMessage().contains("502 Bad Gateway"), cause.getMessage());
    RecordedRequest post = server.takeRequest();
    assertEquals("POST", post.getMethod());
    assertEquals(CREATE_BODY, post.getBody().utf8());
    // The POST is never repeated; at most the stored answer is asked for.
    for (int i = 1; i < server.getRequestCount(); i++) {
      RecordedRequest poll = server.takeRequest();
      assertEquals("GET", poll.getMethod());
      assertEquals("/responses/" + CALLER_KEY, poll.getTarget());
    }
    assertTrue(sleeps.isEmpty());
  }

  @Test
  void malformedJsonOnA201IsAnUnknownOutcomeWithTheKey() throws Exception {
    server.enqueue(json(201, "application/json", "{\"id\": \"" + TRANSFER_ID + "\", \"amount\": {"));
    server.enqueue(json(404, "application/json", "{\"code\":\"NotFound\",\"message\":\"none\"}"));

    OutcomeUnknownException e = assertThrows(OutcomeUnknownException.class,
        () -> calls.transfers(client(RetryPolicy.defaults())).create(params(),
            RequestOptions.builder().idempotencyKey(CALLER_KEY).build()));

    assertEquals(201, ((InvalidResponseException) e.getCause()).statusCode());
    assertEquals(CALLER_KEY, e.idempotencyKey().orElseThrow());
    assertEquals(dev.onceonly.StopReason.UNUSABLE_ANSWER, e.reason());
    assertEquals("POST", server.takeRequest().getMethod());
    assertEquals("/responses/" + CALLER_KEY, server.takeRequest().getTarget(), "one last lookup of the stored answer");
  }

  @Test
  void aSuccessBodyOverMaxResponseBytesIsAnUnknownOutcome() {
    server.enqueue(created());
    server.enqueue(json(404, "application/json", "{\"code\":\"NotFound\",\"message\":\"none\"}"));
    client = builder().maxResponseBytes(64).build();

    OutcomeUnknownException e = assertThrows(OutcomeUnknownException.class, () -> calls.transfers(client).create(params()));

    assertInstanceOf(InvalidResponseException.class, e.getCause());
    assertTrue(e.getCause().getMessage().contains("maxResponseBytes = 64"), e.getCause().getMessage());
    assertTrue(e.idempotencyKey().isPresent());
    assertEquals(2, server.getRequestCount());
  }

  // --- retries through OkHttp ---------------------------------------------------------------

  @Test
  void retriesALostResponseWithTheSameKeyAndBody() throws Exception {
    server.enqueue(new MockResponse.Builder().onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build());
    server.enqueue(created());

    OperationResult<Transfer> result =
        calls.transfers(client(RetryPolicy.defaults())).createWithResult(params(), RequestOptions.none());

    assertEquals(TRANSFER_ID, result.value().id());
    RecordedRequest first = server.takeRequest();
    RecordedRequest second = server.takeRequest();
    assertEquals("POST", second.getMethod());
    assertEquals(first.getHeaders().get("Idempotency-Key"), second.getHeaders().get("Idempotency-Key"));
    assertEquals(result.idempotencyKey(), second.getHeaders().get("Idempotency-Key"));
    assertEquals(CREATE_BODY, first.getBody().utf8());
    assertEquals(CREATE_BODY, second.getBody().utf8());
    assertEquals(2, server.getRequestCount());
    assertEquals(1, sleeps.size(), "one backoff, recorded rather than slept");
  }

  @Test
  void a503WithRetryAfterZeroIsRetriedByTheEngineNotByOkHttp() throws Exception {
    server.enqueue(new MockResponse.Builder().code(503).addHeader("Retry-After", "0").build());
    server.enqueue(created());

    calls.transfers(client(RetryPolicy.defaults())).create(params());

    assertEquals(2, server.getRequestCount());
    assertEquals(server.takeRequest().getHeaders().get("Idempotency-Key"),
        server.takeRequest().getHeaders().get("Idempotency-Key"));
    assertEquals(1, attempts.size(), "the engine saw the 503 and decided the retry");
    assertEquals(503, attempts.get(0).statusCode());
    assertEquals(DelaySource.RETRY_AFTER, attempts.get(0).delaySource());
  }

  @Test
  void connectRefusedOnEveryAttemptMeansNothingWasSent() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    client = builder()
        .baseUrl("http://127.0.0.1:" + closedPort + "/")
        .retryPolicy(RetryPolicy.builder().maxAttempts(3).build())
        .build();

    RequestNotSentException e = assertThrows(RequestNotSentException.class,
        () -> calls.transfers(client).create(params()));

    assertEquals(3, e.attempts());
    assertEquals(2, sleeps.size());
    assertFalse(e.getMessage().contains(TOKEN));
  }

  // --- the caller's own OkHttpClient --------------------------------------------------------

  @Test
  void theCallersClientKeepsItsInterceptorsAndGetsOurSettings() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    List<String> events = new CopyOnWriteArrayList<>();
    OkHttpClient theirs = new OkHttpClient.Builder()
        .eventListener(new EventListener() {
          @Override
          public void callEnd(Call call) {
            events.add("callEnd " + call.request().url().encodedPath());
          }
        })
        .connectTimeout(Duration.ofSeconds(60))
        .readTimeout(Duration.ofSeconds(60))
        .writeTimeout(Duration.ofSeconds(60))
        .addInterceptor(chain -> {
          seen.add(chain.connectTimeoutMillis() + "/" + chain.readTimeoutMillis() + "/" + chain.writeTimeoutMillis());
          return chain.proceed(chain.request().newBuilder().header("X-Caller", "traced").build());
        })
        .build();
    server.enqueue(new MockResponse.Builder().code(302).addHeader("Location", "/elsewhere").build());
    client = builder()
        .okHttpClient(theirs)
        .connectTimeout(Duration.ofMillis(1500))
        .readTimeout(Duration.ofMillis(2500))
        .retryPolicy(RetryPolicy.none())
        .build();

    ApiException e = assertThrows(ApiException.class, () -> calls.transfers(client).get(TRANSFER_ID));

    assertEquals(302, e.statusCode(), "redirects are not followed, even with the caller's client");
    assertEquals(List.of("1500/2500/2500"), seen, "our per-attempt timeouts, write = read");
    assertEquals(List.of("callEnd /transfers/" + TRANSFER_ID), events, "their event listener still runs");
    RecordedRequest request = server.takeRequest();
    assertEquals("traced", request.getHeaders().get("X-Caller"));
    assertEquals("Bearer " + TOKEN, request.getHeaders().get("Authorization"));
    assertEquals(1, server.getRequestCount());
    assertEquals(60_000, theirs.readTimeoutMillis(), "their client itself is unchanged");
    assertTrue(theirs.followRedirects());
    shutDown(theirs);
  }

  @Test
  void closingOurClientLeavesTheCallersClientRunning() throws Exception {
    OkHttpClient theirs = new OkHttpClient();
    server.enqueue(json(200, "application/json", TRANSFER_JSON));
    server.enqueue(new MockResponse.Builder().code(204).build());
    PaymentsClient ours = builder().okHttpClient(theirs).build();
    calls.transfers(ours).get(TRANSFER_ID);

    ours.close();

    assertFalse(theirs.dispatcher().executorService().isShutdown());
    try (okhttp3.Response response = theirs.newCall(
        new okhttp3.Request.Builder().url(server.url("/theirs")).build()).execute()) {
      assertEquals(204, response.code());
    }
    server.takeRequest();
    assertEquals("/theirs", server.takeRequest().getTarget());
    shutDown(theirs);
  }

  @Test
  void aClosedClientSendsNothing() {
    PaymentsClient closed = client(RetryPolicy.defaults());
    closed.close();

    assertThrows(PaymentsException.class, () -> calls.transfers(closed).get(TRANSFER_ID));
    dev.onceonly.RequestNotSentException e = assertThrows(dev.onceonly.RequestNotSentException.class,
        () -> calls.transfers(closed).create(params()));
    assertEquals(dev.onceonly.StopReason.CLIENT_CLOSED, e.reason());
    assertTrue(e.idempotencyKey().isPresent());
    assertEquals(0, server.getRequestCount());
  }

  // --- invalid arguments: rejected at once, nothing sent ------------------------------------

  @Test
  void aBearerTokenIsNeverSentInClearTextToAHostThatIsNotLoopbackUnlessAskedFor() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OkHttpPaymentsClient.builder()
        .baseUrl("http://api.example.test/").bearerToken(TOKEN).build());

    assertTrue(e.getMessage().contains("allowPlaintextHttp()"), e.getMessage());
    assertFalse(e.getMessage().contains(TOKEN), "the message never holds the token");
    OkHttpPaymentsClient.builder().baseUrl("http://api.example.test/").build().close(); // no token: nothing to leak
    OkHttpPaymentsClient.builder().baseUrl("https://api.example.test/").bearerToken(TOKEN).build().close();
    OkHttpPaymentsClient.builder().baseUrl("http://api.example.test/").bearerToken(TOKEN).allowPlaintextHttp().build()
        .close();
    for (String loopback : List.of("http://localhost:8080/", "http://127.0.0.1/", "http://127.1.2.3:9/", "http://[::1]:80/")) {
      OkHttpPaymentsClient.builder().baseUrl(loopback).bearerToken(TOKEN).build().close();
    }
    assertThrows(IllegalArgumentException.class, () -> OkHttpPaymentsClient.builder()
        .baseUrl("http://127.0.0.1.evil.test/").bearerToken(TOKEN).build());
  }

  @Test
  void builderRejectsInvalidArgumentsNamingThem() {
    rejects(IllegalArgumentException.class, "baseUrl", () -> OkHttpPaymentsClient.builder().baseUrl(""));
    rejects(IllegalArgumentException.class, "baseUrl", () -> OkHttpPaymentsClient.builder().baseUrl("   "));
    rejects(IllegalArgumentException.class, "baseUrl", () -> OkHttpPaymentsClient.builder().baseUrl("/v1/"));
    rejects(IllegalArgumentException.class, "baseUrl",
        () -> OkHttpPaymentsClient.builder().baseUrl("ftp://api.example.test/"));
    rejects(NullPointerException.class, "baseUrl", () -> OkHttpPaymentsClient.builder().baseUrl(null));
    rejects(IllegalArgumentException.class, "baseUrl", () -> OkHttpPaymentsClient.builder().build());
    rejects(IllegalArgumentException.class, "bearerToken", () -> OkHttpPaymentsClient.builder().bearerToken(" "));
    rejects(IllegalArgumentException.class, "bearerToken",
        () -> OkHttpPaymentsClient.builder().bearerToken("two words"));
    rejects(NullPointerException.class, "bearerToken", () -> OkHttpPaymentsClient.builder().bearerToken((String) null));
    rejects(IllegalArgumentException.class, "connectTimeout",
        () -> OkHttpPaymentsClient.builder().connectTimeout(Duration.ofSeconds(-1)));
    rejects(IllegalArgumentException.class, "readTimeout",
        () -> OkHttpPaymentsClient.builder().readTimeout(Duration.ofMillis(-1)));
    rejects(IllegalArgumentException.class, "readTimeout",
        () -> OkHttpPaymentsClient.builder().readTimeout(Duration.ofNanos(1)));
    rejects(IllegalArgumentException.class, "connectTimeout",
        () -> OkHttpPaymentsClient.builder().connectTimeout(Duration.ofDays(30)));
    rejects(NullPointerException.class, "readTimeout", () -> OkHttpPaymentsClient.builder().readTimeout(null));
    rejects(IllegalArgumentException.class, "maxResponseBytes",
        () -> OkHttpPaymentsClient.builder().maxResponseBytes(0));
    rejects(IllegalArgumentException.class, "maxResponseBytes",
        () -> OkHttpPaymentsClient.builder().maxResponseBytes(Long.MAX_VALUE));
    rejects(NullPointerException.class, "retryPolicy", () -> OkHttpPaymentsClient.builder().retryPolicy(null));
    rejects(NullPointerException.class, "retryListener", () -> OkHttpPaymentsClient.builder().retryListener(null));
    rejects(NullPointerException.class, "clock", () -> OkHttpPaymentsClient.builder().clock(null));
    rejects(NullPointerException.class, "sleeper", () -> OkHttpPaymentsClient.builder().sleeper(null));
    rejects(NullPointerException.class, "okHttpClient", () -> OkHttpPaymentsClient.builder().okHttpClient(null));
    rejects(IllegalArgumentException.class, "maxAttempts", () -> RetryPolicy.builder().maxAttempts(0));
    rejects(NullPointerException.class, "retryBudget", () -> OkHttpPaymentsClient.builder().retryBudget(null));
    rejects(NullPointerException.class, "scheduler", () -> OkHttpPaymentsClient.builder().scheduler(null));
    rejects(NullPointerException.class, "asyncExecutor", () -> OkHttpPaymentsClient.builder().asyncExecutor(null));
    rejects(IllegalArgumentException.class, "maxConcurrentRequests",
        () -> OkHttpPaymentsClient.builder().maxConcurrentRequests(0));
    OkHttpClient theirs = new OkHttpClient();
    rejects(IllegalArgumentException.class, "maxConcurrentRequests", () -> OkHttpPaymentsClient.builder()
        .baseUrl("https://api.example.test/").okHttpClient(theirs).maxConcurrentRequests(10).build());
    shutDown(theirs);
    assertEquals(0, server.getRequestCount());
  }

  @Test
  void builderAcceptsZeroTimeoutsAndNormalisesTheBaseUrl() throws Exception {
    server.enqueue(json(200, "application/json", TRANSFER_JSON));
    client = builder()
        .baseUrl(server.url("/api/v1").toString()) // no trailing slash
        .connectTimeout(Duration.ZERO)
        .readTimeout(Duration.ZERO)
        .build();

    calls.transfers(client).get(TRANSFER_ID);

    assertEquals("/api/v1/transfers/" + TRANSFER_ID, server.takeRequest().getTarget());
  }

  @Test
  void callsRejectInvalidArgumentsBeforeSendingAnything() {
    PaymentsClient c = client(RetryPolicy.defaults());

    rejects(IllegalArgumentException.class, "idempotencyKey",
        () -> RequestOptions.builder().idempotencyKey("abcdefghijklmno")); // 15 characters
    rejects(IllegalArgumentException.class, "idempotencyKey",
        () -> RequestOptions.builder().idempotencyKey("abcdefgh_ijklmnopqrs"));
    rejects(IllegalArgumentException.class, "idempotencyKey",
        () -> RequestOptions.builder().idempotencyKey("a".repeat(37)));
    rejects(NullPointerException.class, "idempotencyKey", () -> RequestOptions.builder().idempotencyKey(null));
    rejects(IllegalArgumentException.class, "amount",
        () -> TransferCreateParams.builder().source(SOURCE).destination(DESTINATION).build());
    rejects(IllegalArgumentException.class, "source",
        () -> TransferCreateParams.builder().source("funding-sources/1"));
    rejects(NullPointerException.class, "amount", () -> TransferCreateParams.builder().amount(null));
    rejects(IllegalArgumentException.class, "value", () -> Money.of("USD", "1e3"));
    rejects(NullPointerException.class, "params", () -> calls.transfers(c).create(null));
    rejects(NullPointerException.class, "options", () -> calls.transfers(c).create(params(), null));
    rejects(NullPointerException.class, "id", () -> calls.transfers(c).get(null));
    rejects(IllegalArgumentException.class, "id", () -> calls.transfers(c).get(" "));
    assertEquals(0, server.getRequestCount());
  }

  private static void rejects(Class<? extends RuntimeException> type, String argument, Executable call) {
    RuntimeException e = assertThrows(type, call);
    assertTrue(String.valueOf(e.getMessage()).contains(argument),
        "the message should name " + argument + ": " + e.getMessage());
  }

  private static void shutDown(OkHttpClient client) {
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }
}

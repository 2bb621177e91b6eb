package dev.onceonly.internal;

import static dev.onceonly.internal.FakeTransport.answer;
import static dev.onceonly.internal.FakeTransport.connectRefused;
import static dev.onceonly.internal.FakeTransport.readTimeout;
import static dev.onceonly.internal.Fixtures.BASE;
import static dev.onceonly.internal.Fixtures.KEY;
import static dev.onceonly.internal.Fixtures.TRANSFER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onceonly.ApiException;
import dev.onceonly.ApiRequest;
import dev.onceonly.IdempotencyKeyReusedException;
import dev.onceonly.IdempotencyProfile;
import dev.onceonly.InvalidResponseException;
import dev.onceonly.Money;
import dev.onceonly.OperationResult;
import dev.onceonly.OutcomeUnknownException;
import dev.onceonly.ReplayStatus;
import dev.onceonly.RequestNotSentException;
import dev.onceonly.RequestOptions;
import dev.onceonly.ResumeReport;
import dev.onceonly.ResumeStatus;
import dev.onceonly.RetryListener;
import dev.onceonly.RetryPolicy;
import dev.onceonly.http.HttpRequest;
import dev.onceonly.internal.InMemoryApi.Dialect;
import dev.onceonly.internal.InMemoryApi.Fault;
import dev.onceonly.journal.JournalEntry;
import dev.onceonly.journal.JournalState;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code client.execute(...)} through every path a typed transfer create has: the first answer,
 * a lost answer, a key in progress, a creation conflict read through {@code /responses}, a
 * bodiless {@code 201} read back from its {@code Location}, a reused key, nothing sent, an
 * unknown outcome, the journal and a resume; against each server variant, asserting on what the
 * server received.
 */
class ExecuteTest {

  static final RetryPolicy POLICY = RetryPolicy.builder().maxAttempts(8).build();

  /** The create body as a caller's own records: Moshi writes them in declaration order. */
  record Href(String href) {}

  record Links(Href source, Href destination) {}

  record CreateBody(Links _links, Money amount, Map<String, String> metadata) {}

  /** The answer as a caller's own record: fields the record lacks are ignored. */
  record Amount(String currency, BigDecimal value) {}

  record TransferView(String id, String status, Amount amount, Instant created, Map<String, String> metadata) {}

  static final CreateBody BODY = new CreateBody(
      new Links(new Href("https://api.example.test/funding-sources/707177c3-bf15-4e7e-b37c-55c3898d9bf4"),
          new Href("https://api.example.test/funding-sources/04173e17-6398-4d36-a167-9d98c4b1f1c3")),
      Money.of("USD", "1337.00"), Map.of("invoice", "INV-42"));

  static ApiCalls calls(Fixtures.Harness h) {
    return new ApiCalls(h.engine, BASE);
  }

  static ApiRequest create(RequestOptions options) {
    return ApiRequest.post("/transfers").body(BODY).options(options).build();
  }

  static void assertEveryPostCarriedOneKeyAndTheSameBytes(List<HttpRequest> requests, String header) {
    List<HttpRequest> posts = requests.stream().filter(r -> r.method().equals("POST")).toList();
    assertTrue(!posts.isEmpty());
    for (HttpRequest post : posts) {
      assertEquals(posts.get(0).headers().get(header), post.headers().get(header));
      assertArrayEquals(posts.get(0).body(), post.body());
    }
  }

  @Test
  void aRecordBodyIsSerialisedOnceWithMoshiAndTheAnswerDecodedIntoARecord() {
    InMemoryApi api = new InMemoryApi(Dialect.FULL);
    Fixtures.Harness h = new Fixtures.Harness(api, POLICY);

    OperationResult<TransferView> result = calls(h).executeWithResult(create(RequestOptions.none()), TransferView.class);

    assertEquals("t-1", result.value().id());
    assertEquals(0, new BigDecimal("1337").compareTo(result.value().amount().value()));
    assertEquals(Instant.parse("2026-11-23T10:15:30.123Z"), result.value().created());
    assertEquals(ReplayStatus.ORIGINAL, result.replay());
    assertEquals(1, result.attempts());
    HttpRequest post = api.requests.get(0);
    assertEquals("{\"_links\":{\"source\":{\"href\":\"https://api.example.test/funding-sources/707177c3-bf15-4e7e-b37c-55c3898d9bf4\"},"
        + "\"destination\":{\"href\":\"https://api.example.test/funding-sources/04173e17-6398-4d36-a167-9d98c4b1f1c3\"}},"
        + "\"amount\":{\"currency\":\"USD\",\"value\":\"1337.00\"},\"metadata\":{\"invoice\":\"INV-42\"}}",
        new String(post.body(), StandardCharsets.UTF_8), "decimals as strings, never floating point");
    assertEquals(result.idempotencyKey(), post.headers().get("Idempotency-Key"));
    assertEquals("application/json", post.headers().get("Content-Type"));
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void aLostAnswerIsRecoveredWithTheSameKeyAndBytesInEveryServerVariant(Dialect dialect) {
    InMemoryApi api = new InMemoryApi(dialect, Fault.LOSE_AFTER_COMMIT);
    Fixtures.Harness h = new Fixtures.Harness(api, POLICY);

    OperationResult<TransferView> result = calls(h).executeWithResult(create(RequestOptions.none()), TransferView.class);

    assertEquals(1, api.transfers.size(), "one transfer");
    assertEquals("t-1", result.value().id());
    assertNotEquals(ReplayStatus.ORIGINAL, result.replay());
    assertEveryPostCarriedOneKeyAndTheSameBytes(api.requests, "Idempotency-Key");
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void aKeyInProgressIsWaitedOutInEveryServerVariant(Dialect dialect) {
    InMemoryApi api = new InMemoryApi(dialect, Fault.slow(2));
    Fixtures.Harness h = new Fixtures.Harness(api, POLICY);

    TransferView t = calls(h).execute(create(RequestOptions.builder().idempotencyKey(KEY).build()), TransferView.class);

    assertEquals("t-1", t.id());
    assertEquals(1, api.transfers.size());
    assertEveryPostCarriedOneKeyAndTheSameBytes(api.requests, "Idempotency-Key");
  }

  @Test
  void aMangoPayConflictIsReadThroughResponses() {
    InMemoryApi api = new InMemoryApi(Dialect.MANGOPAY, Fault.LOSE_AFTER_COMMIT);
    Fixtures.Harness h = new Fixtures.Harness(api, POLICY);

    OperationResult<String> result = calls(h).executeWithResult(create(RequestOptions.none()), String.class);

    assertTrue(result.value().contains("\"id\":\"t-1\""), result.value());
    assertEquals(ReplayStatus.REPLAYED, result.replay());
    assertTrue(api.requests.stream().anyMatch(r -> r.url().endsWith("/responses/" + result.idempotencyKey())));
  }

  @Test
  void aBodilessCreatedIsReadBackFromItsLocation() {
    InMemoryApi api = new InMemoryApi(Dialect.DWOLLA);
    Fixtures.Harness h = new Fixtures.Harness(api, POLICY);

    TransferView t = calls(h).execute(create(RequestOptions.none()), TransferView.class);

    assertEquals("t-1", t.id());
    assertEquals("GET https://api.example.test/transfers/t-1", api.requests.get(1).toString());
  }

  @Test
  void a503IsRetriedAfterItsRetryAfter() {
    InMemoryApi api = new InMemoryApi(Dialect.FULL, Fault.UNAVAILABLE);
    Fixtures.Harness h = new Fixtures.Harness(api, POLICY);

    OperationResult<byte[]> result = calls(h).executeWithResult(create(RequestOptions.none()), byte[].class);

    assertEquals(2, result.attempts());
    assertEquals(TRANSFER.replace("74c9129b-d14a-e511-80da-0aa34a9b2388", "t-1"),
        new String(result.value(), StandardCharsets.UTF_8));
    assertEquals(List.of(java.time.Duration.ofSeconds(1)), h.sleeper.sleeps);
  }

  @Test
  void aKeyReusedWithAnotherBodyIsRefused() {
    InMemoryApi api = new InMemoryApi(Dialect.FULL);
    Fixtures.Harness h = new Fixtures.Harness(api, POLICY);
    RequestOptions own = RequestOptions.builder().idempotencyKey(KEY).build();
    calls(h).execute(create(own), String.class);
    ApiRequest other = ApiRequest.post("/transfers")
        .body(new CreateBody(BODY._links(), Money.of("USD", "5.00"), Map.of())).options(own).build();

    assertThrows(IdempotencyKeyReusedException.class, () -> calls(h).execute(other, String.class));
    assertEquals(1, api.transfers.size());
  }

  @Test
  void nothingSentIsSaid() {
    FakeTransport transport = new FakeTransport().then(connectRefused(), connectRefused());
    Fixtures.Harness h = new Fixtures.Harness(transport, RetryPolicy.builder().maxAttempts(2).build());

    RequestNotSentException e = assertThrows(RequestNotSentException.class,
        () -> calls(h).execute(create(RequestOptions.none()), String.class));

    assertTrue(e.idempotencyKey().isPresent());
  }

  @Test
  void anUnknownOutcomeCarriesTheKeyAndAResumeFromTheJournalSettlesIt() {
    TestJournal journal = new TestJournal();
    FakeTransport transport = new FakeTransport()
        .then(readTimeout(), readTimeout(), answer(404, "{}"))
        .then(answer(201, TRANSFER, "Idempotent-Replayed", "true"));
    Fixtures.Harness h = new Fixtures.Harness(transport, RetryPolicy.builder().maxAttempts(3).build(),
        RetryListener.NONE, journal);
    ApiRequest request = create(RequestOptions.builder().idempotencyKey(KEY).reference("refund-7").build());

    OutcomeUnknownException e = assertThrows(OutcomeUnknownException.class,
        () -> calls(h).execute(request, TransferView.class));
    JournalEntry pending = journal.find(KEY).orElseThrow();
    ResumeReport report = h.operations.resumePending();

    assertEquals(KEY, e.idempotencyKey().orElseThrow());
    assertEquals("execute:POST /transfers", pending.operation());
    assertArrayEquals(transport.requests.get(0).body(), pending.body(), "written ahead with its exact bytes");
    assertEquals(ResumeStatus.SUCCEEDED, report.operations().get(0).status());
    assertTrue(report.operations().get(0).transfer().isEmpty(), "a generic operation has no typed transfer");
    assertEquals(JournalState.SUCCEEDED, journal.find(KEY).orElseThrow().state());
    assertArrayEquals(transport.requests.get(0).body(), transport.requests.get(3).body(), "resumed with the same bytes");
  }

  @Test
  void aSuccessThatIsNotTheTypeAskedForIsNeverReturned() {
    FakeTransport transport = new FakeTransport().then(answer(201, "<html>ok</html>"), answer(404, "{}"));
    Fixtures.Harness h = new Fixtures.Harness(transport, POLICY);

    OutcomeUnknownException e = assertThrows(OutcomeUnknownException.class,
        () -> calls(h).execute(create(RequestOptions.none()), TransferView.class));

    assertInstanceOf(InvalidResponseException.class, e.getCause());
  }

  @Test
  void aGetIsASafeReadRetriedOnTransientFailures() {
    FakeTransport transport = new FakeTransport().then(answer(503, ""), answer(200, TRANSFER));
    Fixtures.Harness h = new Fixtures.Harness(transport, POLICY);

    TransferView t = calls(h).execute(ApiRequest.get("transfers/74c9129b-d14a-e511-80da-0aa34a9b2388")
        .query("expand", "source funding").header("Api-Version", "2").build(), TransferView.class);

    assertEquals("74c9129b-d14a-e511-80da-0aa34a9b2388", t.id());
    HttpRequest get = transport.requests.get(1);
    assertEquals("GET https://api.example.test/transfers/74c9129b-d14a-e511-80da-0aa34a9b2388?expand=source%20funding",
        get.toString());
    assertEquals("2", get.headers().get("Api-Version"));
    assertTrue(get.headers().keySet().stream().noneMatch(n -> n.equalsIgnoreCase("Idempotency-Key")));
  }

  @Test
  void aGetErrorIsTheServersAnswer() {
    FakeTransport transport = new FakeTransport().then(answer(404, "{\"code\":\"NotFound\",\"message\":\"no refund\"}"));
    Fixtures.Harness h = new Fixtures.Harness(transport, POLICY);

    ApiException e = assertThrows(ApiException.class,
        () -> calls(h).execute(ApiRequest.get("/refunds/r-1").build(), String.class));

    assertEquals(404, e.statusCode());
  }

  @Test
  void rawJsonBytesAreSentExactlyAsGiven() {
    FakeTransport transport = new FakeTransport().then(answer(201, TRANSFER));
    Fixtures.Harness h = new Fixtures.Harness(transport, POLICY);
    byte[] json = "{ \"amount\" : {\"value\":\"10.00\", \"currency\":\"USD\"} }".getBytes(StandardCharsets.UTF_8);

    calls(h).execute(ApiRequest.post("refunds").rawBody(json).build(), String.class);

    assertArrayEquals(json, transport.requests.get(0).body());
    assertEquals("POST https://api.example.test/refunds", transport.requests.get(0).toString());
  }

  @Test
  void theProfileNamesTheKeyHeaderAndItsRulesAreCheckedBeforeAnythingIsSent() {
    FakeTransport transport = new FakeTransport().then(answer(201, TRANSFER));
    ClientConfig config = new ClientConfig(BASE, null, POLICY, RetryListener.NONE, java.time.Clock.systemUTC(),
        d -> { }, dev.onceonly.journal.OperationJournal.inMemory(), IdempotencyProfile.payPal());
    ApiCalls calls = new ApiCalls(new RetryEngine(transport, config), BASE);
    String tooLong = "k".repeat(37);

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> calls.execute(
        create(RequestOptions.builder().idempotencyKey(tooLong, IdempotencyProfile.stripe()).build()), String.class));
    assertTrue(e.getMessage().contains("payPal profile"), e.getMessage());
    assertEquals(0, transport.requests.size(), "nothing was sent");

    OperationResult<String> result = calls.executeWithResult(create(RequestOptions.none()), String.class);
    assertEquals(result.idempotencyKey(), transport.requests.get(0).headers().get("PayPal-Request-Id"));
    assertTrue(transport.requests.get(0).headers().keySet().stream().noneMatch(n -> n.equals("Idempotency-Key")));
  }

  @Test
  void invalidCallsAreRefusedBeforeAnythingIsSentNamingTheArgument() {
    FakeTransport transport = new FakeTransport();
    Fixtures.Harness h = new Fixtures.Harness(transport, POLICY);
    ApiCalls calls = calls(h);

    IllegalArgumentException get = assertThrows(IllegalArgumentException.class,
        () -> calls.executeWithResult(ApiRequest.get("/refunds/r-1").build(), String.class));
    assertTrue(get.getMessage().startsWith("request: "), get.getMessage());
    IllegalArgumentException header = assertThrows(IllegalArgumentException.class, () -> calls.execute(
        ApiRequest.post("/refunds").header("idempotency-key", KEY).build(), String.class));
    assertTrue(header.getMessage().contains("carries the idempotency key"), header.getMessage());
    IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
        () -> calls.execute(create(RequestOptions.none()), int.class));
    assertTrue(type.getMessage().startsWith("responseType "), type.getMessage());
    assertThrows(NullPointerException.class, () -> calls.execute(null, String.class));
    assertEquals(0, transport.requests.size());
  }
}

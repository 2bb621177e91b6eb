package dev.onceonly.testkit;

import static dev.onceonly.testkit.TestHttp.at;
import static dev.onceonly.testkit.TestHttp.json;
import static dev.onceonly.testkit.TestHttp.newKey;
import static dev.onceonly.testkit.TestHttp.transfer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The full dialect, the sandbox's default: the whole protocol over real HTTP. */
final class SandboxServerTest {

  private static final Pattern CREATED = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:15:30Z"));
  private RunningSandbox sandbox = SandboxServer.builder().clock(clock).seed(42).build().start();
  private TestHttp http = new TestHttp(sandbox);

  @AfterEach
  void close() {
    sandbox.close();
  }

  @Test
  void createsTransferWithLocationAndBody() throws Exception {
    HttpResponse<String> response = http.post(newKey(), transfer("1337.00", "op-1"));

    assertEquals(201, response.statusCode());
    String location = response.headers().firstValue("Location").orElseThrow();
    Map<String, Object> body = json(response.body());
    assertEquals(sandbox.baseUrl() + "/transfers/" + body.get("id"), location);
    assertEquals("pending", body.get("status"));
    assertEquals("USD", at(body, "amount.currency"));
    assertEquals("1337.00", at(body, "amount.value"), "the value comes back as the same string");
    assertEquals("2026-11-23T10:15:30.000Z", body.get("created"));
    assertEquals(Map.of("operation_id", "op-1"), body.get("metadata"));
    assertEquals(location, at(body, "_links.self.href"));
    assertEquals(TestHttp.SOURCE, at(body, "_links.source.href"));
    assertEquals(TestHttp.DESTINATION, at(body, "_links.destination.href"));
    assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
    assertFalse(response.headers().firstValue("Idempotent-Replayed").isPresent());
    assertEquals(1, sandbox.transferCount());
  }

  @Test
  void readsTransferByIdAndAnswers404ForUnknownId() throws Exception {
    HttpResponse<String> created = http.post(newKey(), transfer("10.00"));

    HttpResponse<String> read = http.get(created.headers().firstValue("Location").orElseThrow());
    HttpResponse<String> unknown = http.get("/transfers/00000000-0000-0000-0000-000000000000");

    assertEquals(200, read.statusCode());
    assertEquals(created.body(), read.body(), "GET gives the same transfer bytes as the POST");
    assertEquals(404, unknown.statusCode());
    assertEquals("NotFound", json(unknown.body()).get("code"));
  }

  @Test
  void replaysSameKeyAndBodyWithSameStatusBodyAndLocation() throws Exception {
    String key = newKey();
    HttpResponse<String> first = http.post(key, transfer("20.00"));

    HttpResponse<String> second = http.post(key, transfer("20.00"));

    assertEquals(201, second.statusCode());
    assertEquals(first.body(), second.body());
    assertEquals(first.headers().firstValue("Location"), second.headers().firstValue("Location"));
    assertEquals(Optional.of("true"), second.headers().firstValue("Idempotent-Replayed"));
    assertEquals(1, sandbox.transferCount());
    assertEquals(1, sandbox.stats().replays());
  }

  @Test
  void answers422WhenKeyIsReusedWithAnotherBody() throws Exception {
    String key = newKey();
    http.post(key, transfer("20.00"));

    HttpResponse<String> reused = http.post(key, transfer("20.01"));

    assertEquals(422, reused.statusCode());
    assertEquals("idempotency_key_reused", json(reused.body()).get("code"));
    assertTrue(json(reused.body()).get("message") instanceof String);
    assertEquals(1, sandbox.transferCount());
    assertEquals(1, sandbox.stats().keyMismatches());
  }

  @Test
  void comparesBodyBytesNotMeaning() throws Exception {
    String key = newKey();
    http.post(key, transfer("20.00"));

    // The same JSON with a space: a server compares fingerprints of bytes, so this is reuse.
    HttpResponse<String> reordered = http.post(key, transfer("20.00").replace("{\"_links\"", "{ \"_links\""));

    assertEquals(422, reordered.statusCode());
  }

  @Test
  void servesStoredResponseInMangoPayEnvelope() throws Exception {
    String key = newKey();
    HttpResponse<String> created = http.post(key, transfer("30.00"));

    HttpResponse<String> stored = http.get("/responses/" + key);

    assertEquals(200, stored.statusCode());
    Map<String, Object> envelope = json(stored.body());
    assertEquals("201", envelope.get("StatusCode"), "StatusCode is a string");
    assertEquals(Integer.toString(created.body().length()), envelope.get("ContentLength"));
    assertEquals("application/json; charset=utf-8", envelope.get("ContentType"));
    assertEquals("Mon, 23 Nov 2026 10:15:30 GMT", envelope.get("Date"));
    assertEquals(sandbox.baseUrl() + "/transfers", envelope.get("RequestURL"));
    assertEquals(json(created.body()), envelope.get("Resource"), "Resource is the original body");
    assertTrue(stored.body().contains(created.body()), "embedded byte for byte");
    assertEquals(1, sandbox.stats().responsesFound());
  }

  @Test
  void answers404ForUnknownStoredResponse() throws Exception {
    HttpResponse<String> response = http.get("/responses/" + newKey());

    assertEquals(404, response.statusCode());
    assertEquals("NotFound", json(response.body()).get("code"));
    assertEquals(1, sandbox.stats().responsesLookups());
    assertEquals(0, sandbox.stats().responsesFound());
  }

  @Test
  void storesAndReplaysValidationErrorAsFinalAnswer() throws Exception {
    String key = newKey();
    String invalid = transfer("20.00").replace("\"USD\"", "\"usd\"");
    HttpResponse<String> first = http.post(key, invalid);

    HttpResponse<String> replay = http.post(key, invalid);
    HttpResponse<String> stored = http.get("/responses/" + key);

    assertEquals(400, first.statusCode());
    assertEquals(400, replay.statusCode());
    assertEquals(first.body(), replay.body());
    assertEquals(Optional.of("true"), replay.headers().firstValue("Idempotent-Replayed"));
    assertEquals("400", json(stored.body()).get("StatusCode"));
    assertEquals(json(first.body()), json(stored.body()).get("Resource"));
    assertEquals(0, sandbox.transferCount());
  }

  @Test
  void rejectsAmountValueSentAsJsonNumber() throws Exception {
    HttpResponse<String> response = http.post(newKey(), transfer("20.00").replace("\"20.00\"", "20.00"));

    assertEquals(400, response.statusCode());
    Map<String, Object> body = json(response.body());
    assertEquals("ValidationError", body.get("code"));
    List<?> errors = (List<?>) at(body, "_embedded.errors");
    assertEquals(1, errors.size());
    Map<?, ?> error = (Map<?, ?>) errors.get(0);
    assertEquals("Invalid", error.get("code"));
    assertEquals("/amount/value", error.get("path"));
    assertTrue(((String) error.get("message")).contains("string"));
  }

  @Test
  void reportsEveryInvalidField() throws Exception {
    String body = "{\"_links\":{\"source\":{\"href\":\"not a url\"}},"
        + "\"amount\":{\"currency\":\"DOLLARS\",\"value\":\"1e3\"},\"metadata\":{\"n\":1}}";

    HttpResponse<String> response = http.post(newKey(), body);

    assertEquals(400, response.statusCode());
    List<?> errors = (List<?>) at(json(response.body()), "_embedded.errors");
    List<?> paths = errors.stream().map(error -> ((Map<?, ?>) error).get("path")).toList();
    assertEquals(List.of("/_links/source/href", "/_links/destination", "/amount/currency",
        "/amount/value", "/metadata/n"), paths);
  }

  @Test
  void rejectsBodyThatIsNotJson() throws Exception {
    HttpResponse<String> response = http.post(newKey(), "amount=20.00");

    assertEquals(400, response.statusCode());
    assertEquals("BadRequest", json(response.body()).get("code"));
  }

  @Test
  void rejectsMalformedKeyWithoutStoringOrCreating() throws Exception {
    for (String key : List.of("too-short", "a".repeat(37), "has spaces in it, no good", "under_score_is_bad")) {
      HttpResponse<String> response = http.post(key, transfer("20.00"));

      assertEquals(400, response.statusCode(), key);
      Map<String, Object> body = json(response.body());
      assertEquals("BadRequest", body.get("code"));
      assertTrue(((String) body.get("message")).contains("Idempotency-Key"));
    }
    assertEquals(0, sandbox.transferCount());
  }

  @Test
  void acceptsKeysOfSixteenToThirtySixCharacters() throws Exception {
    assertEquals(201, http.post("a".repeat(16), transfer("1.00")).statusCode());
    assertEquals(201, http.post("Z-9".repeat(12), transfer("1.00")).statusCode());
  }

  @Test
  void servesPostWithoutKeyEveryTimeWithoutDeduplication() throws Exception {
    HttpResponse<String> first = http.post(null, transfer("5.00", "op-naive"));
    HttpResponse<String> second = http.post(null, transfer("5.00", "op-naive"));

    assertEquals(201, first.statusCode());
    assertEquals(201, second.statusCode());
    assertNotEquals(json(first.body()).get("id"), json(second.body()).get("id"));
    assertEquals(2, sandbox.transferCount());
    assertEquals(1, sandbox.stats().duplicateCreations());
    assertEquals(Map.of("op-naive", 2), sandbox.duplicatedOperations());
    assertEquals(2, sandbox.transfersWithOperationId("op-naive").size());
  }

  @Test
  void replayIsNotADuplicateCreation() throws Exception {
    String key = newKey();
    http.post(key, transfer("5.00", "op-safe"));
    http.post(key, transfer("5.00", "op-safe"));

    assertEquals(0, sandbox.stats().duplicateCreations());
    assertEquals(Map.of(), sandbox.duplicatedOperations());
    assertEquals(1, sandbox.transfersWithOperationId("op-safe").size());
  }

  @Test
  void forgetsKeyAfterWindowAndCreatesNewTransfer() throws Exception {
    String key = newKey();
    HttpResponse<String> first = http.post(key, transfer("40.00"));
    clock.advance(Duration.ofHours(24).minusSeconds(1));
    HttpResponse<String> withinWindow = http.post(key, transfer("40.00"));
    clock.advance(Duration.ofSeconds(1));

    HttpResponse<String> stored = http.get("/responses/" + key);
    HttpResponse<String> afterWindow = http.post(key, transfer("40.00"));

    assertEquals(Optional.of("true"), withinWindow.headers().firstValue("Idempotent-Replayed"));
    assertEquals(404, stored.statusCode(), "an expired key has no stored response");
    assertEquals(201, afterWindow.statusCode());
    assertFalse(afterWindow.headers().firstValue("Idempotent-Replayed").isPresent());
    assertNotEquals(json(first.body()).get("id"), json(afterWindow.body()).get("id"));
    assertEquals(2, sandbox.transferCount());
  }

  @Test
  void measuresWindowFromFirstUseNotLastReplay() throws Exception {
    String key = newKey();
    http.post(key, transfer("40.00"));
    clock.advance(Duration.ofHours(23));
    http.post(key, transfer("40.00"));
    clock.advance(Duration.ofHours(1));

    HttpResponse<String> response = http.post(key, transfer("40.00"));

    assertFalse(response.headers().firstValue("Idempotent-Replayed").isPresent());
    assertEquals(2, sandbox.transferCount());
  }

  @Test
  void honoursConfiguredKeyWindow() throws Exception {
    restart(SandboxServer.builder().clock(clock).keyWindow(Duration.ofMinutes(5)));
    String key = newKey();
    http.post(key, transfer("1.00"));
    clock.advance(Duration.ofMinutes(5));

    http.post(key, transfer("1.00"));

    assertEquals(2, sandbox.transferCount());
  }

  @Test
  void requiresConfiguredTokenAndAnswers401Otherwise() throws Exception {
    restart(SandboxServer.builder().requiredToken("s3cret-token"));

    HttpResponse<String> missing = http.post(newKey(), transfer("1.00"));
    HttpResponse<String> wrong = http.token("other").post(newKey(), transfer("1.00"));
    HttpResponse<String> wrongRead = http.get("/transfers/x");
    HttpResponse<String> right = http.token("s3cret-token").post(newKey(), transfer("1.00"));

    assertEquals(401, missing.statusCode());
    assertEquals("InvalidAccessToken", json(missing.body()).get("code"));
    assertEquals(Optional.of("Bearer"), missing.headers().firstValue("WWW-Authenticate"));
    assertEquals(401, wrong.statusCode());
    assertEquals(401, wrongRead.statusCode());
    assertEquals(201, right.statusCode());
    assertEquals(1, sandbox.transferCount());
  }

  @Test
  void scopesKeysByToken() throws Exception {
    String key = newKey();
    HttpResponse<String> alice = http.token("alice").post(key, transfer("1.00"));
    HttpResponse<String> bob = http.token("bob").post(key, transfer("1.00"));
    HttpResponse<String> bobsStored = http.get("/responses/" + key);
    HttpResponse<String> anonymousStored = http.token(null).get("/responses/" + key);

    assertEquals(201, bob.statusCode());
    assertFalse(bob.headers().firstValue("Idempotent-Replayed").isPresent());
    assertNotEquals(json(alice.body()).get("id"), json(bob.body()).get("id"));
    assertEquals(json(bob.body()), json(bobsStored.body()).get("Resource"));
    assertEquals(404, anonymousStored.statusCode());
    assertEquals(2, sandbox.transferCount());
  }

  @Test
  void answers404ForUnknownRouteAnd405ForWrongMethod() throws Exception {
    HttpResponse<String> unknown = http.get("/payments");
    // GET /transfers is the listing now: a DELETE is the wrong method.
    HttpResponse<String> deleteTransfers = http.send(java.net.http.HttpRequest.newBuilder(sandbox.uri("/transfers"))
        .DELETE().build());

    assertEquals(404, unknown.statusCode());
    assertEquals(405, deleteTransfers.statusCode());
    assertEquals(Optional.of("GET, POST"), deleteTransfers.headers().firstValue("Allow"));
  }

  @Test
  void concurrentRequestsWithOneKeyCreateOneTransfer() throws Exception {
    String key = newKey();
    int threads = 16;
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      Callable<HttpResponse<String>> post = () -> {
        go.await();
        return http.post(key, transfer("99.00", "op-race"));
      };
      List<Future<HttpResponse<String>>> futures =
          java.util.stream.Stream.generate(() -> pool.submit(post)).limit(threads).toList();
      go.countDown();
      int created = 0;
      for (Future<HttpResponse<String>> future : futures) {
        HttpResponse<String> response = future.get();
        boolean replay = response.headers().firstValue("Idempotent-Replayed").isPresent();
        assertTrue(response.statusCode() == 201 || response.statusCode() == 409, response.body());
        if (response.statusCode() == 201 && !replay) {
          created++;
        }
      }
      assertEquals(1, created, "exactly one request did the work");
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1, sandbox.transferCount());
    assertEquals(0, sandbox.stats().duplicateCreations());
    SandboxStats stats = sandbox.stats();
    assertEquals(threads - 1, stats.replays() + stats.conflicts());
  }

  @Test
  void servesStatsAsJson() throws Exception {
    String key = newKey();
    http.post(key, transfer("1.00", "op-a"));
    http.post(key, transfer("1.00", "op-a"));
    http.post(null, transfer("1.00", "op-a"));
    http.get("/responses/" + key);

    HttpResponse<String> response = http.get("/_sandbox/stats");

    assertEquals(200, response.statusCode());
    Map<String, Object> stats = json(response.body());
    assertEquals("full", stats.get("dialect"));
    assertEquals(42.0, stats.get("seed"));
    assertEquals(4.0, stats.get("requests"), "the stats request itself is not counted");
    assertEquals(3.0, stats.get("posts"));
    assertEquals(2.0, stats.get("transfersCreated"));
    assertEquals(1.0, stats.get("duplicateCreations"));
    assertEquals(1.0, stats.get("replays"));
    assertEquals(0.0, stats.get("conflicts"));
    assertEquals(1.0, stats.get("responsesLookups"));
    assertEquals(1.0, stats.get("responsesFound"));
    assertEquals(Map.of("server_error", 0.0, "drop", 0.0, "reset", 0.0, "stall", 0.0), stats.get("faults"));
    assertEquals(2.0, stats.get("transfers"));
    SandboxStats api = sandbox.stats();
    assertEquals(4, api.requests());
    assertEquals(2, api.transfersCreated());
  }

  @Test
  void createdTimeHasMilliseconds() throws Exception {
    clock.advance(Duration.ofMillis(7));

    HttpResponse<String> response = http.post(null, transfer("1.00"));

    String created = (String) json(response.body()).get("created");
    assertTrue(CREATED.matcher(created).matches(), created);
    assertEquals("2026-11-23T10:15:30.007Z", created);
  }

  private void restart(SandboxServer.Builder builder) {
    sandbox.close();
    sandbox = builder.build().start();
    http = new TestHttp(sandbox);
  }
}

package dev.onceonly.testkit;

import static dev.onceonly.testkit.TestHttp.json;
import static dev.onceonly.testkit.TestHttp.newKey;
import static dev.onceonly.testkit.TestHttp.transfer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The MangoPay dialect: 409 idempotent_creation_conflict on every reuse, GET /responses. */
final class MangoPayDialectTest {

  private static final Instant NOW = Instant.parse("2016-01-13T22:25:44Z");

  private final GateSleeper processing = new GateSleeper();
  private final MutableClock clock = new MutableClock(NOW);
  private RunningSandbox sandbox = start(Faults.none());
  private TestHttp http = new TestHttp(sandbox);

  @AfterEach
  void close() {
    sandbox.close();
  }

  private RunningSandbox start(Faults faults) {
    return SandboxServer.builder().dialect(Dialect.MANGOPAY).clock(clock).faults(faults)
        .sleeper(processing).build().start();
  }

  @Test
  void createsTransferWithBody() throws Exception {
    HttpResponse<String> created = http.post(newKey(), transfer("110.00"));

    assertEquals(201, created.statusCode());
    assertEquals(created.headers().firstValue("Location").orElseThrow(),
        sandbox.baseUrl() + "/transfers/" + json(created.body()).get("id"));
  }

  @Test
  void answersCreationConflictToSameKeyAndBody() throws Exception {
    String key = newKey();
    http.post(key, transfer("110.00"));

    HttpResponse<String> repeated = http.post(key, transfer("110.00"));

    assertEquals(409, repeated.statusCode());
    assertCreationConflict(repeated.body());
    assertEquals(1, sandbox.transferCount());
    assertEquals(1, sandbox.stats().conflicts());
    assertEquals(0, sandbox.stats().replays());
  }

  @Test
  void answersCreationConflictToAnotherBody() throws Exception {
    String key = newKey();
    http.post(key, transfer("110.00"));

    HttpResponse<String> other = http.post(key, transfer("120.00"));

    assertEquals(409, other.statusCode());
    assertCreationConflict(other.body());
    assertEquals(1, sandbox.stats().keyMismatches());
  }

  @Test
  void servesStoredResponseAfterConflict() throws Exception {
    String key = newKey();
    HttpResponse<String> created = http.post(key, transfer("110.00"));
    http.post(key, transfer("110.00"));

    HttpResponse<String> stored = http.get("/responses/" + key);

    assertEquals(200, stored.statusCode());
    Map<String, Object> envelope = json(stored.body());
    assertEquals("201", envelope.get("StatusCode"));
    assertEquals("Wed, 13 Jan 2016 22:25:44 GMT", envelope.get("Date"));
    assertEquals(json(created.body()), envelope.get("Resource"));
  }

  @Test
  void accepts404ForUnknownKeyMangoPayStyle() throws Exception {
    HttpResponse<String> response = http.get("/responses/" + newKey() + "/");

    assertEquals(404, response.statusCode());
    assertEquals("ressource_not_found", json(response.body()).get("Type"));
  }

  @Test
  void answersCreationConflictWhileInProgressAndStoresNothingYet() throws Exception {
    sandbox.close();
    sandbox = start(Faults.builder().processingTime(Duration.ofSeconds(1)).build());
    http = new TestHttp(sandbox);
    String key = newKey();

    CompletableFuture<HttpResponse<String>> first = http.postAsync(key, transfer("1.00"));
    processing.awaitEntered();
    HttpResponse<String> concurrent = http.post(key, transfer("1.00"));
    HttpResponse<String> stored = http.get("/responses/" + key);
    processing.open();

    assertEquals(409, concurrent.statusCode());
    assertCreationConflict(concurrent.body());
    assertEquals(404, stored.statusCode());
    assertEquals(201, first.get(10, TimeUnit.SECONDS).statusCode());
    assertEquals(200, http.get("/responses/" + key).statusCode());
  }

  @Test
  void reportsValidationErrorsMangoPayStyle() throws Exception {
    HttpResponse<String> response = http.post(newKey(), transfer("1.00").replace("USD", "US"));

    assertEquals(400, response.statusCode());
    Map<String, Object> body = json(response.body());
    assertEquals("param_error", body.get("Type"));
    assertTrue(body.get("Message") instanceof String);
    Map<?, ?> errors = (Map<?, ?>) body.get("errors");
    assertTrue(errors.containsKey("amount.currency"), errors.toString());
  }

  private static void assertCreationConflict(String json) {
    Map<String, Object> body = json(json);
    assertEquals("A resource has already been created with this Idempotency Key", body.get("Message"));
    assertEquals("idempotent_creation_conflict", body.get("Type"));
    assertTrue(((String) body.get("Id")).endsWith("#" + NOW.getEpochSecond()), (String) body.get("Id"));
    assertEquals((double) NOW.getEpochSecond(), body.get("Date"), "epoch seconds, a number");
    assertTrue(body.containsKey("errors"));
    assertEquals(null, body.get("errors"));
  }
}

package dev.onceonly.testkit;

import static dev.onceonly.testkit.TestHttp.json;
import static dev.onceonly.testkit.TestHttp.newKey;
import static dev.onceonly.testkit.TestHttp.transfer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The IETF draft dialect: marked replays, 409 with Retry-After, 422, problem details. */
final class IetfDialectTest {

  private final GateSleeper processing = new GateSleeper();
  private final RunningSandbox sandbox = SandboxServer.builder().dialect(Dialect.IETF)
      .sleeper(processing)
      .faults(Faults.builder().processingTime(Duration.ofMillis(10)).build())
      .build().start();
  private final TestHttp http = new TestHttp(sandbox);

  @AfterEach
  void close() {
    sandbox.close();
  }

  @Test
  void replaysWithIdempotentReplayedHeader() throws Exception {
    String key = newKey();
    CompletableFuture<HttpResponse<String>> first = http.postAsync(key, transfer("5.00"));
    processing.open();
    HttpResponse<String> created = first.get(10, TimeUnit.SECONDS);

    HttpResponse<String> replay = http.post(key, transfer("5.00"));

    assertEquals(201, replay.statusCode());
    assertEquals(created.body(), replay.body());
    assertEquals(Optional.of("true"), replay.headers().firstValue("Idempotent-Replayed"));
  }

  @Test
  void answers422ProblemOnAnotherBody() throws Exception {
    String key = newKey();
    processing.open();
    http.post(key, transfer("5.00"));

    HttpResponse<String> reused = http.post(key, transfer("6.00"));

    assertEquals(422, reused.statusCode());
    assertEquals(Optional.of("application/problem+json"), reused.headers().firstValue("Content-Type"));
    Map<String, Object> problem = json(reused.body());
    assertEquals("https://onceonly.dev/problems/idempotency-key-reused", problem.get("type"));
    assertEquals(422.0, problem.get("status"));
    assertTrue(problem.get("title") instanceof String);
    assertTrue(problem.get("detail") instanceof String);
  }

  @Test
  void answers409ProblemWithRetryAfterWhileInProgress() throws Exception {
    String key = newKey();
    CompletableFuture<HttpResponse<String>> first = http.postAsync(key, transfer("5.00"));
    processing.awaitEntered();

    HttpResponse<String> concurrent = http.post(key, transfer("5.00"));
    processing.open();

    assertEquals(409, concurrent.statusCode());
    assertEquals(Optional.of("1"), concurrent.headers().firstValue("Retry-After"), "at least a second");
    Map<String, Object> problem = json(concurrent.body());
    assertTrue(((String) problem.get("type")).contains("idempotency"), (String) problem.get("type"));
    assertEquals(409.0, problem.get("status"));
    assertEquals(201, first.get(10, TimeUnit.SECONDS).statusCode());
  }

  @Test
  void hasNoResponsesRoute() throws Exception {
    String key = newKey();
    processing.open();
    http.post(key, transfer("5.00"));

    HttpResponse<String> response = http.get("/responses/" + key);

    assertEquals(404, response.statusCode());
    assertEquals(Optional.of("application/problem+json"), response.headers().firstValue("Content-Type"));
  }

  @Test
  void reportsValidationErrorsAsProblemWithPointers() throws Exception {
    processing.open();

    HttpResponse<String> response = http.post(newKey(), "{\"amount\":{\"currency\":\"USD\",\"value\":\"1.0\"}}");

    assertEquals(400, response.statusCode());
    Map<String, Object> problem = json(response.body());
    assertEquals("https://onceonly.dev/problems/validation-error", problem.get("type"));
    assertEquals(400.0, problem.get("status"));
    List<?> errors = (List<?>) problem.get("errors");
    assertEquals("/_links", ((Map<?, ?>) errors.get(0)).get("pointer"));
  }

  @Test
  void malformedKeyProblemDoesNotClaimToBeAnIdempotencyError() throws Exception {
    HttpResponse<String> response = http.post("short", transfer("5.00"));

    assertEquals(400, response.statusCode());
    // A client reads a 400 whose type speaks of idempotency as "key reused": this is not that.
    assertEquals("https://onceonly.dev/problems/bad-request", json(response.body()).get("type"));
  }
}

package dev.onceonly.testkit;

import static dev.onceonly.testkit.TestHttp.at;
import static dev.onceonly.testkit.TestHttp.json;
import static dev.onceonly.testkit.TestHttp.newKey;
import static dev.onceonly.testkit.TestHttp.transfer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Dwolla dialect: empty 201 with Location, unmarked replays, plain 409, no /responses. */
final class DwollaDialectTest {

  private final GateSleeper processing = new GateSleeper();
  private RunningSandbox sandbox = SandboxServer.builder().dialect(Dialect.DWOLLA).build().start();
  private TestHttp http = new TestHttp(sandbox);

  @AfterEach
  void close() {
    sandbox.close();
  }

  @Test
  void createsWithEmptyBodyAndLocationToReadTransferFrom() throws Exception {
    HttpResponse<String> created = http.post(newKey(), transfer("1337.00"));

    assertEquals(201, created.statusCode());
    assertEquals("", created.body());
    String location = created.headers().firstValue("Location").orElseThrow();
    HttpResponse<String> read = http.get(location);
    assertEquals(200, read.statusCode());
    assertEquals(location, sandbox.baseUrl() + "/transfers/" + json(read.body()).get("id"));
    assertEquals("1337.00", at(json(read.body()), "amount.value"));
  }

  @Test
  void replaysPlain201WithOriginalLocationAndNoReplayHeader() throws Exception {
    String key = newKey();
    HttpResponse<String> first = http.post(key, transfer("1.00"));

    HttpResponse<String> second = http.post(key, transfer("1.00"));

    assertEquals(201, second.statusCode());
    assertEquals("", second.body());
    assertEquals(first.headers().firstValue("Location"), second.headers().firstValue("Location"));
    assertFalse(second.headers().firstValue("Idempotent-Replayed").isPresent());
    assertEquals(1, sandbox.transferCount());
    assertEquals(1, sandbox.stats().replays());
  }

  @Test
  void answersOriginalResponseEvenToAnotherBody() throws Exception {
    String key = newKey();
    HttpResponse<String> first = http.post(key, transfer("1.00"));

    HttpResponse<String> other = http.post(key, transfer("2.00"));

    assertEquals(201, other.statusCode());
    assertEquals(first.headers().firstValue("Location"), other.headers().firstValue("Location"));
    assertEquals(1, sandbox.transferCount());
    assertEquals(1, sandbox.stats().keyMismatches());
  }

  @Test
  void hasNoResponsesRoute() throws Exception {
    String key = newKey();
    http.post(key, transfer("1.00"));

    HttpResponse<String> response = http.get("/responses/" + key);

    assertEquals(404, response.statusCode());
    assertEquals("NotFound", json(response.body()).get("code"));
    assertEquals(0, sandbox.stats().responsesLookups());
  }

  @Test
  void answersPlain409WhileInProgress() throws Exception {
    restartWith(Faults.builder().processingTime(Duration.ofSeconds(2)).build());
    String key = newKey();

    CompletableFuture<HttpResponse<String>> first = http.postAsync(key, transfer("1.00"));
    processing.awaitEntered();
    HttpResponse<String> concurrent = http.post(key, transfer("1.00"));
    processing.open();

    assertEquals(409, concurrent.statusCode());
    assertEquals("Conflict", json(concurrent.body()).get("code"));
    assertFalse(concurrent.headers().firstValue("Retry-After").isPresent());
    assertEquals(201, first.get(10, TimeUnit.SECONDS).statusCode());
    assertEquals(1, sandbox.transferCount());
  }

  @Test
  void reportsValidationErrorsDwollaStyle() throws Exception {
    HttpResponse<String> response = http.post(newKey(), transfer("1.00").replace("\"1.00\"", "1.00"));

    assertEquals(400, response.statusCode());
    Map<String, Object> body = json(response.body());
    assertEquals("ValidationError", body.get("code"));
    assertEquals("Validation error(s) present. See embedded errors list for more details.",
        body.get("message"));
    Map<?, ?> error = (Map<?, ?>) ((List<?>) at(body, "_embedded.errors")).get(0);
    assertEquals("Invalid", error.get("code"));
    assertEquals("/amount/value", error.get("path"));
  }

  @Test
  void replaysStoredValidationErrorToo() throws Exception {
    String key = newKey();
    String invalid = transfer("-1.00");
    HttpResponse<String> first = http.post(key, invalid);

    HttpResponse<String> second = http.post(key, invalid);

    assertEquals(400, second.statusCode());
    assertEquals(first.body(), second.body());
    assertEquals(Optional.empty(), second.headers().firstValue("Idempotent-Replayed"));
  }

  private void restartWith(Faults faults) {
    sandbox.close();
    sandbox = SandboxServer.builder().dialect(Dialect.DWOLLA).faults(faults).sleeper(processing)
        .build().start();
    http = new TestHttp(sandbox);
  }
}

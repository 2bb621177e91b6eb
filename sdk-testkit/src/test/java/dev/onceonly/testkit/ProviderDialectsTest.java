package dev.onceonly.testkit;

import static dev.onceonly.testkit.TestHttp.json;
import static dev.onceonly.testkit.TestHttp.newKey;
import static dev.onceonly.testkit.TestHttp.transfer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.onceonly.IdempotencyProfile;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Stripe, GoCardless and Increase dialects over raw HTTP: what each answers to a repeated key. */
final class ProviderDialectsTest {

  private final GateSleeper processing = new GateSleeper();
  private final List<RunningSandbox> started = new java.util.ArrayList<>();

  private TestHttp start(Dialect dialect) {
    RunningSandbox sandbox = SandboxServer.builder().dialect(dialect).sleeper(processing)
        .faults(Faults.builder().processingTime(Duration.ofMillis(10)).build()).build().start();
    started.add(sandbox);
    return new TestHttp(sandbox);
  }

  @AfterEach
  void close() {
    started.forEach(RunningSandbox::close);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> error(HttpResponse<String> response) {
    return (Map<String, Object>) json(response.body()).get("error");
  }

  @Test
  void eachDialectNamesItsProfile() {
    assertEquals(IdempotencyProfile.stripe(), Dialect.STRIPE.profile());
    assertEquals(IdempotencyProfile.goCardless(), Dialect.GOCARDLESS.profile());
    assertEquals(IdempotencyProfile.increase(), Dialect.INCREASE.profile());
    assertEquals(IdempotencyProfile.standard(), Dialect.FULL.profile());
    assertEquals(Dialect.STRIPE, Dialect.fromName("Stripe"));
  }

  @Test
  void stripeReplaysMarkedRefusesAnotherBodyAndSaysWhenToRetry() throws Exception {
    TestHttp http = start(Dialect.STRIPE);
    String key = newKey();
    CompletableFuture<HttpResponse<String>> first = http.postAsync(key, transfer("5.00"));
    processing.awaitEntered();

    HttpResponse<String> inUse = http.post(key, transfer("5.00"));
    processing.open();
    HttpResponse<String> created = first.get(10, TimeUnit.SECONDS);
    HttpResponse<String> replay = http.post(key, transfer("5.00"));
    HttpResponse<String> reused = http.post(key, transfer("6.00"));

    assertEquals(409, inUse.statusCode());
    assertEquals("idempotency_key_in_use", error(inUse).get("code"));
    assertEquals(Optional.of("true"), inUse.headers().firstValue("Stripe-Should-Retry"));
    assertEquals(created.body(), replay.body());
    assertEquals(Optional.of("true"), replay.headers().firstValue("Idempotent-Replayed"));
    assertEquals(400, reused.statusCode());
    assertEquals("idempotency_error", error(reused).get("type"));
  }

  @Test
  void stripeTakesKeysUpTo255CharactersAndHasNoResponsesRoute() throws Exception {
    TestHttp http = start(Dialect.STRIPE);
    processing.open();

    assertEquals(201, http.post("k".repeat(255), transfer("5.00")).statusCode());
    assertEquals(400, http.post("k".repeat(256), transfer("5.00")).statusCode());
    assertEquals(404, http.get("/responses/" + "k".repeat(255)).statusCode());
  }

  @Test
  @SuppressWarnings("unchecked")
  void goCardlessAnswersEveryReuseWithAConflictNamingTheResource() throws Exception {
    TestHttp http = start(Dialect.GOCARDLESS);
    String key = newKey();
    processing.open();
    HttpResponse<String> created = http.post(key, transfer("5.00"));
    String id = (String) json(created.body()).get("id");

    for (String body : List.of(transfer("5.00"), transfer("6.00"))) {
      HttpResponse<String> again = http.post(key, body);
      assertEquals(409, again.statusCode());
      Map<String, Object> error = error(again);
      assertEquals("invalid_state", error.get("type"));
      Map<String, Object> first = (Map<String, Object>) ((List<?>) error.get("errors")).get(0);
      assertEquals("idempotent_creation_conflict", first.get("reason"));
      assertEquals(id, ((Map<String, Object>) first.get("links")).get("conflicting_resource_id"));
      assertFalse(again.headers().firstValue("Idempotent-Replayed").isPresent());
    }
    assertEquals(1, started.get(0).transferCount());
  }

  @Test
  void goCardlessValidationIsA422ThatIsNotAboutIdempotency() throws Exception {
    TestHttp http = start(Dialect.GOCARDLESS);
    processing.open();

    HttpResponse<String> invalid = http.post(newKey(), "{\"amount\":{\"currency\":\"USD\",\"value\":\"1.0\"}}");

    assertEquals(422, invalid.statusCode());
    assertEquals("validation_failed", error(invalid).get("type"));
  }

  @Test
  void increaseReplaysMarkedAndNamesTheObjectOfAReusedKey() throws Exception {
    TestHttp http = start(Dialect.INCREASE);
    String key = newKey();
    processing.open();
    HttpResponse<String> created = http.post(key, transfer("5.00"));

    HttpResponse<String> replay = http.post(key, transfer("5.00"));
    HttpResponse<String> reused = http.post(key, transfer("6.00"));

    assertEquals(created.body(), replay.body());
    assertEquals(Optional.of("true"), replay.headers().firstValue("Idempotent-Replayed"));
    assertEquals(409, reused.statusCode());
    Map<String, Object> body = json(reused.body());
    assertEquals("idempotency_key_already_used_error", body.get("type"));
    assertEquals(json(created.body()).get("id"), body.get("resource_id"));
  }

  @Test
  void aKeyInProgressIsAConflictNamingNothingYetInGoCardlessAndIncrease() throws Exception {
    for (Dialect dialect : List.of(Dialect.GOCARDLESS, Dialect.INCREASE)) {
      GateSleeper gate = new GateSleeper();
      try (RunningSandbox sandbox = SandboxServer.builder().dialect(dialect).sleeper(gate)
          .faults(Faults.builder().processingTime(Duration.ofMillis(10)).build()).build().start()) {
        TestHttp http = new TestHttp(sandbox);
        String key = newKey();
        CompletableFuture<HttpResponse<String>> first = http.postAsync(key, transfer("5.00"));
        gate.awaitEntered();

        HttpResponse<String> busy = http.post(key, transfer("5.00"));
        gate.open();

        assertEquals(409, busy.statusCode(), dialect.toString());
        assertEquals(Optional.of("1"), busy.headers().firstValue("Retry-After"), dialect.toString());
        assertFalse(busy.body().contains("conflicting_resource_id") || busy.body().contains("resource_id"),
            dialect + ": " + busy.body());
        assertEquals(201, first.get(10, TimeUnit.SECONDS).statusCode());
      }
    }
  }
}

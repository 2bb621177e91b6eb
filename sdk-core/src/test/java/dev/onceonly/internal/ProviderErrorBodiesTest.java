package dev.onceonly.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.onceonly.ApiException;
import dev.onceonly.IdempotencyKeyReusedException;
import dev.onceonly.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The error bodies of the profiles' APIs: their codes and messages, and the id a conflict names. */
class ProviderErrorBodiesTest {

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void stripesErrorObjectGivesItsCodeTypeAndMessage() {
    ApiException e = ApiErrors.toException(HttpResponse.of(409, ProfileDeciderTest.STRIPE_IN_USE), null);

    assertEquals("idempotency_key_in_use", e.code().orElseThrow());
    assertEquals("There is currently another in-progress request using this Stripe-Idempotency-Key.", e.getMessage());
    assertEquals(Set.of("idempotency_key_in_use", "invalid_request_error"),
        ApiErrors.codes(b(ProfileDeciderTest.STRIPE_IN_USE)));
    assertEquals("idempotency_error", ApiErrors.toException(HttpResponse.of(400, ProfileDeciderTest.STRIPE_REUSED), null)
        .code().orElseThrow());
  }

  @Test
  void stripesIdempotencyErrorIsAReusedKeyEvenInTheStandardProfile() {
    // The protocol's table names Stripe's 400 idempotency_error beside the IETF draft's 422.
    ApiException e = ApiErrors.toException(HttpResponse.of(400, ProfileDeciderTest.STRIPE_REUSED), null);

    assertEquals(IdempotencyKeyReusedException.class, e.getClass());
  }

  @Test
  void goCardlessGivesItsReasonNotItsNumericCode() {
    ApiException e = ApiErrors.toException(HttpResponse.of(409, ProfileDeciderTest.GOCARDLESS_CONFLICT), null);

    assertEquals("idempotent_creation_conflict", e.code().orElseThrow());
    assertEquals("A resource has already been created with this idempotency key", e.getMessage());
    assertEquals(Set.of("idempotent_creation_conflict", "invalid_state"),
        ApiErrors.codes(b(ProfileDeciderTest.GOCARDLESS_CONFLICT)));
    assertEquals("PM00001", ApiErrors.field(b(ProfileDeciderTest.GOCARDLESS_CONFLICT),
        "error.errors.links.conflicting_resource_id"));
  }

  @Test
  void increaseIsAProblemWithAResourceId() {
    ApiException e = ApiErrors.toException(HttpResponse.of(409, ProfileDeciderTest.INCREASE_CONFLICT), null);

    assertEquals("idempotency_key_already_used_error", e.code().orElseThrow());
    assertEquals("ach_transfer_9", ApiErrors.field(b(ProfileDeciderTest.INCREASE_CONFLICT), "resource_id"));
  }

  @Test
  void adyenCheckoutAndPayPalCodesAreRead() {
    assertEquals("14_030", ApiErrors.toException(HttpResponse.of(422,
        "{\"status\":422,\"errorCode\":\"14_030\",\"message\":\"Return URL is missing.\",\"errorType\":\"validation\"}"),
        null).code().orElseThrow());
    assertEquals("request_invalid", ApiErrors.toException(HttpResponse.of(422,
        "{\"request_id\":\"0HL80RJLS76I7\",\"error_type\":\"request_invalid\",\"error_codes\":[\"payment_source_required\"]}"),
        null).code().orElseThrow());
    assertEquals("UNPROCESSABLE_ENTITY", ApiErrors.toException(HttpResponse.of(422,
        "{\"name\":\"UNPROCESSABLE_ENTITY\",\"message\":\"The requested action could not be performed.\"}"), null)
        .code().orElseThrow());
  }

  @Test
  void theDefaultStylesGiveTheSameCodesAsBefore() {
    assertEquals(Set.of("idempotent_creation_conflict"), ApiErrors.codes(b(
        "{\"Message\":\"A resource has already been created\",\"Type\":\"idempotent_creation_conflict\",\"Id\":\"x\","
            + "\"Date\":1452723944,\"errors\":null}")));
    assertEquals(Set.of("ValidationError"), ApiErrors.codes(b("{\"code\":\"ValidationError\",\"message\":\"m\"}")));
    assertEquals(Set.of(), ApiErrors.codes(b("{\"type\":\"about:blank\",\"title\":\"Not Found\"}")));
    assertEquals(Set.of(), ApiErrors.codes(b("<html>502</html>")));
    assertEquals(Set.of(), ApiErrors.codes(new byte[0]));
  }

  @Test
  void aFieldIsFoundThroughObjectsAndArraysAndNothingElse() {
    byte[] body = b("{\"a\":[{\"b\":1},{\"c\":{\"d\":\"x\"}}],\"e\":{\"f\":[\"g\"]},\"n\":12}");

    assertEquals("x", ApiErrors.field(body, "a.c.d"));
    assertEquals("12", ApiErrors.field(body, "n"));
    assertNull(ApiErrors.field(body, "e.f"), "an array is not an id");
    assertNull(ApiErrors.field(body, "a.b.z"));
    assertNull(ApiErrors.field(b("not json"), "a"));
  }
}

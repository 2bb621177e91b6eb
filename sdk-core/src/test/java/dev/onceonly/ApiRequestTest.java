package dev.onceonly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ApiRequestTest {

  record Refund(String transfer_id, BigDecimal value, String currency, String note, Instant at) {}

  private static String body(ApiRequest r) {
    return new String(r.body().orElseThrow(), StandardCharsets.UTF_8);
  }

  @Test
  void aRecordIsSerialisedOnceWithDecimalsAsStringsAndNullsLeftOut() {
    ApiRequest r = ApiRequest.post("/refunds")
        .body(new Refund("t-1", new BigDecimal("10.50"), "USD", null, Instant.parse("2026-11-23T10:15:30Z"))).build();

    assertEquals("{\"transfer_id\":\"t-1\",\"value\":\"10.50\",\"currency\":\"USD\",\"at\":\"2026-11-23T10:15:30Z\"}",
        body(r));
    assertEquals("POST /refunds", r.toString());
  }

  @Test
  void mapsListsAndMoneySerialiseToo() {
    assertEquals("{\"amount\":{\"currency\":\"EUR\",\"value\":\"1000\"}}",
        body(ApiRequest.post("refunds").body(Map.of("amount", Money.of("EUR", new BigDecimal("1E+3")))).build()),
        "a decimal in plain notation, as a string");
    assertEquals("[\"a\",\"b\"]", body(ApiRequest.post("tags").body(List.of("a", "b")).build()));
  }

  @Test
  void rawBytesAreCopiedAndMustBeOneJsonValue() {
    byte[] json = "{\"a\" : 1}".getBytes(StandardCharsets.UTF_8);
    ApiRequest r = ApiRequest.post("/x").rawBody(json).build();
    json[1] = 'b';

    assertEquals("{\"a\" : 1}", body(r));
    assertThrows(IllegalArgumentException.class, () -> ApiRequest.post("/x").rawBody("{".getBytes(StandardCharsets.UTF_8)));
    assertThrows(IllegalArgumentException.class, () -> ApiRequest.post("/x").rawBody("{} {}".getBytes(StandardCharsets.UTF_8)));
    assertThrows(IllegalArgumentException.class, () -> ApiRequest.post("/x").rawBody("{'a':1}".getBytes(StandardCharsets.UTF_8)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "/", "https://evil.test/refunds", "//evil.test/refunds", "refunds?limit=1", "refunds#x",
      "a/../b", "./a", "a//b", "re funds", "refunds\n", "%zz", "mailto:x@y", "a\\b"})
  void aPathThatIsNotBeneathTheBaseUrlIsRefusedNamingPath(String path) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ApiRequest.post(path));

    assertTrue(e.getMessage().startsWith("path"), e.getMessage());
  }

  @Test
  void aPathIsKeptWithOneLeadingSlash() {
    assertEquals("/refunds", ApiRequest.post("refunds").build().path());
    assertEquals("/payments/PM1/actions/cancel", ApiRequest.post("/payments/PM1/actions/cancel").build().path());
    assertEquals("/v1/a%20b:c@d", ApiRequest.get("/v1/a%20b:c@d").build().path());
  }

  @Test
  void aGetHasNoBodyAndNoKey() {
    assertThrows(IllegalArgumentException.class, () -> ApiRequest.get("/x").body(Map.of()));
    assertThrows(IllegalArgumentException.class, () -> ApiRequest.get("/x").rawBody(new byte[] {'1'}));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ApiRequest.get("/x")
        .options(RequestOptions.builder().idempotencyKey("19051a62-3403-11e6-ac61-9e71128cae77").build()));
    assertTrue(e.getMessage().startsWith("options"), e.getMessage());
  }

  @Test
  void headersTheClientSetsAreRefusedAndValuesMustNotSplitTheHeader() {
    assertThrows(IllegalArgumentException.class, () -> ApiRequest.post("/x").header("Authorization", "Bearer x"));
    assertThrows(IllegalArgumentException.class, () -> ApiRequest.post("/x").header("content-type", "text/plain"));
    assertThrows(IllegalArgumentException.class, () -> ApiRequest.post("/x").header("Api Version", "2"));
    assertThrows(IllegalArgumentException.class, () -> ApiRequest.post("/x").header("Api-Version", "2\r\nX-Evil: 1"));
    ApiRequest r = ApiRequest.post("/x").header("Stripe-Version", "2024-06-20").query("expand", "a b").build();
    assertEquals(Map.of("Stripe-Version", "2024-06-20"), r.headers());
    assertEquals(Map.of("expand", "a b"), r.query());
  }

  @Test
  void aBodyMoshiCannotSerialiseIsRefusedNamingBodyWhenBuilt() {
    Object cyclic = new Object() {
      @SuppressWarnings("unused")
      final Object self = this;
    };
    ApiRequest.Builder b = ApiRequest.post("/x").body(new Thread());

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build);
    assertTrue(e.getMessage().startsWith("body "), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ApiRequest.post("/x").body(cyclic).build());
  }
}

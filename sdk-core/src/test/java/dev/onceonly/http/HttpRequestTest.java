package dev.onceonly.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpRequestTest {

  private static final String URL = "https://api.example.test/transfers";

  private static HttpRequest post() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("Idempotency-Key", "19051a62-3403-11e6-ac61-9e71128cae77");
    return new HttpRequest("POST", URL, headers, "{\"card\":\"4111111111111111\"}".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void withHeaderAddsAtTheEndAndLeavesTheOriginalAlone() {
    HttpRequest original = post();

    HttpRequest authorised = original.withHeader("Authorization", "Bearer t");

    assertEquals(List.of("Content-Type", "Idempotency-Key", "Authorization"),
        List.copyOf(authorised.headers().keySet()));
    assertEquals(List.of("Content-Type", "Idempotency-Key"), List.copyOf(original.headers().keySet()));
    assertSame(original.body(), authorised.body()); // the very same bytes on every attempt
  }

  @Test
  void withHeaderReplacesAHeaderOfTheSameNameWhateverItsCase() {
    HttpRequest request = post().withHeader("authorization", "Bearer old");

    HttpRequest replaced = request.withHeader("Authorization", "Bearer new");

    assertEquals(3, replaced.headers().size(), replaced.headers().toString());
    assertEquals("Bearer new", replaced.headers().get("Authorization"));
  }

  @Test
  void headersAreCopiedAndUnmodifiable() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Accept", "application/json");
    HttpRequest request = new HttpRequest("GET", URL, headers, null);

    headers.put("Authorization", "Bearer leaked");

    assertEquals(Map.of("Accept", "application/json"), request.headers());
    assertThrows(UnsupportedOperationException.class, () -> request.headers().put("X", "y"));
  }

  @Test
  void toStringShowsMethodAndUrlOnly() {
    HttpRequest request = post().withHeader("Authorization", "Bearer s3cr3t");

    assertEquals("POST " + URL, request.toString());
  }
}

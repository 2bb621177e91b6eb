package dev.onceonly.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HttpResponseTest {

  @Test
  void headerLookupIgnoresCase() {
    HttpResponse response = new HttpResponse(201,
        Map.of("Location", List.of("https://api.example.test/transfers/t1"), "retry-after", List.of("3")),
        HttpResponse.emptyBody());

    assertEquals(Optional.of("https://api.example.test/transfers/t1"), response.header("location"));
    assertEquals(Optional.of("https://api.example.test/transfers/t1"), response.header("LOCATION"));
    assertEquals(Optional.of("3"), response.header("Retry-After"));
    assertEquals(List.of("3"), response.headers().get("RETRY-AFTER"));
  }

  @Test
  void headerGivesTheFirstValueOrNothing() {
    HttpResponse response = new HttpResponse(200,
        Map.of("Set-Cookie", List.of("a=1", "b=2"), "X-Empty", List.of()), HttpResponse.emptyBody());

    assertEquals(Optional.of("a=1"), response.header("set-cookie"));
    assertEquals(Optional.empty(), response.header("X-Empty"));
    assertEquals(Optional.empty(), response.header("Idempotent-Replayed"));
  }

  @Test
  void namesThatDifferOnlyInCaseAreOneHeader() {
    Map<String, List<String>> headers = new java.util.LinkedHashMap<>();
    headers.put("Link", List.of("<a>"));
    headers.put("link", List.of("<b>"));

    HttpResponse response = new HttpResponse(200, headers, HttpResponse.emptyBody());

    assertEquals(1, response.headers().size());
    assertEquals(List.of("<a>", "<b>"), response.headers().get("LINK"));
    assertEquals(Optional.of("<a>"), response.header("link"));
  }

  @Test
  void headersAreCopiedAndUnmodifiable() {
    List<String> values = new ArrayList<>(List.of("3"));
    Map<String, List<String>> headers = new HashMap<>();
    headers.put("Retry-After", values);

    HttpResponse response = new HttpResponse(503, headers, HttpResponse.emptyBody());
    values.set(0, "86400");
    headers.put("Idempotent-Replayed", List.of("true"));

    assertEquals(Optional.of("3"), response.header("Retry-After"));
    assertEquals(Optional.empty(), response.header("Idempotent-Replayed"));
    assertThrows(UnsupportedOperationException.class, () -> response.headers().put("X", List.of("y")));
    assertThrows(UnsupportedOperationException.class, () -> response.headers().get("retry-after").add("1"));
  }

  @Test
  void toStringShowsTheStatusButNotTheBody() {
    HttpResponse response = HttpResponse.of(201, "{\"metadata\":{\"card\":\"4111111111111111\"}}");

    String text = response.toString();

    assertTrue(text.contains("201"), text);
    assertFalse(text.contains("4111111111111111"), text);
    assertFalse(text.contains("metadata"), text);
  }

  @Test
  void ofEncodesTheBodyAsUtf8WithoutHeaders() {
    HttpResponse response = HttpResponse.of(400, "Zoë");

    assertEquals(400, response.statusCode());
    assertEquals("Zoë", new String(response.body(), StandardCharsets.UTF_8));
    assertEquals(4, response.body().length);
    assertTrue(response.headers().isEmpty());
  }

  @Test
  void successMeansA2xxStatus() {
    assertTrue(HttpResponse.of(200, "").isSuccessful());
    assertTrue(HttpResponse.of(201, "").isSuccessful());
    assertTrue(HttpResponse.of(299, "").isSuccessful());
    assertFalse(HttpResponse.of(199, "").isSuccessful());
    assertFalse(HttpResponse.of(304, "").isSuccessful());
    assertFalse(HttpResponse.of(409, "").isSuccessful());
  }

  @Test
  void aNullBodyIsRefused() {
    assertEquals("body",
        assertThrows(NullPointerException.class, () -> new HttpResponse(200, Map.of(), null)).getMessage());
  }
}

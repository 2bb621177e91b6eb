package dev.onceonly.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The headers of an {@link HttpRequest} behave as an unmodifiable copy of an ordered map. */
class HttpRequestHeadersTest {

  private static Map<String, String> ordered() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("Accept", "application/json");
    headers.put("Idempotency-Key", "19051a62-3403-11e6-ac61-9e71128cae77");
    return headers;
  }

  @Test
  void readLikeTheMapTheyCopy() {
    Map<String, String> source = ordered();
    Map<String, String> headers = new HttpRequest("POST", "https://x.test/", source, null).headers();
    Map<String, String> reference = Collections.unmodifiableMap(new LinkedHashMap<>(source));

    assertEquals(reference, headers);
    assertEquals(headers, reference);
    assertEquals(reference.hashCode(), headers.hashCode());
    assertEquals(reference.toString(), headers.toString());
    assertEquals(new ArrayList<>(reference.entrySet()), new ArrayList<>(headers.entrySet()));
    assertEquals(List.copyOf(reference.keySet()), List.copyOf(headers.keySet()));
    assertEquals(List.copyOf(reference.values()), List.copyOf(headers.values()));
    assertEquals("application/json", headers.get("Accept"));
    assertNull(headers.get("accept")); // a Map, case-sensitive, as before; transports compare names themselves
    assertTrue(headers.containsKey("Idempotency-Key"));
    assertFalse(headers.containsKey("Authorization"));
    assertEquals("none", headers.getOrDefault("Authorization", "none"));
    assertEquals(3, headers.size());
  }

  @Test
  void everyMutatorThrowsEvenWhenItWouldChangeNothing() {
    Map<String, String> headers = new HttpRequest("GET", "https://x.test/", ordered(), null).headers();
    List<Consumer<Map<String, String>>> mutators = List.of(
        m -> m.put("X", "y"),
        m -> m.remove("Accept"),
        m -> m.remove("Absent"),
        m -> m.putAll(Map.of()),
        Map::clear,
        m -> m.putIfAbsent("Accept", "x"),
        m -> m.remove("Accept", "other"),
        m -> m.replace("Absent", "x"),
        m -> m.replace("Accept", "no", "x"),
        m -> m.computeIfAbsent("Accept", k -> "x"),
        m -> m.computeIfPresent("Absent", (k, v) -> "x"),
        m -> m.compute("Accept", (k, v) -> v),
        m -> m.merge("Accept", "x", (a, b) -> a),
        m -> m.replaceAll((k, v) -> v),
        m -> m.keySet().remove("Absent"),
        m -> m.values().remove("absent"),
        m -> m.entrySet().clear(),
        m -> m.entrySet().iterator().next().setValue("x"),
        m -> {
          var it = m.entrySet().iterator();
          it.next();
          it.remove();
        });
    for (Consumer<Map<String, String>> mutator : mutators) {
      assertThrows(UnsupportedOperationException.class, () -> mutator.accept(headers));
    }
    assertEquals(ordered(), headers);
  }

  @Test
  void withHeaderSharesNothingMutableAndKeepsTheBody() {
    byte[] body = {1, 2, 3};
    HttpRequest original = new HttpRequest("POST", "https://x.test/", ordered(), body);

    HttpRequest authorised = original.withHeader("content-type", "text/plain");
    HttpRequest again = new HttpRequest("POST", "https://x.test/", authorised.headers(), body);

    assertEquals(List.of("Accept", "Idempotency-Key", "content-type"), List.copyOf(authorised.headers().keySet()));
    assertEquals(ordered(), original.headers());
    assertEquals(authorised, again);
    assertSame(body, again.body());
  }
}

package dev.onceonly.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onceonly.ApiException;
import dev.onceonly.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class RedactorTest {

  final Redactor redactor = new Redactor("sk_live_9f8e7d6c5b4a");

  @ParameterizedTest
  @ValueSource(strings = {
      "Authorization: Bearer sk_live_9f8e7d6c5b4a",
      "authorization=Bearer%20sk_live_9f8e7d6c5b4a",
      "{\"headers\":{\"Authorization\":\"Bearer sk_live_9f8e7d6c5b4a\"}}",
      "token sk_live_9f8e7d6c5b4a echoed bare",
      "<td>HTTP_AUTHORIZATION</td><td>Bearer sk_live_9f8e7d6c5b4a</td>"})
  void theClientsTokenNeverSurvives(String echoed) {
    String scrubbed = redactor.scrub(echoed);

    assertFalse(scrubbed.contains("sk_live_9f8e7d6c5b4a"), scrubbed);
    assertTrue(scrubbed.contains(Redactor.MARK), scrubbed);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "Proxy-Authorization: Basic dXNlcjpwYXNzd29yZA==",
      "Authorization: Bearer someone-elses-token-123",
      "forwarded with bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc"})
  void anythingThatLooksLikeACredentialIsScrubbedToo(String echoed) {
    String scrubbed = Redactor.none().scrub(echoed);

    assertTrue(scrubbed.contains(Redactor.MARK), scrubbed);
    assertFalse(scrubbed.contains("dXNlcjpwYXNzd29yZA"), scrubbed);
    assertFalse(scrubbed.contains("someone-elses-token"), scrubbed);
    assertFalse(scrubbed.contains("eyJzdWIiOiIxIn0"), scrubbed);
  }

  @Test
  void ordinaryErrorTextIsLeftAlone() {
    String text = "The amount exceeds the daily limit of 10000.00 USD (code: LimitExceeded)";

    assertEquals(text, redactor.scrub(text));
  }

  @Test
  void aTokenCutByTheExcerptBoundIsScrubbedBeforeTheCut() {
    String page = "x".repeat(ApiErrors.EXCERPT_CHARS - 10) + " sk_live_9f8e7d6c5b4a and more";
    HttpResponse response = new HttpResponse(502, Map.of("Content-Type", List.of("text/html")),
        page.getBytes(StandardCharsets.UTF_8));

    ApiException e = ApiErrors.toException(response, null, redactor);

    assertFalse(e.getMessage().contains("sk_live"), e.getMessage());
  }

  @Test
  void jsonErrorFieldsAreScrubbed() {
    byte[] body = "{\"code\":\"Unauthorized\",\"message\":\"bad token sk_live_9f8e7d6c5b4a\"}".getBytes(StandardCharsets.UTF_8);

    ApiException e = ApiErrors.toException(401, body, null, redactor);

    assertEquals("bad token [redacted]", e.getMessage());
    assertEquals("Unauthorized", e.code().orElseThrow());
  }

  @Test
  void itsOwnDescriptionDoesNotHoldTheToken() {
    assertFalse(redactor.toString().contains("sk_live"));
  }
}

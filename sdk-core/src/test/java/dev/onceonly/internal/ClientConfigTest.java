package dev.onceonly.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ClientConfigTest {

  @ParameterizedTest
  @CsvSource({
      "https://api.example.test,           https://api.example.test/",
      "https://api.example.test/,          https://api.example.test/",
      "https://api.example.test/v1,        https://api.example.test/v1/",
      "https://api.example.test/v1/,       https://api.example.test/v1/",
      "http://localhost:8080,              http://localhost:8080/",
      "HTTPS://api.example.test/v1,        https://api.example.test/v1/",
      "Http://127.0.0.1:9000/api,          http://127.0.0.1:9000/api/",
      "'  https://api.example.test/v1  ',  https://api.example.test/v1/",
  })
  void parseBaseUrlNormalisesToAnAbsoluteUrlEndingInASlash(String input, String expected) {
    URI uri = ClientConfig.parseBaseUrl(input);

    assertEquals(URI.create(expected), uri);
    assertEquals(expected, uri.toString());
  }

  @Test
  void transfersResolvesBeneathTheParsedBaseUrl() {
    assertEquals("https://api.example.test/v1/transfers",
        ClientConfig.parseBaseUrl("https://api.example.test/v1").resolve("transfers").toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "   ", "\t",
      "api.example.test", "/v1/", "//api.example.test/v1",
      "ftp://api.example.test/", "ftp:", "file:///etc/passwd", "mailto:x@example.test", "https:api.example.test",
      "https://", "http:///v1",
      "https://api.example.test/v1?env=sandbox", "https://api.example.test/v1#top", "https://api.example.test/?",
      "https://api example.test/",
  })
  void parseBaseUrlRefusesWhatIsNotAnAbsoluteHttpUrlNamingBaseUrl(String input) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClientConfig.parseBaseUrl(input));

    assertTrue(e.getMessage().startsWith("baseUrl "), e.getMessage());
  }

  @Test
  void parseBaseUrlRefusesNullNamingIt() {
    assertEquals("baseUrl",
        assertThrows(NullPointerException.class, () -> ClientConfig.parseBaseUrl(null)).getMessage());
  }

  @Test
  void checkBearerTokenAcceptsAVisibleAsciiToken() {
    String token = "sk_test_4eC39HqLyjWDarjtT1zdp7dc.-~+/=";

    assertEquals(token, ClientConfig.checkBearerToken(token));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "  ", "\n",
      "s3cr3t-t0ken-value with-space",
      "s3cr3t-t0ken-value\r\nX-Injected: 1",
      "s3cr3t-t0ken-value\n",
      "s3cr3t-t0ken-value\t",
      "s3cr3t-t0ken-välue",
      "s3cr3t-t0ken-value\u007f",
      " s3cr3t-t0ken-value",
  })
  void checkBearerTokenRefusesBadTokensWithoutRepeatingThem(String token) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ClientConfig.checkBearerToken(token));

    assertTrue(e.getMessage().startsWith("bearerToken "), e.getMessage());
    assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
    assertFalse(e.getMessage().contains("t0ken"), e.getMessage());
  }

  @Test
  void checkBearerTokenRefusesNullNamingIt() {
    assertEquals("bearerToken",
        assertThrows(NullPointerException.class, () -> ClientConfig.checkBearerToken(null)).getMessage());
  }

  @Test
  void refusesCredentialsInTheBaseUrlWithoutRepeatingThem() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ClientConfig.parseBaseUrl("https://user:s3cr3tpass@api.example.test/"));
    assertTrue(e.getMessage().contains("baseUrl"), e.getMessage());
    assertFalse(e.getMessage().contains("s3cr3tpass"), e.getMessage());
  }

  @org.junit.jupiter.api.Test
  void itsDescriptionNeverHoldsTheBearerToken() {
    ClientConfig config = new ClientConfig(java.net.URI.create("https://api.example.test/"), "tok_live_secret_1234",
        dev.onceonly.RetryPolicy.defaults(), dev.onceonly.RetryListener.NONE, java.time.Clock.systemUTC(),
        dev.onceonly.Sleeper.SYSTEM);

    org.junit.jupiter.api.Assertions.assertFalse(config.toString().contains("tok_live_secret_1234"), config.toString());
    org.junit.jupiter.api.Assertions.assertTrue(config.toString().contains("bearerToken=(set)"), config.toString());
  }
}

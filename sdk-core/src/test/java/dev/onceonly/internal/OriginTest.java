package dev.onceonly.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class OriginTest {

  @Test
  void caseAndDefaultPortsDoNotMakeAnotherOrigin() {
    assertEquals(Origin.of("https://api.example.test/v1/"), Origin.of("HTTPS://API.Example.TEST:443/transfers/1"));
    assertEquals(Origin.of("http://LocalHost:8080/"), Origin.of("http://localhost:8080/x"));
    assertEquals(Origin.of("http://h.test/"), Origin.of("http://h.test:80/"));
  }

  @Test
  void schemeHostOrPortMakeAnotherOrigin() {
    assertNotEquals(Origin.of("https://api.example.test/"), Origin.of("http://api.example.test/"));
    assertNotEquals(Origin.of("https://api.example.test/"), Origin.of("https://api.example.test:8443/"));
    assertNotEquals(Origin.of("https://api.example.test/"), Origin.of("https://api.example.test.evil/"));
    assertNotEquals(Origin.of("https://api.example.test/"), Origin.of("https://evil.test/?https://api.example.test/"));
  }

  @Test
  void whatIsNotAnAbsoluteHttpUrlHasNoOrigin() {
    assertNull(Origin.of("/transfers/1"));
    assertNull(Origin.of("ftp://api.example.test/"));
    assertNull(Origin.of("http://[not a url"));
  }
}

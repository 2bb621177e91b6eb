package dev.onceonly.transfers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onceonly.Money;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TransferCreateParamsTest {

  private static final String SOURCE =
      "https://api.example.test/funding-sources/707177c3-bf15-4e7e-b37c-55c3898d9bf4";
  private static final String DESTINATION =
      "https://api.example.test/funding-sources/04173e17-6398-4d36-a167-9d98c4b1f1c3";
  private static final Money AMOUNT = Money.of("USD", "1337.00");

  private static TransferCreateParams.Builder complete() {
    return TransferCreateParams.builder().source(SOURCE).destination(DESTINATION).amount(AMOUNT);
  }

  @Test
  void keepsWhatItWasGiven() {
    TransferCreateParams params = complete().metadata("invoice", "INV-42").build();

    assertEquals(SOURCE, params.source());
    assertEquals(DESTINATION, params.destination());
    assertEquals(AMOUNT, params.amount());
    assertEquals(Map.of("invoice", "INV-42"), params.metadata());
  }

  @Test
  void aMissingSourceIsNamed() {
    TransferCreateParams.Builder builder = TransferCreateParams.builder().destination(DESTINATION).amount(AMOUNT);

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);

    assertTrue(e.getMessage().startsWith("source "), e.getMessage());
  }

  @Test
  void aMissingDestinationIsNamed() {
    TransferCreateParams.Builder builder = TransferCreateParams.builder().source(SOURCE).amount(AMOUNT);

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);

    assertTrue(e.getMessage().startsWith("destination "), e.getMessage());
  }

  @Test
  void aMissingAmountIsNamed() {
    TransferCreateParams.Builder builder = TransferCreateParams.builder().source(SOURCE).destination(DESTINATION);

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);

    assertTrue(e.getMessage().startsWith("amount "), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "/funding-sources/707177c3",
      "funding-sources/707177c3",
      "api.example.test/funding-sources/707177c3",
      "ftp://api.example.test/funding-sources/707177c3",
      "mailto:payments@example.test",
      "https:///funding-sources/707177c3",
      "https://api.example.test/funding sources/707177c3",
      "",
  })
  void refusesAnHrefThatIsNotAnAbsoluteHttpUrlNamingIt(String href) {
    IllegalArgumentException source =
        assertThrows(IllegalArgumentException.class, () -> TransferCreateParams.builder().source(href));
    IllegalArgumentException destination =
        assertThrows(IllegalArgumentException.class, () -> TransferCreateParams.builder().destination(href));

    assertTrue(source.getMessage().startsWith("source "), source.getMessage());
    assertTrue(destination.getMessage().startsWith("destination "), destination.getMessage());
  }

  @Test
  void acceptsHttpAndHttpsHrefsVerbatim() {
    TransferCreateParams params = TransferCreateParams.builder()
        .source("http://localhost:8080/funding-sources/a")
        .destination("HTTPS://api.example.test/funding-sources/b?x=1")
        .amount(AMOUNT)
        .build();

    assertEquals("http://localhost:8080/funding-sources/a", params.source());
    assertEquals("HTTPS://api.example.test/funding-sources/b?x=1", params.destination());
  }

  @Test
  void nullsAreRefusedNamingTheArgument() {
    TransferCreateParams.Builder builder = TransferCreateParams.builder();

    assertEquals("source", assertThrows(NullPointerException.class, () -> builder.source(null)).getMessage());
    assertEquals("destination",
        assertThrows(NullPointerException.class, () -> builder.destination(null)).getMessage());
    assertEquals("amount", assertThrows(NullPointerException.class, () -> builder.amount(null)).getMessage());
    assertEquals("metadata key",
        assertThrows(NullPointerException.class, () -> builder.metadata(null, "v")).getMessage());
    assertEquals("metadata value",
        assertThrows(NullPointerException.class, () -> builder.metadata("k", null)).getMessage());
  }

  @Test
  void metadataKeepsInsertionOrder() {
    TransferCreateParams params = complete()
        .metadata("zeta", "1").metadata("alpha", "2").metadata("mu", "3").metadata("beta", "4")
        .build();

    assertEquals(List.of("zeta", "alpha", "mu", "beta"), List.copyOf(params.metadata().keySet()));
  }

  @Test
  void aRepeatedMetadataKeyKeepsTheLastValue() {
    TransferCreateParams params = complete().metadata("a", "1").metadata("b", "2").metadata("a", "3").build();

    assertEquals(Map.of("a", "3", "b", "2"), params.metadata());
    assertEquals(List.of("a", "b"), List.copyOf(params.metadata().keySet()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "\t\n"})
  void aBlankMetadataKeyIsRefused(String key) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TransferCreateParams.builder().metadata(key, "v"));

    assertTrue(e.getMessage().startsWith("metadata key "), e.getMessage());
  }

  @Test
  void builtParamsAreImmutable() {
    TransferCreateParams.Builder builder = complete().metadata("invoice", "INV-42");
    TransferCreateParams params = builder.build();

    assertThrows(UnsupportedOperationException.class, () -> params.metadata().put("x", "y"));
    assertThrows(UnsupportedOperationException.class, () -> params.metadata().clear());

    builder.metadata("later", "1").metadata("invoice", "INV-43")
        .source("https://api.example.test/funding-sources/other")
        .amount(Money.of("USD", "1.00"));

    assertEquals(Map.of("invoice", "INV-42"), params.metadata());
    assertEquals(SOURCE, params.source());
    assertEquals(AMOUNT, params.amount());
  }

  @Test
  void equalParamsAreEqualAndHashAlike() {
    TransferCreateParams a = complete().metadata("invoice", "INV-42").build();
    TransferCreateParams b = complete().metadata("invoice", "INV-42").build();

    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, complete().build());
    assertNotEquals(a, complete().amount(Money.of("USD", "1337.0")).metadata("invoice", "INV-42").build());
  }

  @Test
  void toStringLeavesOutMetadataValues() {
    String text = complete().metadata("note", "card 4111111111111111").build().toString();

    assertTrue(text.contains("note"), text);
    assertTrue(!text.contains("4111111111111111"), text);
  }
}

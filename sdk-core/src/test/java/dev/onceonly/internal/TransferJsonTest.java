package dev.onceonly.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.util.List;

import com.squareup.moshi.JsonReader;
import dev.onceonly.Money;
import dev.onceonly.transfers.Transfer;
import dev.onceonly.transfers.TransferCreateParams;
import dev.onceonly.transfers.TransferStatus;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import okio.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TransferJsonTest {

  private static final String SOURCE =
      "https://api.example.test/funding-sources/707177c3-bf15-4e7e-b37c-55c3898d9bf4";
  private static final String DESTINATION =
      "https://api.example.test/funding-sources/04173e17-6398-4d36-a167-9d98c4b1f1c3";

  /** The transfer example of protocol.md, with the {@code "..."} hrefs filled in. */
  private static final String PROTOCOL_TRANSFER = """
      {
        "id": "74c9129b-d14a-e511-80da-0aa34a9b2388",
        "status": "pending",
        "amount": {"currency": "USD", "value": "1337.00"},
        "created": "2026-11-23T10:15:30.123Z",
        "metadata": {"invoice": "INV-42"},
        "_links": {
          "self": {"href": "https://api.example.test/transfers/74c9129b-d14a-e511-80da-0aa34a9b2388"},
          "source": {"href": "%s"},
          "destination": {"href": "%s"}
        }
      }
      """.formatted(SOURCE, DESTINATION);

  private static TransferCreateParams.Builder params() {
    return TransferCreateParams.builder()
        .source(SOURCE)
        .destination(DESTINATION)
        .amount(Money.of("USD", "1337.00"));
  }

  private static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static Transfer decode(String json) {
    return TransferJson.decodeTransfer(json.getBytes(StandardCharsets.UTF_8));
  }

  private static String transferWith(String field, String json) {
    return "{\"id\":\"t1\",\"amount\":{\"currency\":\"USD\",\"value\":\"1.00\"},"
        + "\"created\":\"2026-11-23T10:15:30Z\",\"" + field + "\":" + json + "}";
  }

  // --- encodeCreate ---

  @Test
  void encodeCreateWritesTheProtocolBodyExactly() {
    byte[] body = TransferJson.encodeCreate(params().metadata("invoice", "INV-42").build());

    assertEquals(
        "{\"_links\":{\"source\":{\"href\":\"https://api.example.test/funding-sources/707177c3-bf15-4e7e-b37c-55c3898d9bf4\"},"
            + "\"destination\":{\"href\":\"https://api.example.test/funding-sources/04173e17-6398-4d36-a167-9d98c4b1f1c3\"}},"
            + "\"amount\":{\"currency\":\"USD\",\"value\":\"1337.00\"},"
            + "\"metadata\":{\"invoice\":\"INV-42\"}}",
        utf8(body));
  }

  @Test
  void encodeCreateOmitsMetadataWhenEmpty() {
    String body = utf8(TransferJson.encodeCreate(params().build()));

    assertEquals(
        "{\"_links\":{\"source\":{\"href\":\"" + SOURCE + "\"},\"destination\":{\"href\":\"" + DESTINATION + "\"}},"
            + "\"amount\":{\"currency\":\"USD\",\"value\":\"1337.00\"}}",
        body);
  }

  @Test
  void encodeCreateKeepsTheScaleOfTheAmount() {
    String twoPlaces = utf8(TransferJson.encodeCreate(params().amount(Money.of("USD", "1337.00")).build()));
    String trailingZero = utf8(TransferJson.encodeCreate(params().amount(Money.of("EUR", "0.10")).build()));
    String fromBigDecimal =
        utf8(TransferJson.encodeCreate(params().amount(Money.of("JPY", new BigDecimal("1E+3"))).build()));

    assertTrue(twoPlaces.contains("\"value\":\"1337.00\""), twoPlaces);
    assertTrue(trailingZero.contains("\"amount\":{\"currency\":\"EUR\",\"value\":\"0.10\"}"), trailingZero);
    // never scientific notation on the wire
    assertTrue(fromBigDecimal.contains("\"value\":\"1000\""), fromBigDecimal);
  }

  @Test
  void encodeCreateGivesIdenticalBytesForEqualParams() {
    TransferCreateParams first = params().metadata("invoice", "INV-42").metadata("order", "7").build();
    TransferCreateParams second = params().metadata("invoice", "INV-42").metadata("order", "7").build();

    byte[] a = TransferJson.encodeCreate(first);
    byte[] b = TransferJson.encodeCreate(second);
    byte[] again = TransferJson.encodeCreate(first);

    assertNotSame(a, b);
    assertArrayEquals(a, b);
    assertArrayEquals(a, again);
  }

  @Test
  void encodeCreateWritesMetadataInInsertionOrder() {
    String body = utf8(TransferJson.encodeCreate(
        params().metadata("zeta", "1").metadata("alpha", "2").metadata("mu", "3").build()));

    assertTrue(body.endsWith("\"metadata\":{\"zeta\":\"1\",\"alpha\":\"2\",\"mu\":\"3\"}}"), body);
  }

  @Test
  void encodeCreateEscapesQuotesBackslashesAndControlCharactersInMetadata() {
    String value = "say \"hi\" \\ back\nline\ttab\u0001";
    String body = utf8(TransferJson.encodeCreate(params().metadata("no\"te", value).build()));

    assertTrue(
        body.endsWith("\"metadata\":{\"no\\\"te\":\"say \\\"hi\\\" \\\\ back\\nline\\ttab\\u0001\"}}"), body);
    assertEquals(Map.of("no\"te", value), readMetadata(body));
  }

  @Test
  void encodeCreateWritesNonAsciiMetadataAsUtf8() throws IOException {
    String value = "Zoë € 日本 😀";
    byte[] body = TransferJson.encodeCreate(params().metadata("note", value).build());
    String text = utf8(body);

    // raw UTF-8, round-trippable; \u2028 would break JavaScript consumers and is escaped
    assertTrue(text.contains("\"note\":\"Zoë € 日本 😀\""), text);
    assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), body);
    String separators = utf8(TransferJson.encodeCreate(params().metadata("note", "a\u2028b").build()));
    assertTrue(separators.contains("\"note\":\"a\\u2028b\""), separators);
    assertEquals(Map.of("note", value), readMetadata(text));
  }

  private static Map<String, String> readMetadata(String body) {
    try {
      JsonReader reader = JsonReader.of(new Buffer().writeUtf8(body));
      Map<String, String> found = new java.util.LinkedHashMap<>();
      reader.beginObject();
      while (reader.hasNext()) {
        if (reader.nextName().equals("metadata")) {
          reader.beginObject();
          while (reader.hasNext()) {
            found.put(reader.nextName(), reader.nextString());
          }
          reader.endObject();
        } else {
          reader.skipValue();
        }
      }
      reader.endObject();
      return found;
    } catch (IOException e) {
      throw new AssertionError("encodeCreate wrote JSON that does not parse: " + body, e);
    }
  }

  // --- decodeTransfer ---

  @Test
  void decodeTransferReadsEveryFieldOfTheProtocolExample() {
    Transfer transfer = decode(PROTOCOL_TRANSFER);

    assertEquals("74c9129b-d14a-e511-80da-0aa34a9b2388", transfer.id());
    assertSame(TransferStatus.PENDING, transfer.status());
    assertEquals("USD", transfer.amount().currency());
    assertEquals(new BigDecimal("1337.00"), transfer.amount().value()); // equals() compares scale too
    assertEquals(Instant.parse("2026-11-23T10:15:30.123Z"), transfer.created());
    assertEquals(Map.of("invoice", "INV-42"), transfer.metadata());
    assertEquals(SOURCE, transfer.sourceHref());
    assertEquals(DESTINATION, transfer.destinationHref());
  }

  @Test
  void decodeTransferReadsEveryKnownStatus() {
    assertSame(TransferStatus.PENDING, decode(transferWith("status", "\"pending\"")).status());
    assertSame(TransferStatus.PROCESSED, decode(transferWith("status", "\"processed\"")).status());
    assertSame(TransferStatus.FAILED, decode(transferWith("status", "\"failed\"")).status());
    assertSame(TransferStatus.CANCELLED, decode(transferWith("status", "\"cancelled\"")).status());
  }

  @Test
  void decodeTransferIgnoresUnknownFields() {
    Transfer transfer = decode("""
        {"future": {"nested": [1, 2, {"deep": null}], "flag": true},
         "id": "t1", "fee": 0.25, "tags": ["a", "b"],
         "amount": {"currency": "USD", "value": "5.00", "precision": 2},
         "created": "2026-11-23T10:15:30Z",
         "_links": {"self": {"href": "x"}, "cancel": {"href": "y"}, "source": {"href": "s", "type": "t"}},
         "_embedded": {"events": []}}
        """);

    assertEquals("t1", transfer.id());
    assertEquals(new BigDecimal("5.00"), transfer.amount().value());
    assertEquals("s", transfer.sourceHref());
    assertNull(transfer.destinationHref());
    assertEquals(Map.of(), transfer.metadata());
  }

  @Test
  void decodeTransferMapsAnUnknownOrMissingStatusToUnknown() {
    assertSame(TransferStatus.UNKNOWN, decode(transferWith("status", "\"reclaimed\"")).status());
    assertSame(TransferStatus.UNKNOWN, decode(transferWith("status", "null")).status());
    assertSame(TransferStatus.UNKNOWN, decode(transferWith("unused", "0")).status());
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.10", "1337.00", "0.1000000000000000055511151231257827", "12345678901234567890.12", "7"})
  void decodeTransferReadsANumericAmountWithItsExactDecimalText(String number) {
    Transfer transfer = decode("{\"id\":\"t1\",\"amount\":{\"currency\":\"USD\",\"value\":" + number + "},"
        + "\"created\":\"2026-11-23T10:15:30Z\"}");

    BigDecimal value = transfer.amount().value();
    assertEquals(new BigDecimal(number), value); // same unscaled value and scale
    assertEquals(number, value.toPlainString());
  }

  @Test
  void decodeTransferAcceptsACreatedTimeWithAnOffset() {
    Transfer plusOne = decode("{\"id\":\"t1\",\"amount\":{\"currency\":\"USD\",\"value\":\"1.00\"},"
        + "\"created\":\"2026-11-23T11:15:30.123+01:00\"}");
    Transfer minusFive = decode("{\"id\":\"t1\",\"amount\":{\"currency\":\"USD\",\"value\":\"1.00\"},"
        + "\"created\":\"2026-11-23T05:15:30.123-05:00\"}");

    assertEquals(Instant.parse("2026-11-23T10:15:30.123Z"), plusOne.created());
    assertEquals(Instant.parse("2026-11-23T10:15:30.123Z"), minusFive.created());
  }

  @Test
  void decodeTransferKeepsStringMetadataAndDropsNullValues() {
    Transfer transfer = decode(transferWith("metadata", "{\"invoice\":\"INV-42\",\"gone\":null}"));

    assertEquals(Map.of("invoice", "INV-42"), transfer.metadata());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "   ",
      "not json",
      "<html><body>502 Bad Gateway</body></html>",
      "[]",
      "null",
      "{\"id\":\"t1\",",
      "{\"id\":\"t1\",\"amount\":{\"currency\":\"USD\",\"value\":\"1.00\"},\"created\":\"2026-11-23T10:15:30Z\"",
      "{\"id\":\"t1\" \"amount\":{}}",
      "{'id':'t1'}",
  })
  void decodeTransferThrowsJsonProblemForMalformedOrTruncatedJson(String body) {
    TransferJson.JsonProblem problem = assertThrows(TransferJson.JsonProblem.class, () -> decode(body));

    assertEquals(TransferJson.JsonProblem.class, problem.getClass());
    assertFalse(problem.getMessage().isBlank());
  }

  @Test
  void decodeTransferThrowsJsonProblemForTrailingGarbage() {
    String valid = "{\"id\":\"t1\",\"amount\":{\"currency\":\"USD\",\"value\":\"1.00\"},\"created\":\"2026-11-23T10:15:30Z\"}";
    decode(valid + "\n  "); // trailing whitespace is fine

    assertThrows(TransferJson.JsonProblem.class, () -> decode(valid + " garbage"));
    assertThrows(TransferJson.JsonProblem.class, () -> decode(valid + "}"));
    assertThrows(TransferJson.JsonProblem.class, () -> decode(valid + valid));
  }

  @Test
  void decodeTransferThrowsJsonProblemNamingAMissingRequiredField() {
    String amount = "\"amount\":{\"currency\":\"USD\",\"value\":\"1.00\"}";
    String created = "\"created\":\"2026-11-23T10:15:30Z\"";

    TransferJson.JsonProblem noId = assertThrows(TransferJson.JsonProblem.class,
        () -> decode("{" + amount + "," + created + "}"));
    TransferJson.JsonProblem emptyId = assertThrows(TransferJson.JsonProblem.class,
        () -> decode("{\"id\":\"\"," + amount + "," + created + "}"));
    TransferJson.JsonProblem noAmount = assertThrows(TransferJson.JsonProblem.class,
        () -> decode("{\"id\":\"t1\"," + created + "}"));
    TransferJson.JsonProblem noCreated = assertThrows(TransferJson.JsonProblem.class,
        () -> decode("{\"id\":\"t1\"," + amount + "}"));

    assertTrue(noId.getMessage().contains("no id"), noId.getMessage());
    assertTrue(emptyId.getMessage().contains("no id"), emptyId.getMessage());
    assertTrue(noAmount.getMessage().contains("amount"), noAmount.getMessage());
    assertTrue(noCreated.getMessage().contains("created"), noCreated.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "\"amount\":{\"currency\":\"USD\"}",
      "\"amount\":{\"value\":\"1.00\"}",
      "\"amount\":{\"currency\":\"USD\",\"value\":\"1,00\"}",
      "\"amount\":{\"currency\":\"USD\",\"value\":{\"units\":1}}",
      "\"amount\":null",
      "\"amount\":\"1.00 USD\"",
  })
  void decodeTransferThrowsJsonProblemForAnUnusableAmount(String amount) {
    String body = "{\"id\":\"t1\"," + amount + ",\"created\":\"2026-11-23T10:15:30Z\"}";

    assertThrows(TransferJson.JsonProblem.class, () -> decode(body));
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"yesterday\"", "\"2026-11-23\"", "1795428930", "null"})
  void decodeTransferThrowsJsonProblemForAnUnreadableCreatedTime(String created) {
    String body = "{\"id\":\"t1\",\"amount\":{\"currency\":\"USD\",\"value\":\"1.00\"},\"created\":" + created + "}";

    assertThrows(TransferJson.JsonProblem.class, () -> decode(body));
  }

  @Test
  void toleratesALowerCaseCurrencyFromTheServerAndKeepsMetadataOrder() {
    Transfer t = TransferJson.decodeTransfer(("{\"id\":\"t\",\"status\":\"pending\","
        + "\"amount\":{\"currency\":\"usd\",\"value\":\"1.00\"},\"created\":\"2026-11-23T10:15:30.123Z\","
        + "\"metadata\":{\"z\":\"1\",\"a\":\"2\",\"m\":\"3\"}}").getBytes(StandardCharsets.UTF_8));
    assertEquals("USD", t.amount().currency());
    assertEquals(List.of("z", "a", "m"), List.copyOf(t.metadata().keySet()));
  }

  @Test
  void aNegativeAmountFromTheServerIsAClearJsonProblem() {
    TransferJson.JsonProblem e = assertThrows(TransferJson.JsonProblem.class,
        () -> TransferJson.decodeTransfer(("{\"id\":\"t\",\"amount\":{\"currency\":\"USD\",\"value\":\"-1\"},"
            + "\"created\":\"2026-11-23T10:15:30.123Z\"}").getBytes(StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().contains("amount"), e.getMessage());
  }
}

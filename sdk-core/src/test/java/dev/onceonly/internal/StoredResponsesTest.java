package dev.onceonly.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onceonly.ApiException;
import dev.onceonly.http.HttpResponse;
import dev.onceonly.transfers.Transfer;
import dev.onceonly.transfers.TransferStatus;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StoredResponsesTest {

  private static final String TRANSFER = "{\"id\":\"74c9129b-d14a-e511-80da-0aa34a9b2388\",\"status\":\"pending\","
      + "\"amount\":{\"currency\":\"USD\",\"value\":\"1337.00\"},\"created\":\"2026-11-23T10:15:30.123Z\","
      + "\"metadata\":{\"invoice\":\"INV-42\"}}";

  private static String envelope(String statusCode, String resource) {
    return "{\n"
        + "  \"StatusCode\": " + statusCode + ",\n"
        + "  \"ContentLength\": \"471\",\n"
        + "  \"ContentType\": \"application/json; charset=utf-8\",\n"
        + "  \"Date\": \"Wed, 13 Jan 2016 22:25:56 GMT\",\n"
        + "  \"RequestURL\": \"https://api.example.test/transfers\",\n"
        + "  \"Resource\": " + resource + "\n"
        + "}";
  }

  private static HttpResponse decode(String envelope) {
    return StoredResponses.decode(envelope.getBytes(StandardCharsets.UTF_8));
  }

  private static String body(HttpResponse response) {
    return new String(response.body(), StandardCharsets.UTF_8);
  }

  @Test
  void readsTheProtocolEnvelopeWithAStringStatusCode() {
    HttpResponse stored = decode(envelope("\"201\"", TRANSFER));

    assertEquals(201, stored.statusCode());
    assertEquals(TRANSFER, body(stored));
    assertEquals(Optional.of("application/json; charset=utf-8"), stored.header("content-type"));
    Transfer transfer = TransferJson.decodeTransfer(stored.body());
    assertEquals("74c9129b-d14a-e511-80da-0aa34a9b2388", transfer.id());
    assertEquals(TransferStatus.PENDING, transfer.status());
    assertEquals(new BigDecimal("1337.00"), transfer.amount().value());
    assertEquals(Instant.parse("2026-11-23T10:15:30.123Z"), transfer.created());
    assertEquals(Map.of("invoice", "INV-42"), transfer.metadata());
  }

  @Test
  void readsAStoredErrorAnswer() {
    String error = "{\"Message\":\"One or several required parameters are missing or incorrect.\","
        + "\"Type\":\"param_error\",\"Id\":\"x\",\"Date\":1452723944,\"errors\":{\"Amount\":\"Too big.\"}}";

    HttpResponse stored = decode(envelope("\"400\"", error));

    assertEquals(400, stored.statusCode());
    assertEquals(error, body(stored));
    ApiException e = ApiErrors.toException(stored, "19051a62-3403-11e6-ac61-9e71128cae77");
    assertEquals(400, e.statusCode());
    assertEquals(Optional.of("param_error"), e.code());
    assertTrue(e.getMessage().contains("Amount: Too big."), e.getMessage());
  }

  @Test
  void acceptsANumericStatusCode() {
    HttpResponse stored = decode(envelope("201", TRANSFER));

    assertEquals(201, stored.statusCode());
    assertEquals(TRANSFER, body(stored));
  }

  @Test
  void acceptsFieldsInAnyOrder() {
    HttpResponse stored = decode("{\"Resource\":" + TRANSFER + ",\"Other\":[1,{\"a\":2}],\"StatusCode\":\"200\"}");

    assertEquals(200, stored.statusCode());
    assertEquals(TRANSFER, body(stored));
  }

  @Test
  void copiesTheResourceByteForByte() {
    // a double would turn these into 1.2345678901234568E29, 0.1 and Infinity
    String resource = "{\"big\":123456789012345678901234567890,\"dec\":0.1000000000000000055511151231257827,"
        + "\"tiny\":1e-400,\"neg\":-0.0,\"order\":{\"z\":1,\"a\":2},\"text\":\"Zoë \\u00e9 \\\"q\\\"\"}";

    HttpResponse stored = decode(envelope("\"201\"", resource));

    assertEquals(resource, body(stored));
  }

  @Test
  void copiesAPrettyPrintedResourceWithItsWhitespace() {
    String resource = "{\n    \"id\" : \"t1\",\n    \"amount\" : { \"currency\" : \"USD\", \"value\" : 0.10 }\n  }";

    HttpResponse stored = decode(envelope("\"201\"", resource));

    assertEquals(resource, body(stored));
  }

  @Test
  void aNullOrMissingResourceIsAnEmptyBody() {
    assertEquals(0, decode(envelope("\"201\"", "null")).body().length);
    assertEquals(0, decode("{\"StatusCode\":\"204\"}").body().length);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "not json",
      "<html>404</html>",
      "[]",
      "{\"StatusCode\":\"201\",\"Resource\":{\"id\":",
      "{\"ContentType\":\"application/json\",\"Resource\":{}}",
      "{\"StatusCode\":null,\"Resource\":{}}",
      "{\"StatusCode\":\"Created\",\"Resource\":{}}",
      "{\"StatusCode\":\"2010\",\"Resource\":{}}",
      "{\"StatusCode\":{\"value\":201},\"Resource\":{}}",
  })
  void anUnusableEnvelopeIsAJsonProblem(String envelope) {
    TransferJson.JsonProblem problem = assertThrows(TransferJson.JsonProblem.class, () -> decode(envelope));

    assertEquals(TransferJson.JsonProblem.class, problem.getClass());
  }

  @Test
  void aMissingStatusCodeIsNamed() {
    TransferJson.JsonProblem problem =
        assertThrows(TransferJson.JsonProblem.class, () -> decode("{\"Resource\":" + TRANSFER + "}"));

    assertTrue(problem.getMessage().contains("StatusCode"), problem.getMessage());
  }
}

package dev.onceonly.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onceonly.ApiException;
import dev.onceonly.IdempotencyKeyReusedException;
import dev.onceonly.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ApiErrorsTest {

  private static final String KEY = "19051a62-3403-11e6-ac61-9e71128cae77";

  private static final String DWOLLA = "{\"code\":\"ValidationError\","
      + "\"message\":\"Validation error(s) present. See embedded errors list for more details.\","
      + "\"_embedded\":{\"errors\":[{\"code\":\"Invalid\",\"message\":\"Invalid amount.\",\"path\":\"/amount/value\"}]}}";
  private static final String MANGOPAY = "{\"Message\":\"A resource has already been created with this Idempotency Key\","
      + "\"Type\":\"idempotent_creation_conflict\",\"Id\":\"bf6c...#1452723935\",\"Date\":1452723944,\"errors\":null}";
  private static final String PROBLEM = "{\"type\":\"https://example.test/probs/out-of-credit\","
      + "\"title\":\"You do not have enough credit.\",\"detail\":\"Your current balance is 30, but that costs 50.\","
      + "\"status\":403}";

  private static ApiErrors.ErrorBody parse(int status, String body) {
    return ApiErrors.parse(status, body.getBytes(StandardCharsets.UTF_8));
  }

  private static ApiException toException(int status, String body) {
    return ApiErrors.toException(HttpResponse.of(status, body), KEY);
  }

  // --- parse: the error-body styles of protocol.md ---

  @Test
  void readsDwollaCodeMessageAndTheFirstEmbeddedErrorWithItsPath() {
    ApiErrors.ErrorBody error = parse(400, DWOLLA);

    assertEquals("ValidationError", error.code());
    assertTrue(error.message().contains("Validation error(s) present."), error.message());
    assertTrue(error.message().contains("/amount/value"), error.message());
    assertTrue(error.message().contains("Invalid amount."), error.message());
  }

  @Test
  void readsMangoPayTypeAndMessage() {
    ApiErrors.ErrorBody error = parse(409, MANGOPAY);

    assertEquals("idempotent_creation_conflict", error.code());
    assertEquals("A resource has already been created with this Idempotency Key", error.message());
  }

  @Test
  void readsTheFirstMangoPayFieldError() {
    ApiErrors.ErrorBody error = parse(400, "{\"Message\":\"One or several required parameters are missing or incorrect.\","
        + "\"Type\":\"param_error\",\"Id\":\"x\",\"Date\":1452723944,"
        + "\"errors\":{\"DebitedFunds\":\"The DebitedFunds field is required.\",\"Fees\":\"The Fees field is required.\"}}");

    assertEquals("param_error", error.code());
    assertTrue(error.message().startsWith("One or several required parameters are missing or incorrect."),
        error.message());
    assertTrue(error.message().contains("DebitedFunds: The DebitedFunds field is required."), error.message());
  }

  @Test
  void readsProblemDetailsTypeAsCodeAndTitleWithDetailAsMessage() {
    ApiErrors.ErrorBody error = parse(403, PROBLEM);

    assertEquals("https://example.test/probs/out-of-credit", error.code());
    assertTrue(error.message().contains("You do not have enough credit."), error.message());
    assertTrue(error.message().contains("Your current balance is 30, but that costs 50."), error.message());
  }

  @Test
  void problemDetailsWithAboutBlankTypeHaveNoCode() {
    ApiErrors.ErrorBody error = parse(404, "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404}");

    assertNull(error.code());
    assertEquals("Not Found", error.message());
  }

  @Test
  void problemDetailsWithOnlyADetailUseIt() {
    ApiErrors.ErrorBody error = parse(422, "{\"detail\":\"The key was used with another body.\",\"status\":422}");

    assertNull(error.code());
    assertEquals("The key was used with another body.", error.message());
  }

  @Test
  void aCodeWithoutAMessageServesAsTheMessage() {
    ApiErrors.ErrorBody error = parse(409, "{\"code\":\"idempotency_request_in_progress\"}");

    assertEquals("idempotency_request_in_progress", error.code());
    assertEquals("idempotency_request_in_progress", error.message());
  }

  @Test
  void readsBothNestedErrorListsWhenABodyHasDwollaAndMangoPayFields() {
    ApiErrors.ErrorBody error = parse(400, "{\"code\":\"ValidationError\",\"message\":\"Invalid request.\","
        + "\"_embedded\":{\"errors\":[{\"message\":\"Invalid amount.\",\"path\":\"/amount/value\"}]},"
        + "\"errors\":{\"Amount\":\"bad\"}}");

    assertEquals("ValidationError", error.code());
    assertEquals("Invalid request. (/amount/value: Invalid amount. and 1 more)", error.message());
    assertEquals(List.of(new ApiException.FieldError("/amount/value", null, "Invalid amount."),
        new ApiException.FieldError("Amount", null, "bad")), error.fieldErrors());
  }

  @Test
  void everyFieldErrorOfEachStyleIsKeptNotOnlyTheFirst() {
    ApiErrors.ErrorBody dwolla = parse(400, "{\"code\":\"ValidationError\",\"message\":\"Validation error(s) present.\","
        + "\"_embedded\":{\"errors\":[{\"code\":\"Required\",\"message\":\"Amount required.\",\"path\":\"/amount\"},"
        + "{\"code\":\"Invalid\",\"message\":\"Bad source.\",\"path\":\"/_links/source/href\"}]}}");
    ApiErrors.ErrorBody problem = parse(422, "{\"type\":\"https://example.net/validation\",\"title\":\"Invalid\","
        + "\"invalid-params\":[{\"name\":\"age\",\"reason\":\"must be a positive integer\"},"
        + "{\"name\":\"color\",\"reason\":\"must be 'green', 'red' or 'blue'\"}]}");
    ApiErrors.ErrorBody mango = parse(400, "{\"Message\":\"One or several required parameters are missing or incorrect.\","
        + "\"Type\":\"param_error\",\"errors\":{\"AuthorId\":\"The AuthorId field is required.\",\"Tag\":\"Too long\"}}");

    assertEquals(List.of(new ApiException.FieldError("/amount", "Required", "Amount required."),
        new ApiException.FieldError("/_links/source/href", "Invalid", "Bad source.")), dwolla.fieldErrors());
    assertEquals(List.of("age", "color"), problem.fieldErrors().stream().map(ApiException.FieldError::field).toList());
    assertEquals(2, mango.fieldErrors().size());
  }

  @Test
  void theServersRequestIdIsCarriedByTheException() {
    HttpResponse response = new HttpResponse(500, Map.of("X-Request-Id", List.of("req_8f2a")),
        "{\"code\":\"InternalError\",\"message\":\"boom\"}".getBytes(StandardCharsets.UTF_8));

    ApiException e = ApiErrors.toException(response, KEY, Redactor.none());

    assertEquals("req_8f2a", e.requestId().orElseThrow());
    assertEquals(java.util.Optional.empty(), ApiErrors.toException(HttpResponse.of(500, ""), KEY, Redactor.none()).requestId());
  }

  @Test
  void anHtmlPageFromAProxyBecomesStatusAndExcerpt() {
    String html = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
        + "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

    ApiErrors.ErrorBody error = parse(502, html);

    assertNull(error.code());
    assertTrue(error.message().startsWith("HTTP 502: <html> <head><title>502 Bad Gateway</title></head>"),
        error.message());
    assertTrue(!error.message().contains("\n") && !error.message().contains("\r"), error.message());
  }

  @Test
  void aHugeBodyGivesABoundedMessage() {
    String html = "<html><body>" + "Bad gateway. ".repeat(100 * 1024 / 13) + "</body></html>";
    assertTrue(html.length() >= 100 * 1024 - 13);

    ApiErrors.ErrorBody error = parse(502, html);

    assertNull(error.code());
    assertTrue(error.message().startsWith("HTTP 502: <html><body>Bad gateway."), error.message());
    assertTrue(error.message().length() <= 300, "message length " + error.message().length());
    assertTrue(error.message().endsWith("…"), "a cut excerpt says so: " + error.message());
  }

  @Test
  void aHugeJsonMessageIsBoundedToo() {
    String body = "{\"code\":\"ValidationError\",\"message\":\"" + "x".repeat(100 * 1024) + "\"}";

    ApiErrors.ErrorBody error = parse(400, body);

    assertEquals("ValidationError", error.code());
    assertTrue(error.message().length() <= 1000, "message length " + error.message().length());
  }

  @Test
  void anEmptyBodyBecomesStatusAndEmptyBodyNote() {
    ApiErrors.ErrorBody error = ApiErrors.parse(503, new byte[0]);

    assertNull(error.code());
    assertEquals("HTTP 503: (empty body)", error.message());
  }

  @Test
  void aJsonArrayBodyIsReportedAsText() {
    ApiErrors.ErrorBody error = parse(400, "[{\"code\":\"ValidationError\",\"message\":\"nope\"}]");

    assertNull(error.code());
    assertEquals("HTTP 400: [{\"code\":\"ValidationError\",\"message\":\"nope\"}]", error.message());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{not json at all",
      "{\"code\":\"ValidationError\",\"message\":\"truncated",
      "{\"code\":\"ValidationError\" \"message\":\"x\"}",
      "{}",
      "{\"unrelated\":true}",
  })
  void anObjectThatIsNotAnErrorBodyIsReportedAsText(String body) {
    ApiErrors.ErrorBody error = parse(500, body);

    assertNull(error.code());
    assertEquals("HTTP 500: " + body, error.message());
  }

  // --- toException ---

  @ParameterizedTest
  @ValueSource(ints = {422, 417})
  void keyReuseStatusesMapToIdempotencyKeyReusedException(int status) {
    ApiException e = toException(status, "{\"code\":\"idempotency_key_reused\",\"message\":\"Key reused.\"}");

    assertEquals(IdempotencyKeyReusedException.class, e.getClass());
    assertEquals(status, e.statusCode());
    assertEquals(Optional.of("idempotency_key_reused"), e.code());
    assertEquals("Key reused.", e.getMessage());
    assertEquals(Optional.of(KEY), e.idempotencyKey());
  }

  @Test
  void a422ProblemDetailsMapsToIdempotencyKeyReusedException() {
    ApiException e = toException(422, "{\"type\":\"https://example.test/probs/key-reused\","
        + "\"title\":\"Idempotency key already used\",\"status\":422}");

    assertEquals(IdempotencyKeyReusedException.class, e.getClass());
    assertEquals(Optional.of("https://example.test/probs/key-reused"), e.code());
  }

  @Test
  void a400WithAnIdempotencyCodeMapsToIdempotencyKeyReusedException() {
    ApiException e = toException(400, "{\"code\":\"idempotency_error\",\"message\":\"Keys for idempotent requests"
        + " can only be used with the same parameters they were first used with.\"}");

    assertEquals(IdempotencyKeyReusedException.class, e.getClass());
    assertEquals(400, e.statusCode());
    assertEquals(Optional.of("idempotency_error"), e.code());
    assertEquals(Optional.of(KEY), e.idempotencyKey());
  }

  @Test
  void a400ValidationErrorIsAPlainApiException() {
    ApiException e = toException(400, DWOLLA);

    assertEquals(ApiException.class, e.getClass());
    assertEquals(400, e.statusCode());
    assertEquals(Optional.of("ValidationError"), e.code());
    assertTrue(e.getMessage().contains("Invalid amount."), e.getMessage());
    assertEquals(Optional.of(KEY), e.idempotencyKey());
  }

  @Test
  void a400WithoutACodeIsAPlainApiException() {
    ApiException e = toException(400, "<html>Bad Request</html>");

    assertEquals(ApiException.class, e.getClass());
    assertEquals(Optional.empty(), e.code());
    assertEquals("HTTP 400: <html>Bad Request</html>", e.getMessage());
  }

  @Test
  void aMangoPayConflictIsAPlainApiExceptionWithItsType() {
    ApiException e = toException(409, MANGOPAY);

    assertEquals(ApiException.class, e.getClass());
    assertEquals(409, e.statusCode());
    assertEquals(Optional.of("idempotent_creation_conflict"), e.code());
  }

  @Test
  void aProblemDetailsErrorCarriesItsTypeAndStatus() {
    ApiException e = toException(403, PROBLEM);

    assertEquals(ApiException.class, e.getClass());
    assertEquals(403, e.statusCode());
    assertEquals(Optional.of("https://example.test/probs/out-of-credit"), e.code());
    assertTrue(e.getMessage().contains("Your current balance is 30"), e.getMessage());
  }

  @Test
  void carriesNoKeyWhenNoneWasSent() {
    ApiException e = ApiErrors.toException(HttpResponse.of(404, "{\"code\":\"NotFound\",\"message\":\"gone\"}"), null);

    assertEquals(Optional.empty(), e.idempotencyKey());
    assertEquals(404, e.statusCode());
  }

  @Test
  void aStoredAnswerMapsLikeALiveOne() {
    ApiException e = ApiErrors.toException(422, MANGOPAY.getBytes(StandardCharsets.UTF_8), KEY, Redactor.none());

    assertEquals(IdempotencyKeyReusedException.class, e.getClass());
    assertEquals(Optional.of(KEY), e.idempotencyKey());
  }

  @Test
  void joinsAProblemTitleThatIsASentenceWithItsDetailReadably() {
    ApiErrors.ErrorBody error = ApiErrors.parse(403, ("{\"type\":\"https://example.test/probs/out-of-credit\","
        + "\"title\":\"You do not have enough credit.\",\"detail\":\"Your current balance is 30.\"}")
        .getBytes(StandardCharsets.UTF_8));
    assertEquals(
        "You do not have enough credit. Your current balance is 30.", error.message());
  }

  @Test
  void aWhitespaceOnlyBodyReadsAsEmpty() {
    assertEquals("HTTP 502: (empty body)",
        ApiErrors.parse(502, " \r\n\t ".getBytes(StandardCharsets.UTF_8)).message());
  }
}

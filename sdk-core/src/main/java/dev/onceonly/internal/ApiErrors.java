package dev.onceonly.internal;

import com.squareup.moshi.JsonReader;
import dev.onceonly.ApiException;
import dev.onceonly.IdempotencyKeyReusedException;
import dev.onceonly.http.HttpResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import okio.Buffer;
import org.jspecify.annotations.Nullable;

/**
 * The one place where an HTTP error answer becomes an exception. Reads the four error-body
 * styles of the protocol: Dwolla's ({@code code}, {@code message}, {@code _embedded.errors}),
 * MangoPay's ({@code Type}, {@code Message}, {@code errors}), RFC 9457 problem details
 * ({@code type}, {@code title}, {@code detail}), and anything else (status and a bounded
 * excerpt of the text).
 */
public final class ApiErrors {

  /** The longest excerpt of a non-JSON body put in a message. */
  static final int EXCERPT_CHARS = 200;

  private ApiErrors() {}

  /** The most field errors kept from one body. */
  static final int MAX_FIELD_ERRORS = 50;

  /** The machine code, the message and the field errors of an error body. */
  public record ErrorBody(@Nullable String code, String message, List<ApiException.FieldError> fieldErrors) {
    public ErrorBody(@Nullable String code, String message) {
      this(code, message, List.of());
    }
  }

  /**
   * Maps an error answer to its exception: {@code 422}, {@code 417}, or a {@code 400} whose code
   * speaks of idempotency, to {@link IdempotencyKeyReusedException}; anything else to
   * {@link ApiException}.
   */
  public static ApiException toException(HttpResponse response, @Nullable String idempotencyKey) {
    return toException(response, idempotencyKey, Redactor.none());
  }

  /**
   * As {@link #toException(HttpResponse, String)}, with the server's code and message scrubbed
   * of credentials by {@code redactor} (servers and proxies echo headers in error pages).
   */
  public static ApiException toException(HttpResponse response, @Nullable String idempotencyKey, Redactor redactor) {
    return toException(response.statusCode(), response.body(), idempotencyKey, redactor, requestId(response, redactor));
  }

  /** As {@link #toException(HttpResponse, String, Redactor)}, for a status and body (a stored response). */
  public static ApiException toException(
      int status, byte[] body, @Nullable String idempotencyKey, Redactor redactor) {
    return toException(status, body, idempotencyKey, redactor, null);
  }

  /** As above, with the server's request id, if the answer named one. */
  static ApiException toException(
      int status, byte[] body, @Nullable String idempotencyKey, Redactor redactor, @Nullable String requestId) {
    ErrorBody error = parse(status, body, redactor);
    if (isKeyReuse(status, error)) {
      return new IdempotencyKeyReusedException(status, error.code(), error.message(), idempotencyKey, requestId,
          error.fieldErrors());
    }
    return new ApiException(status, error.code(), error.message(), idempotencyKey, requestId, error.fieldErrors());
  }

  /** The server's id for a request: {@code Request-Id} or {@code X-Request-Id}, bounded and scrubbed. */
  static @Nullable String requestId(HttpResponse response, Redactor redactor) {
    String id = response.header("Request-Id").or(() -> response.header("X-Request-Id")).orElse(null);
    if (id == null || id.isBlank()) {
      return null;
    }
    return Excerpt.of(redactor.scrub(id.strip()), 128);
  }

  static boolean isKeyReuse(int status, ErrorBody error) {
    if (status == 422 || status == 417) {
      return true;
    }
    return status == 400 && mentionsIdempotency(error.code());
  }

  static boolean mentionsIdempotency(@Nullable String code) {
    return code != null && code.toLowerCase(Locale.ROOT).contains("idempoten");
  }

  /** Reads the code and message of any error-body style; never throws. */
  public static ErrorBody parse(int status, byte[] body) {
    return parse(status, body, Redactor.none());
  }

  /**
   * Reads the code and message of any error-body style, scrubbed of credentials before they are
   * cut to length (so that no half of a token survives the cut); never throws.
   */
  public static ErrorBody parse(int status, byte[] body, Redactor redactor) {
    ErrorBody parsed = body.length == 0 ? null : parseJson(body);
    if (parsed != null) {
      String code = parsed.code() == null ? null : Excerpt.of(redactor.scrub(parsed.code()), EXCERPT_CHARS);
      List<ApiException.FieldError> fields = new ArrayList<>(parsed.fieldErrors().size());
      for (ApiException.FieldError f : parsed.fieldErrors()) {
        fields.add(new ApiException.FieldError(Excerpt.of(redactor.scrub(f.field()), EXCERPT_CHARS),
            f.code() == null ? null : Excerpt.of(redactor.scrub(f.code()), EXCERPT_CHARS),
            Excerpt.of(redactor.scrub(f.message()), EXCERPT_CHARS)));
      }
      return new ErrorBody(code, Excerpt.of(redactor.scrub(parsed.message()), 2 * EXCERPT_CHARS), fields);
    }
    String text = Excerpt.of(body, EXCERPT_CHARS, redactor::scrub);
    if (text.isEmpty()) {
      text = "(empty body)";
    }
    return new ErrorBody(null, "HTTP " + status + ": " + text);
  }

  private static @Nullable ErrorBody parseJson(byte[] body) {
    int first = 0;
    while (first < body.length && Character.isWhitespace(body[first])) {
      first++;
    }
    if (first == body.length || body[first] != '{') {
      return null;
    }
    String code = null;
    String mangoType = null;
    String problemType = null;
    String message = null;
    String mangoMessage = null;
    String title = null;
    String detail = null;
    List<ApiException.FieldError> fields = new ArrayList<>();
    try {
      JsonReader reader = JsonReader.of(new Buffer().write(body));
      reader.beginObject();
      while (reader.hasNext()) {
        switch (reader.nextName()) {
          case "code" -> code = scalar(reader);
          case "message" -> message = scalar(reader);
          case "Type" -> mangoType = scalar(reader);
          case "Message" -> mangoMessage = scalar(reader);
          case "type" -> problemType = scalar(reader);
          case "title" -> title = scalar(reader);
          case "detail" -> detail = scalar(reader);
          case "_embedded" -> embeddedErrors(reader, fields);
          case "errors", "invalid-params", "invalid_params" -> fieldErrors(reader, fields);
          default -> reader.skipValue();
        }
      }
      reader.endObject();
    } catch (IOException | RuntimeException e) {
      return null; // not the JSON it looked like: reported as text
    }
    String chosenCode = firstNonNull(code, mangoType, "about:blank".equals(problemType) ? null : problemType);
    String chosenMessage = firstNonNull(message, mangoMessage, problemMessage(title, detail));
    if (chosenCode == null && chosenMessage == null) {
      return null;
    }
    if (chosenMessage == null) {
      chosenMessage = chosenCode;
    }
    String firstNested = fields.isEmpty() ? null
        : fields.get(0).field().isEmpty() ? fields.get(0).message() : fields.get(0).field() + ": " + fields.get(0).message();
    if (firstNested != null && !chosenMessage.contains(firstNested)) {
      chosenMessage = chosenMessage + " (" + firstNested + (fields.size() > 1 ? " and " + (fields.size() - 1) + " more" : "")
          + ")";
    }
    return new ErrorBody(chosenCode, chosenMessage, fields); // scrubbed and cut by the caller
  }

  private static @Nullable String problemMessage(@Nullable String title, @Nullable String detail) {
    if (title != null && detail != null) {
      // "You do not have enough credit. Your current balance is 30", not "credit.: Your".
      boolean sentence = title.endsWith(".") || title.endsWith("!") || title.endsWith("?");
      return title + (sentence ? " " : ": ") + detail;
    }
    return title != null ? title : detail;
  }

  /** Dwolla: {@code "_embedded": {"errors": [{"code", "message", "path"}]}}. */
  private static void embeddedErrors(JsonReader reader, List<ApiException.FieldError> into) throws IOException {
    if (reader.peek() != JsonReader.Token.BEGIN_OBJECT) {
      reader.skipValue();
      return;
    }
    reader.beginObject();
    while (reader.hasNext()) {
      if (reader.nextName().equals("errors")) {
        fieldErrors(reader, into);
      } else {
        reader.skipValue();
      }
    }
    reader.endObject();
  }

  /**
   * A list of field errors in any of the shapes servers use: an array of objects (Dwolla's
   * {@code path}/{@code code}/{@code message}, RFC 9457's {@code name}/{@code reason}, or
   * {@code field}/{@code message}), or MangoPay's object of field names to messages. Anything
   * else is skipped. At most {@link #MAX_FIELD_ERRORS} are kept.
   */
  private static void fieldErrors(JsonReader reader, List<ApiException.FieldError> into) throws IOException {
    switch (reader.peek()) {
      case BEGIN_ARRAY -> {
        reader.beginArray();
        while (reader.hasNext()) {
          if (reader.peek() != JsonReader.Token.BEGIN_OBJECT) {
            reader.skipValue();
            continue;
          }
          String field = null;
          String code = null;
          String message = null;
          reader.beginObject();
          while (reader.hasNext()) {
            switch (reader.nextName()) {
              case "path", "name", "field", "pointer", "param" -> field = firstNonNull(field, scalar(reader));
              case "code" -> code = scalar(reader);
              case "message", "reason", "detail" -> message = firstNonNull(message, scalar(reader));
              default -> reader.skipValue();
            }
          }
          reader.endObject();
          if ((message != null || code != null) && into.size() < MAX_FIELD_ERRORS) {
            into.add(new ApiException.FieldError(field == null ? "" : field, code, message == null ? code : message));
          }
        }
        reader.endArray();
      }
      case BEGIN_OBJECT -> {
        reader.beginObject();
        while (reader.hasNext()) {
          String field = reader.nextName();
          String message = reader.peek() == JsonReader.Token.STRING ? reader.nextString() : skip(reader);
          if (message != null && into.size() < MAX_FIELD_ERRORS) {
            into.add(new ApiException.FieldError(field, null, message));
          }
        }
        reader.endObject();
      }
      default -> reader.skipValue();
    }
  }

  private static @Nullable String skip(JsonReader reader) throws IOException {
    reader.skipValue();
    return null;
  }

  private static @Nullable String scalar(JsonReader reader) throws IOException {
    return switch (reader.peek()) {
      case STRING, NUMBER -> reader.nextString();
      case BOOLEAN -> Boolean.toString(reader.nextBoolean());
      default -> skip(reader);
    };
  }

  @SafeVarargs
  private static <T> @Nullable T firstNonNull(@Nullable T... values) {
    for (T value : values) {
      if (value != null) {
        return value;
      }
    }
    return null;
  }
}

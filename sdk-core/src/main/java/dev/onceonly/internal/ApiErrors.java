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
 * excerpt of the text); and those of the profiles' APIs: an {@code error} object (Stripe's
 * {@code code}/{@code type}/{@code message}, GoCardless's {@code errors[].reason}), Adyen's
 * {@code errorCode}, Checkout.com's {@code error_type}, PayPal's {@code name}.
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

  /**
   * As {@link #toException(HttpResponse, String, Redactor)}, with "key reused" as {@code profile}
   * recognises it (by status and the body's codes) instead of the protocol's default rule.
   */
  static ApiException toException(
      HttpResponse response, @Nullable String idempotencyKey, Redactor redactor, dev.onceonly.IdempotencyProfile profile) {
    if (profile == dev.onceonly.IdempotencyProfile.standard()) {
      return toException(response, idempotencyKey, redactor); // the standard rule is the default one, as it was
    }
    int status = response.statusCode();
    ErrorBody error = parse(status, response.body(), redactor);
    String requestId = requestId(response, redactor);
    if (profile.classify(status, codes(response.body())).orElse(null)
        == dev.onceonly.IdempotencyProfile.Situation.KEY_REUSED) {
      return new IdempotencyKeyReusedException(status, error.code(), error.message(), idempotencyKey, requestId,
          error.fieldErrors());
    }
    return new ApiException(status, error.code(), error.message(), idempotencyKey, requestId, error.fieldErrors());
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
    String otherCode = null;
    Envelope envelope = new Envelope();
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
          case "error" -> envelope.read(reader, fields);
          case "errorCode", "error_type", "name" -> otherCode = firstNonNull(otherCode, scalar(reader));
          default -> reader.skipValue();
        }
      }
      reader.endObject();
    } catch (IOException | RuntimeException e) {
      return null; // not the JSON it looked like: reported as text
    }
    String chosenCode = firstNonNull(code, mangoType, "about:blank".equals(problemType) ? null : problemType,
        envelope.code(), otherCode);
    String chosenMessage = firstNonNull(message, mangoMessage, problemMessage(title, detail), envelope.message);
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

  /**
   * An {@code error} object: Stripe's ({@code type}, {@code code}, {@code message},
   * {@code param}) or GoCardless's ({@code type}, {@code code} as the status, {@code message},
   * {@code errors[]} with {@code reason}, {@code field}, {@code message}).
   */
  private static final class Envelope {
    @Nullable String code;
    @Nullable String type;
    @Nullable String message;
    @Nullable String reason;

    void read(JsonReader reader, List<ApiException.FieldError> fields) throws IOException {
      if (reader.peek() != JsonReader.Token.BEGIN_OBJECT) {
        message = scalar(reader); // {"error": "text"}
        return;
      }
      reader.beginObject();
      while (reader.hasNext()) {
        switch (reader.nextName()) {
          // GoCardless's code is the status as a number: a machine code is a string
          case "code" -> code = reader.peek() == JsonReader.Token.STRING ? reader.nextString() : skip(reader);
          case "type" -> type = scalar(reader);
          case "message" -> message = scalar(reader);
          case "errors" -> readErrors(reader, fields);
          default -> reader.skipValue();
        }
      }
      reader.endObject();
    }

    private void readErrors(JsonReader reader, List<ApiException.FieldError> fields) throws IOException {
      if (reader.peek() != JsonReader.Token.BEGIN_ARRAY) {
        reader.skipValue();
        return;
      }
      reader.beginArray();
      while (reader.hasNext()) {
        if (reader.peek() != JsonReader.Token.BEGIN_OBJECT) {
          reader.skipValue();
          continue;
        }
        String field = null;
        String itemReason = null;
        String itemMessage = null;
        reader.beginObject();
        while (reader.hasNext()) {
          switch (reader.nextName()) {
            case "field", "param" -> field = scalar(reader);
            case "reason" -> itemReason = scalar(reader);
            case "message" -> itemMessage = scalar(reader);
            default -> reader.skipValue();
          }
        }
        reader.endObject();
        reason = firstNonNull(reason, itemReason);
        if ((itemMessage != null || itemReason != null) && fields.size() < MAX_FIELD_ERRORS) {
          fields.add(new ApiException.FieldError(field == null ? "" : field, itemReason,
              itemMessage == null ? itemReason : itemMessage));
        }
      }
      reader.endArray();
    }

    /** The most specific code: GoCardless's reason, Stripe's code, then the type. */
    @Nullable String code() {
      return firstNonNull(reason, code, type);
    }
  }

  /**
   * Every machine code an error body carries, for a profile to recognise the answer by: the code
   * {@link #parse} chooses, and the others beside it ({@code error.code}, {@code error.type},
   * {@code error.errors[].reason}, {@code errorCode}, {@code error_type}, {@code name}). Empty
   * for a body that is not a JSON object. Never throws.
   */
  static java.util.Set<String> codes(byte[] body) {
    java.util.Set<String> codes = new java.util.LinkedHashSet<>();
    ErrorBody parsed = body.length == 0 ? null : parseJson(body);
    if (parsed == null) {
      return codes;
    }
    if (parsed.code() != null) {
      codes.add(parsed.code());
    }
    try {
      JsonReader reader = JsonReader.of(new Buffer().write(body));
      reader.beginObject();
      while (reader.hasNext()) {
        switch (reader.nextName()) {
          case "code", "Type", "errorCode", "error_type", "name" -> addCode(codes, scalar(reader));
          case "type" -> {
            String type = scalar(reader);
            if (!"about:blank".equals(type)) {
              addCode(codes, type);
            }
          }
          case "error" -> {
            Envelope envelope = new Envelope();
            envelope.read(reader, new ArrayList<>());
            addCode(codes, envelope.code);
            addCode(codes, envelope.type);
            addCode(codes, envelope.reason);
          }
          default -> reader.skipValue();
        }
      }
      reader.endObject();
    } catch (IOException | RuntimeException e) {
      // the codes read so far stand
    }
    return codes;
  }

  private static void addCode(java.util.Set<String> codes, @Nullable String code) {
    if (code != null && !code.isBlank() && code.length() <= EXCERPT_CHARS) {
      codes.add(code.strip());
    }
  }

  /**
   * The string at {@code path} (dot-separated field names, arrays crossed: the first element that
   * has it wins) in a JSON body, such as {@code error.errors.links.conflicting_resource_id}; null
   * when absent, not a string or number, or not JSON. Never throws.
   */
  static @Nullable String field(byte[] body, String path) {
    try {
      JsonReader reader = JsonReader.of(new Buffer().write(body));
      return find(reader, path.split("\\."), 0);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static @Nullable String find(JsonReader reader, String[] path, int at) throws IOException {
    JsonReader.Token token = reader.peek();
    if (at == path.length) {
      return token == JsonReader.Token.STRING || token == JsonReader.Token.NUMBER ? reader.nextString() : skip(reader);
    }
    String found = null;
    if (token == JsonReader.Token.BEGIN_OBJECT) {
      reader.beginObject();
      while (reader.hasNext()) {
        if (found == null && reader.nextName().equals(path[at])) {
          found = find(reader, path, at + 1);
        } else {
          if (found != null) {
            reader.skipName();
          }
          reader.skipValue();
        }
      }
      reader.endObject();
      return found;
    }
    if (token == JsonReader.Token.BEGIN_ARRAY) {
      reader.beginArray();
      while (reader.hasNext()) {
        if (found == null) {
          found = find(reader, path, at);
        } else {
          reader.skipValue();
        }
      }
      reader.endArray();
      return found;
    }
    return skip(reader);
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

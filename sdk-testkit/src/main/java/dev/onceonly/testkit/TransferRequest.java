package dev.onceonly.testkit;

import com.squareup.moshi.JsonReader;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import okio.Buffer;
import org.jspecify.annotations.Nullable;

/**
 * Reads and checks the body of {@code POST /transfers}: both {@code _links} hrefs absolute
 * http(s) URLs, {@code amount.currency} three upper-case letters, {@code amount.value} a plain
 * decimal <em>string</em> (a JSON number is refused: no binary floating point near money), and
 * {@code metadata}, if present, an object of strings. Unknown fields are ignored.
 */
final class TransferRequest {

  private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
  // The SDK's Money rule: digits with an optional fraction; no sign, exponent or blanks.
  private static final Pattern DECIMAL = Pattern.compile("[0-9]+(\\.[0-9]+)?");

  private TransferRequest() {}

  /** What {@link #parse} made of a body. */
  sealed interface Result permits Valid, Invalid, Malformed {}

  /** A body that describes a transfer. */
  record Valid(String source, String destination, String currency, String value,
      Map<String, String> metadata) implements Result {}

  /** JSON of the right shape with invalid fields. */
  record Invalid(List<FieldError> errors) implements Result {
    Invalid {
      errors = List.copyOf(errors);
    }
  }

  /** Not a JSON object at all. */
  record Malformed(String reason) implements Result {}

  static Result parse(byte[] body) {
    Object root;
    try {
      JsonReader reader = JsonReader.of(new Buffer().write(body));
      if (reader.peek() == JsonReader.Token.END_DOCUMENT) {
        return new Malformed("The request body is empty.");
      }
      root = reader.readJsonValue();
      if (reader.peek() != JsonReader.Token.END_DOCUMENT) {
        return new Malformed("The request body has content after the JSON object.");
      }
    } catch (IOException | RuntimeException e) {
      // Moshi reports syntax errors, and duplicate names, as exceptions; the text of the body is
      // not echoed back, only that it is not JSON.
      return new Malformed("The request body is not valid JSON.");
    }
    if (!(root instanceof Map<?, ?> object)) {
      return new Malformed("The request body must be a JSON object.");
    }
    List<FieldError> errors = new ArrayList<>();
    Map<?, ?> links = object(object, "_links", "/_links", errors);
    String source = links == null ? null : href(links, "source", errors);
    String destination = links == null ? null : href(links, "destination", errors);
    Map<?, ?> amount = object(object, "amount", "/amount", errors);
    String currency = null;
    String value = null;
    if (amount != null) {
      currency = currency(amount.get("currency"), errors);
      value = value(amount.get("value"), errors);
    }
    Map<String, String> metadata = metadata(object.get("metadata"), errors);
    if (!errors.isEmpty() || source == null || destination == null || currency == null
        || value == null) {
      return new Invalid(errors);
    }
    return new Valid(source, destination, currency, value, metadata);
  }

  private static @Nullable Map<?, ?> object(Map<?, ?> parent, String name, String path,
      List<FieldError> errors) {
    Object value = parent.get(name);
    if (value == null) {
      errors.add(FieldError.required(path));
      return null;
    }
    if (!(value instanceof Map<?, ?> map)) {
      errors.add(FieldError.invalid(path, path + " must be an object."));
      return null;
    }
    return map;
  }

  private static @Nullable String href(Map<?, ?> links, String name, List<FieldError> errors) {
    String path = "/_links/" + name + "/href";
    Map<?, ?> link = object(links, name, "/_links/" + name, errors);
    if (link == null) {
      return null;
    }
    Object href = link.get("href");
    if (href == null) {
      errors.add(FieldError.required(path));
      return null;
    }
    if (!(href instanceof String text) || !isHttpUrl(text)) {
      errors.add(FieldError.invalid(path, path + " must be an absolute http or https URL."));
      return null;
    }
    return text;
  }

  private static boolean isHttpUrl(String text) {
    try {
      URI uri = new URI(text);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private static @Nullable String currency(@Nullable Object currency, List<FieldError> errors) {
    String path = "/amount/currency";
    if (currency == null) {
      errors.add(FieldError.required(path));
      return null;
    }
    if (!(currency instanceof String text) || !CURRENCY.matcher(text).matches()) {
      errors.add(FieldError.invalid(path, "Currency must be a three-letter upper-case code."));
      return null;
    }
    return text;
  }

  private static @Nullable String value(@Nullable Object value, List<FieldError> errors) {
    String path = "/amount/value";
    if (value == null) {
      errors.add(FieldError.required(path));
      return null;
    }
    if (!(value instanceof String text)) {
      errors.add(FieldError.invalid(path,
          "Amount value must be a decimal string such as \"1337.00\", not a JSON "
              + (value instanceof Number ? "number." : "value of another type.")));
      return null;
    }
    if (!DECIMAL.matcher(text).matches()) {
      errors.add(FieldError.invalid(path,
          "Amount value must be a plain decimal string such as \"1337.00\"."));
      return null;
    }
    return text;
  }

  private static Map<String, String> metadata(@Nullable Object metadata, List<FieldError> errors) {
    if (metadata == null) {
      return Map.of();
    }
    if (!(metadata instanceof Map<?, ?> map)) {
      errors.add(FieldError.invalid("/metadata", "/metadata must be an object of strings."));
      return Map.of();
    }
    Map<String, String> strings = new LinkedHashMap<>();
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      String name = String.valueOf(entry.getKey());
      if (entry.getValue() instanceof String text) {
        strings.put(name, text);
      } else {
        String path = "/metadata/" + name.replace("~", "~0").replace("/", "~1");
        errors.add(FieldError.invalid(path, "Metadata values must be strings."));
      }
    }
    return strings;
  }
}

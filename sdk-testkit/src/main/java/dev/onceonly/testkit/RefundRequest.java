package dev.onceonly.testkit;

import com.squareup.moshi.JsonReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import okio.Buffer;

/**
 * Reads and checks the body of {@code POST /refunds}:
 * {@code {"transfer_id": "...", "amount": {"currency": "USD", "value": "10.00"}, "metadata": {...}}},
 * the amount a decimal string as for a transfer. Unknown fields are ignored. Whether the transfer
 * exists and the amount fits is the handler's to check.
 */
final class RefundRequest {

  private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
  private static final Pattern DECIMAL = Pattern.compile("[0-9]+(\\.[0-9]+)?");

  private RefundRequest() {}

  /** A body that describes a refund. */
  record Valid(String transferId, String currency, String value, Map<String, String> metadata) {}

  /** The body, or the field errors (a {@code Malformed} reason as one error at the root). */
  static Object parse(byte[] body) {
    Object root;
    try {
      JsonReader reader = JsonReader.of(new Buffer().write(body));
      root = reader.readJsonValue();
      if (reader.peek() != JsonReader.Token.END_DOCUMENT) {
        return new TransferRequest.Malformed("The request body has content after the JSON object.");
      }
    } catch (IOException | RuntimeException e) {
      return new TransferRequest.Malformed("The request body is not valid JSON.");
    }
    if (!(root instanceof Map<?, ?> object)) {
      return new TransferRequest.Malformed("The request body must be a JSON object.");
    }
    List<FieldError> errors = new ArrayList<>();
    Object transferId = object.get("transfer_id");
    if (!(transferId instanceof String id) || id.isBlank()) {
      errors.add(transferId == null ? FieldError.required("/transfer_id")
          : FieldError.invalid("/transfer_id", "/transfer_id must be a transfer id."));
    }
    String currency = null;
    String value = null;
    if (!(object.get("amount") instanceof Map<?, ?> amount)) {
      errors.add(FieldError.required("/amount"));
    } else {
      if (amount.get("currency") instanceof String c && CURRENCY.matcher(c).matches()) {
        currency = c;
      } else {
        errors.add(FieldError.invalid("/amount/currency", "Currency must be a three-letter upper-case code."));
      }
      if (amount.get("value") instanceof String v && DECIMAL.matcher(v).matches()) {
        value = v;
      } else {
        errors.add(FieldError.invalid("/amount/value", "Amount value must be a plain decimal string such as \"10.00\"."));
      }
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    if (object.get("metadata") instanceof Map<?, ?> map) {
      map.forEach((k, v) -> {
        if (v instanceof String text) {
          metadata.put(String.valueOf(k), text);
        } else {
          errors.add(FieldError.invalid("/metadata/" + k, "Metadata values must be strings."));
        }
      });
    }
    if (!errors.isEmpty()) {
      return new TransferRequest.Invalid(errors);
    }
    return new Valid((String) transferId, currency, value, metadata);
  }
}

package dev.onceonly.internal;

import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.JsonEncodingException;
import com.squareup.moshi.JsonReader;
import com.squareup.moshi.JsonWriter;
import dev.onceonly.Money;
import dev.onceonly.transfers.Transfer;
import dev.onceonly.transfers.TransferCreateParams;
import dev.onceonly.transfers.TransferStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import okio.Buffer;
import org.jspecify.annotations.Nullable;

/**
 * The JSON of the Transfers API, written and read with Moshi's streaming API: the wire format
 * is fixed by the protocol, and a hand-written mapping keeps it exact (field order, decimal
 * strings) and cheap on the request path.
 */
public final class TransferJson {

  private TransferJson() {}

  /**
   * The body of {@code POST /transfers}. The same parameters always give the same bytes, so the
   * engine serialises once per operation and re-sends those bytes on every attempt.
   */
  public static byte[] encodeCreate(TransferCreateParams params) {
    Buffer buffer = new Buffer();
    try (JsonWriter writer = JsonWriter.of(buffer)) {
      writer.beginObject();
      writer.name("_links").beginObject();
      writer.name("source").beginObject().name("href").value(params.source()).endObject();
      writer.name("destination").beginObject().name("href").value(params.destination()).endObject();
      writer.endObject();
      writer.name("amount").beginObject();
      writer.name("currency").value(params.amount().currency());
      writer.name("value").value(params.amount().value().toPlainString());
      writer.endObject();
      if (!params.metadata().isEmpty()) {
        writer.name("metadata").beginObject();
        for (Map.Entry<String, String> e : params.metadata().entrySet()) {
          writer.name(e.getKey()).value(e.getValue());
        }
        writer.endObject();
      }
      writer.endObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to a memory buffer cannot fail", e);
    }
    return buffer.readByteArray();
  }

  /**
   * Reads a transfer. Unknown fields are skipped; an unknown {@code status} reads as
   * {@link TransferStatus#UNKNOWN}; {@code amount.value} may be a string or a number.
   *
   * @throws JsonProblem if the body is not JSON or lacks a required field
   */
  public static Transfer decodeTransfer(byte[] body) {
    try {
      JsonReader reader = JsonReader.of(new Buffer().write(body));
      Transfer transfer = readTransfer(reader);
      if (reader.peek() != JsonReader.Token.END_DOCUMENT) {
        throw new JsonProblem("unexpected content after the transfer");
      }
      return transfer;
    } catch (IOException | JsonDataException | IllegalArgumentException e) {
      throw new JsonProblem(describe(e), e);
    }
  }

  /** Reads a transfer from a reader positioned at its object (used for stored responses too). */
  static Transfer readTransfer(JsonReader reader) throws IOException {
    String id = null;
    TransferStatus status = null;
    Money amount = null;
    Instant created = null;
    Map<String, String> metadata = Map.of();
    String source = null;
    String destination = null;
    reader.beginObject();
    while (reader.hasNext()) {
      switch (reader.nextName()) {
        case "id" -> id = nextStringOrNull(reader);
        case "status" -> status = parseStatus(nextStringOrNull(reader));
        case "amount" -> amount = readMoney(reader);
        case "created" -> created = parseInstant(nextStringOrNull(reader));
        case "metadata" -> metadata = readStringMap(reader);
        case "_links" -> {
          if (reader.peek() == JsonReader.Token.NULL) {
            reader.skipValue();
            break;
          }
          reader.beginObject();
          while (reader.hasNext()) {
            switch (reader.nextName()) {
              case "source" -> source = readHref(reader);
              case "destination" -> destination = readHref(reader);
              default -> reader.skipValue();
            }
          }
          reader.endObject();
        }
        default -> reader.skipValue();
      }
    }
    reader.endObject();
    if (id == null || id.isEmpty()) {
      throw new JsonProblem("the transfer has no id");
    }
    if (amount == null) {
      throw new JsonProblem("transfer " + id + " has no amount");
    }
    if (created == null) {
      throw new JsonProblem("transfer " + id + " has no created time");
    }
    return new Transfer(id, status == null ? TransferStatus.UNKNOWN : status, amount, created,
        metadata, source, destination);
  }

  private static TransferStatus parseStatus(@Nullable String value) {
    if (value == null) {
      return TransferStatus.UNKNOWN;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "pending" -> TransferStatus.PENDING;
      case "processed" -> TransferStatus.PROCESSED;
      case "failed" -> TransferStatus.FAILED;
      case "cancelled", "canceled" -> TransferStatus.CANCELLED;
      default -> TransferStatus.UNKNOWN;
    };
  }

  private static Money readMoney(JsonReader reader) throws IOException {
    String currency = null;
    String value = null;
    reader.beginObject();
    while (reader.hasNext()) {
      switch (reader.nextName()) {
        case "currency" -> currency = nextStringOrNull(reader);
        case "value" -> value = nextStringOrNull(reader); // Moshi reads a number's exact text too
        default -> reader.skipValue();
      }
    }
    reader.endObject();
    if (currency == null || value == null) {
      throw new JsonProblem("amount needs a currency and a value");
    }
    try {
      return Money.of(currency.toUpperCase(Locale.ROOT), new BigDecimal(value));
    } catch (NumberFormatException e) {
      throw new JsonProblem("amount.value is not a decimal number");
    } catch (IllegalArgumentException e) {
      throw new JsonProblem("amount is not a valid amount: " + e.getMessage());
    }
  }

  private static Instant parseInstant(@Nullable String value) {
    if (value == null) {
      throw new JsonProblem("created is null");
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      try {
        return OffsetDateTime.parse(value).toInstant();
      } catch (DateTimeParseException e2) {
        throw new JsonProblem("created is not an ISO-8601 time: " + Excerpt.of(value, 40));
      }
    }
  }

  private static @Nullable String readHref(JsonReader reader) throws IOException {
    if (reader.peek() == JsonReader.Token.NULL) {
      return reader.nextNull();
    }
    String href = null;
    reader.beginObject();
    while (reader.hasNext()) {
      if (reader.nextName().equals("href")) {
        href = nextStringOrNull(reader);
      } else {
        reader.skipValue();
      }
    }
    reader.endObject();
    return href;
  }

  private static Map<String, String> readStringMap(JsonReader reader) throws IOException {
    if (reader.peek() == JsonReader.Token.NULL) {
      reader.skipValue();
      return Map.of();
    }
    Map<String, String> map = new LinkedHashMap<>();
    reader.beginObject();
    while (reader.hasNext()) {
      String name = reader.nextName();
      String value = nextStringOrNull(reader);
      if (value != null) {
        map.put(name, value);
      }
    }
    reader.endObject();
    return map;
  }

  static @Nullable String nextStringOrNull(JsonReader reader) throws IOException {
    JsonReader.Token token = reader.peek();
    if (token == JsonReader.Token.NULL) {
      return reader.nextNull();
    }
    if (token == JsonReader.Token.STRING || token == JsonReader.Token.NUMBER) {
      return reader.nextString();
    }
    if (token == JsonReader.Token.BOOLEAN) {
      return Boolean.toString(reader.nextBoolean());
    }
    throw new JsonProblem("expected a string at " + reader.getPath() + " but was " + token);
  }

  static String describe(Exception e) {
    if (e instanceof JsonProblem p) {
      return p.getMessage();
    }
    if (e instanceof JsonEncodingException || e instanceof JsonDataException) {
      return "malformed JSON: " + Excerpt.of(String.valueOf(e.getMessage()), 120);
    }
    if (e instanceof java.io.EOFException) {
      return "the JSON ends early";
    }
    return "unreadable JSON (" + e.getClass().getSimpleName() + ")";
  }

  /** A body that is not the JSON the protocol promises. Turned into a typed SDK exception. */
  public static final class JsonProblem extends RuntimeException {
    JsonProblem(String message) {
      super(message, null, false, false);
    }

    JsonProblem(String message, Throwable cause) {
      super(message, cause, false, false);
    }
  }
}

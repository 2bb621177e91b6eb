package dev.onceonly.internal;

import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.JsonEncodingException;
import com.squareup.moshi.JsonReader;
import dev.onceonly.Money;
import dev.onceonly.transfers.Transfer;
import dev.onceonly.transfers.TransferCreateParams;
import dev.onceonly.transfers.TransferStatus;
import java.io.IOException;
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
 * The JSON of the Transfers API: the create body written by hand (byte for byte what Moshi's
 * {@code JsonWriter} writes), transfers read with Moshi's streaming API. The wire format is fixed
 * by the protocol, and a hand-written mapping keeps it exact (field order, decimal strings) and
 * cheap on the request path.
 */
public final class TransferJson {

  // The names the reader looks for, matched against the bytes without making a String of each.
  private static final JsonReader.Options TRANSFER_NAMES =
      JsonReader.Options.of("id", "status", "amount", "created", "metadata", "_links");
  private static final JsonReader.Options LINK_NAMES = JsonReader.Options.of("source", "destination");
  private static final JsonReader.Options MONEY_NAMES = JsonReader.Options.of("currency", "value");
  private static final JsonReader.Options HREF_NAME = JsonReader.Options.of("href");
  private static final int[] NANOS_PER_DIGIT = {
      100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1};

  /** Bounds on an amount read from a server: far beyond any real one, far below a memory problem. */
  static final int MAX_AMOUNT_CHARS = 64;
  static final int MAX_AMOUNT_SCALE = 40;
  static final int MAX_AMOUNT_INTEGER_DIGITS = 40;

  private TransferJson() {}

  /**
   * The body of {@code POST /transfers}. The same parameters always give the same bytes, so the
   * engine serialises once per operation and re-sends those bytes on every attempt.
   *
   * <p>The bytes are exactly those Moshi's {@code JsonWriter} writes for the same fields (no
   * indent; strings escaped as Moshi escapes them; a lone surrogate written as {@code ?}), so
   * that a key resumed by another version of this SDK still comes with the same body. Written by
   * hand, in two passes (measure, then fill an array of that size), because this runs once per
   * create and Moshi's writer allocates about a kilobyte of buffers and state for a 300-byte body.
   */
  public static byte[] encodeCreate(TransferCreateParams params) {
    String value = params.amount().value().toPlainString();
    CreateWriter measure = new CreateWriter(null);
    measure.write(params, value);
    CreateWriter fill = new CreateWriter(new byte[measure.size]);
    fill.write(params, value);
    return fill.out;
  }

  /** Writes the create body into {@code out}, or only counts its bytes when {@code out} is null. */
  private static final class CreateWriter {
    private static final String[] ESCAPES = new String[128];

    static {
      for (int c = 0; c < 0x20; c++) {
        ESCAPES[c] = String.format(Locale.ROOT, "\\u%04x", c);
      }
      ESCAPES['"'] = "\\\"";
      ESCAPES['\\'] = "\\\\";
      ESCAPES['\t'] = "\\t";
      ESCAPES['\b'] = "\\b";
      ESCAPES['\n'] = "\\n";
      ESCAPES['\r'] = "\\r";
      ESCAPES['\f'] = "\\f";
    }

    private static final byte[] NONE = new byte[0];

    final byte[] out;
    private final boolean counting;
    int size;

    CreateWriter(byte @Nullable [] out) {
      this.out = out == null ? NONE : out;
      this.counting = out == null;
    }

    void write(TransferCreateParams params, String amountValue) {
      ascii("{\"_links\":{\"source\":{\"href\":");
      string(params.source());
      ascii("},\"destination\":{\"href\":");
      string(params.destination());
      ascii("}},\"amount\":{\"currency\":");
      string(params.amount().currency());
      ascii(",\"value\":");
      string(amountValue);
      ascii("}");
      if (!params.metadata().isEmpty()) {
        ascii(",\"metadata\":{");
        boolean first = true;
        for (Map.Entry<String, String> e : params.metadata().entrySet()) {
          if (!first) {
            ascii(",");
          }
          first = false;
          string(e.getKey());
          ascii(":");
          string(e.getValue());
        }
        ascii("}");
      }
      ascii("}");
    }

    /** Writes {@code text}, which is ASCII (the JSON punctuation and names, the escapes). */
    @SuppressWarnings("deprecation") // getBytes(int, int, byte[], int): each char's low byte, right for ASCII
    private void ascii(String text) {
      if (!counting) {
        text.getBytes(0, text.length(), out, size);
      }
      size += text.length();
    }

    private void string(String value) {
      int length = value.length();
      if (isPlainAscii(value, length)) { // the usual case: copied as it is, in one go
        put('"');
        ascii(value);
        put('"');
        return;
      }
      put('"');
      for (int i = 0; i < length; i++) {
        char c = value.charAt(i);
        if (c < 0x80) {
          String escape = ESCAPES[c];
          if (escape == null) {
            put(c);
          } else {
            ascii(escape);
          }
        } else if (c == '\u2028') {
          ascii("\\u2028");
        } else if (c == '\u2029') {
          ascii("\\u2029");
        } else if (c < 0x800) {
          put(0xc0 | (c >> 6));
          put(0x80 | (c & 0x3f));
        } else if (!Character.isSurrogate(c)) {
          put(0xe0 | (c >> 12));
          put(0x80 | ((c >> 6) & 0x3f));
          put(0x80 | (c & 0x3f));
        } else {
          char low = i + 1 < length ? value.charAt(i + 1) : 0;
          if (Character.isHighSurrogate(c) && Character.isLowSurrogate(low)) {
            int codePoint = Character.toCodePoint(c, low);
            put(0xf0 | (codePoint >> 18));
            put(0x80 | ((codePoint >> 12) & 0x3f));
            put(0x80 | ((codePoint >> 6) & 0x3f));
            put(0x80 | (codePoint & 0x3f));
            i++;
          } else {
            put('?'); // what Okio (and so Moshi) writes for a lone surrogate
          }
        }
      }
      put('"');
    }

    /** Whether every char of {@code value} is ASCII that JSON takes unescaped. */
    private static boolean isPlainAscii(String value, int length) {
      for (int i = 0; i < length; i++) {
        char c = value.charAt(i);
        if (c >= 0x80 || ESCAPES[c] != null) {
          return false;
        }
      }
      return true;
    }

    private void put(int b) {
      if (!counting) {
        out[size] = (byte) b;
      }
      size++;
    }
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

  /** One page of {@code GET /transfers}: its transfers, and whether more follow. */
  record Page(java.util.List<Transfer> data, boolean hasMore) {}

  /** The most transfers read from one page, whatever the server sends. */
  static final int MAX_PAGE = 1000;

  /**
   * Reads a page of {@code GET /transfers}: {@code {"data": [transfers], "has_more": bool}};
   * unknown fields skipped, a missing {@code has_more} read as {@code false}.
   *
   * @throws JsonProblem if the body is not such a page
   */
  static Page decodePage(byte[] body) {
    try {
      JsonReader reader = JsonReader.of(new Buffer().write(body));
      java.util.List<Transfer> data = null;
      boolean hasMore = false;
      reader.beginObject();
      while (reader.hasNext()) {
        switch (reader.nextName()) {
          case "data" -> {
            data = new java.util.ArrayList<>();
            reader.beginArray();
            while (reader.hasNext()) {
              if (data.size() >= MAX_PAGE) {
                throw new JsonProblem("the page holds more than " + MAX_PAGE + " transfers");
              }
              data.add(readTransfer(reader));
            }
            reader.endArray();
          }
          case "has_more" -> hasMore = reader.peek() == JsonReader.Token.BOOLEAN ? reader.nextBoolean()
              : Boolean.parseBoolean(nextStringOrNull(reader));
          default -> reader.skipValue();
        }
      }
      reader.endObject();
      if (reader.peek() != JsonReader.Token.END_DOCUMENT) {
        throw new JsonProblem("unexpected content after the page");
      }
      if (data == null) {
        throw new JsonProblem("the page has no data");
      }
      return new Page(java.util.List.copyOf(data), hasMore);
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
      switch (reader.selectName(TRANSFER_NAMES)) {
        case 0 -> id = nextStringOrNull(reader);
        case 1 -> status = parseStatus(nextStringOrNull(reader));
        case 2 -> amount = readMoney(reader);
        case 3 -> created = parseInstant(nextStringOrNull(reader));
        case 4 -> metadata = readStringMap(reader);
        case 5 -> {
          if (reader.peek() == JsonReader.Token.NULL) {
            reader.skipValue();
            break;
          }
          reader.beginObject();
          while (reader.hasNext()) {
            switch (reader.selectName(LINK_NAMES)) {
              case 0 -> source = readHref(reader);
              case 1 -> destination = readHref(reader);
              default -> skipNameAndValue(reader);
            }
          }
          reader.endObject();
        }
        default -> skipNameAndValue(reader);
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
      switch (reader.selectName(MONEY_NAMES)) {
        case 0 -> currency = nextStringOrNull(reader);
        case 1 -> value = nextStringOrNull(reader); // Moshi reads a number's exact text too
        default -> skipNameAndValue(reader);
      }
    }
    reader.endObject();
    if (currency == null || value == null) {
      throw new JsonProblem("amount needs a currency and a value");
    }
    if (value.length() > MAX_AMOUNT_CHARS) {
      throw new JsonProblem("amount.value is too long (" + value.length() + " characters)");
    }
    try {
      BigDecimal decimal = new BigDecimal(value);
      // "1e999999999" parses in no time but is a billion digits once printed: refuse what no
      // currency can hold, before anything expands it.
      if (decimal.scale() > MAX_AMOUNT_SCALE || decimal.precision() - decimal.scale() > MAX_AMOUNT_INTEGER_DIGITS) {
        throw new JsonProblem("amount.value is out of range: " + Excerpt.of(value, 40));
      }
      return Money.of(currency.toUpperCase(Locale.ROOT), decimal);
    } catch (NumberFormatException e) {
      throw new JsonProblem("amount.value is not a decimal number");
    } catch (IllegalArgumentException e) {
      throw new JsonProblem("amount is not a valid amount: " + e.getMessage());
    }
  }

  /**
   * Reads back a create body this SDK wrote ({@link #encodeCreate}): what a resumed operation is
   * checked against. Returns {@code null} when the bytes are not such a body.
   */
  static @org.jspecify.annotations.Nullable TransferCreateParams decodeCreateRequest(byte[] body) {
    try {
      JsonReader reader = JsonReader.of(new Buffer().write(body));
      TransferCreateParams.Builder params = TransferCreateParams.builder();
      reader.beginObject();
      while (reader.hasNext()) {
        switch (reader.nextName()) {
          case "_links" -> {
            reader.beginObject();
            while (reader.hasNext()) {
              String link = reader.nextName();
              String href = readHref(reader);
              if (href != null && link.equals("source")) {
                params.source(href);
              } else if (href != null && link.equals("destination")) {
                params.destination(href);
              }
            }
            reader.endObject();
          }
          case "amount" -> params.amount(readMoney(reader));
          case "metadata" -> readStringMap(reader).forEach(params::metadata);
          default -> reader.skipValue();
        }
      }
      reader.endObject();
      return params.build();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** A name {@code selectName} did not match, and its value: a field this SDK does not read. */
  private static void skipNameAndValue(JsonReader reader) throws IOException {
    reader.skipName();
    reader.skipValue();
  }

  private static Instant parseInstant(@Nullable String value) {
    if (value == null) {
      throw new JsonProblem("created is null");
    }
    Instant common = parseCommonUtc(value);
    if (common != null) {
      return common;
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

  /**
   * The form servers send almost always, {@code 2026-11-23T10:15:30.123Z}: a 4-digit year, an
   * upper-case {@code T}, seconds, 0 to 9 fraction digits and {@code Z}, in valid ranges. Read
   * by hand because {@code Instant.parse} allocates about a kilobyte per call; the result is the
   * one {@code Instant.parse} gives. Anything else (offsets, lower case, a leap second, an
   * invalid date) returns {@code null} and is left to the general parsers.
   */
  static @Nullable Instant parseCommonUtc(String v) {
    int n = v.length();
    if (n < 20 || n > 30 || n == 21 || v.charAt(n - 1) != 'Z' || v.charAt(4) != '-' || v.charAt(7) != '-'
        || v.charAt(10) != 'T' || v.charAt(13) != ':' || v.charAt(16) != ':' || (n > 20 && v.charAt(19) != '.')) {
      return null;
    }
    int year = digits(v, 0, 4);
    int month = digits(v, 5, 2);
    int day = digits(v, 8, 2);
    int hour = digits(v, 11, 2);
    int minute = digits(v, 14, 2);
    int second = digits(v, 17, 2);
    int fractionDigits = n > 20 ? n - 21 : 0;
    int fraction = fractionDigits == 0 ? 0 : digits(v, 20, fractionDigits);
    if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
        || second < 0 || second > 59 || fraction < 0
        || day > java.time.Month.of(month).length(java.time.Year.isLeap(year))) {
      return null;
    }
    long epochDay = java.time.LocalDate.of(year, month, day).toEpochDay();
    long nanos = fractionDigits == 0 ? 0 : (long) fraction * NANOS_PER_DIGIT[fractionDigits - 1];
    return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
  }

  /** The value of {@code count} ASCII digits at {@code from}, or -1 if any is not one. */
  private static int digits(String v, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static @Nullable String readHref(JsonReader reader) throws IOException {
    if (reader.peek() == JsonReader.Token.NULL) {
      return reader.nextNull();
    }
    String href = null;
    reader.beginObject();
    while (reader.hasNext()) {
      if (reader.selectName(HREF_NAME) == 0) {
        href = nextStringOrNull(reader);
      } else {
        skipNameAndValue(reader);
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

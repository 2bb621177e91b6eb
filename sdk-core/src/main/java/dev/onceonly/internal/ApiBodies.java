package dev.onceonly.internal;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.JsonReader;
import com.squareup.moshi.JsonWriter;
import com.squareup.moshi.Moshi;
import java.io.IOException;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Set;
import okio.Buffer;
import org.jspecify.annotations.Nullable;

/**
 * The JSON of {@code client.execute(...)}: request bodies serialised once with Moshi, answers
 * decoded into the caller's class. Records and plain classes map by their fields;
 * {@link BigDecimal} is a decimal string (read from a string or a number), {@link Instant} an
 * ISO-8601 string; unknown fields of an answer are ignored; nulls are left out of a body.
 * Thread-safe.
 */
public final class ApiBodies {

  private static final Moshi MOSHI = new Moshi.Builder()
      .add(new JsonAdapter.Factory() {
        @Override
        public @Nullable JsonAdapter<?> create(Type type, Set<? extends java.lang.annotation.Annotation> annotations,
            Moshi moshi) {
          if (!annotations.isEmpty()) {
            return null;
          }
          if (type == BigDecimal.class) {
            return new DecimalAdapter().nullSafe();
          }
          if (type == Instant.class) {
            return new InstantAdapter().nullSafe();
          }
          if (type instanceof Class<?> c && c.isRecord()) {
            return RecordAdapter.of(c, moshi).nullSafe();
          }
          return null;
        }
      })
      .build();

  private ApiBodies() {}

  /**
   * Serialises a request body.
   *
   * @throws IllegalArgumentException naming {@code body} if Moshi cannot serialise it
   */
  public static byte[] encode(Object body) {
    try {
      Buffer buffer = new Buffer();
      JsonWriter writer = JsonWriter.of(buffer);
      MOSHI.adapter(Object.class).toJson(writer, body);
      writer.close();
      return buffer.readByteArray();
    } catch (IOException | RuntimeException | AssertionError | StackOverflowError e) {
      throw new IllegalArgumentException("body of type " + body.getClass().getName() + " cannot be serialised to JSON: "
          + Excerpt.of(String.valueOf(e.getMessage()), 200), e);
    }
  }

  /**
   * Checks that {@code json} is one JSON value.
   *
   * @throws IllegalArgumentException naming {@code what} if it is not
   */
  public static void checkJson(byte[] json, String what) {
    try {
      JsonReader reader = JsonReader.of(new Buffer().write(json));
      reader.skipValue();
      if (reader.peek() != JsonReader.Token.END_DOCUMENT) {
        throw new IllegalArgumentException(what + " must be one JSON value, and it has more after it");
      }
    } catch (IOException | com.squareup.moshi.JsonDataException e) {
      throw new IllegalArgumentException(what + " is not JSON: " + TransferJson.describe(e), e);
    }
  }

  /**
   * How an answer becomes a {@code T}: a {@code String} (the body as UTF-8 text), a
   * {@code byte[]} (the body), or anything Moshi decodes.
   *
   * @throws IllegalArgumentException naming {@code responseType} if Moshi cannot decode that type
   */
  static <T> Decoder<T> decoder(Class<T> type) {
    java.util.Objects.requireNonNull(type, "responseType");
    if (type == String.class) {
      return new Decoder<>(type, null);
    }
    if (type == byte[].class) {
      return new Decoder<>(type, null);
    }
    if (type.isPrimitive() || type == Void.class) {
      throw new IllegalArgumentException("responseType must be a class to decode the answer into, String or byte[],"
          + " was " + type.getName());
    }
    try {
      return new Decoder<>(type, MOSHI.adapter(type));
    } catch (RuntimeException | AssertionError e) {
      throw new IllegalArgumentException("responseType " + type.getName() + " cannot be decoded from JSON: "
          + Excerpt.of(String.valueOf(e.getMessage()), 200), e);
    }
  }

  /** Decodes one answer body into a {@code T}. */
  static final class Decoder<T> {
    private final Class<T> type;
    private final @Nullable JsonAdapter<T> adapter;

    private Decoder(Class<T> type, @Nullable JsonAdapter<T> adapter) {
      this.type = type;
      this.adapter = adapter;
    }

    /** Whether an empty body is a value of this type (an empty string or array). */
    boolean acceptsEmpty() {
      return adapter == null;
    }

    String typeName() {
      return type.getSimpleName();
    }

    /** @throws TransferJson.JsonProblem if the body is not a {@code T} */
    T decode(byte[] body) {
      if (type == String.class) {
        return type.cast(new String(body, StandardCharsets.UTF_8));
      }
      if (adapter == null) {
        return type.cast(body.clone());
      }
      try {
        JsonReader reader = JsonReader.of(new Buffer().write(body));
        T value = adapter.fromJson(reader);
        if (value == null) {
          throw new TransferJson.JsonProblem("the answer is null, not a " + type.getSimpleName());
        }
        if (reader.peek() != JsonReader.Token.END_DOCUMENT) {
          throw new TransferJson.JsonProblem("unexpected content after the " + type.getSimpleName());
        }
        return value;
      } catch (TransferJson.JsonProblem e) {
        throw e;
      } catch (IOException | RuntimeException e) {
        throw new TransferJson.JsonProblem(TransferJson.describe(e), e);
      } catch (AssertionError | StackOverflowError e) {
        throw new TransferJson.JsonProblem("the answer cannot be read into a " + type.getSimpleName(), e);
      }
    }
  }

  /**
   * A record by its components, in declaration order (a component's name, or its Moshi
   * {@code @Json(name = ...)}). Moshi maps records too, but only public ones (it looks their
   * accessors up from its own class); callers' records are often nested and package-private,
   * so this maps them by reflection with access granted, as Moshi does for plain classes' fields.
   * Unknown names are skipped; a missing component is null (or zero, false for a primitive).
   */
  private static final class RecordAdapter extends JsonAdapter<Object> {
    private final Class<?> type;
    private final String[] names;
    private final java.lang.reflect.Method[] accessors;
    private final JsonAdapter<Object>[] adapters;
    private final Class<?>[] rawTypes;
    private final java.lang.reflect.Constructor<?> constructor;
    private final JsonReader.Options options;

    @SuppressWarnings("unchecked")
    private RecordAdapter(Class<?> type, Moshi moshi) throws ReflectiveOperationException {
      this.type = type;
      java.lang.reflect.RecordComponent[] components = type.getRecordComponents();
      names = new String[components.length];
      accessors = new java.lang.reflect.Method[components.length];
      adapters = new JsonAdapter[components.length];
      rawTypes = new Class<?>[components.length];
      for (int i = 0; i < components.length; i++) {
        java.lang.reflect.RecordComponent c = components[i];
        com.squareup.moshi.Json json = c.getAnnotation(com.squareup.moshi.Json.class);
        names[i] = json != null && !json.name().equals(com.squareup.moshi.Json.UNSET_NAME) ? json.name() : c.getName();
        accessors[i] = c.getAccessor();
        accessors[i].setAccessible(true);
        adapters[i] = moshi.adapter(c.getGenericType());
        rawTypes[i] = c.getType();
      }
      constructor = type.getDeclaredConstructor(rawTypes);
      constructor.setAccessible(true);
      options = JsonReader.Options.of(names);
    }

    static RecordAdapter of(Class<?> type, Moshi moshi) {
      try {
        return new RecordAdapter(type, moshi);
      } catch (ReflectiveOperationException | RuntimeException e) {
        throw new IllegalArgumentException("record " + type.getName() + " cannot be mapped: " + e, e);
      }
    }

    @Override
    public Object fromJson(JsonReader reader) throws IOException {
      Object[] values = new Object[names.length];
      reader.beginObject();
      while (reader.hasNext()) {
        int i = reader.selectName(options);
        if (i < 0) {
          reader.skipName();
          reader.skipValue();
          continue;
        }
        values[i] = adapters[i].fromJson(reader);
      }
      reader.endObject();
      for (int i = 0; i < values.length; i++) {
        if (values[i] == null && rawTypes[i].isPrimitive()) {
          values[i] = java.lang.reflect.Array.get(java.lang.reflect.Array.newInstance(rawTypes[i], 1), 0);
        }
      }
      try {
        return constructor.newInstance(values);
      } catch (java.lang.reflect.InvocationTargetException e) {
        throw new com.squareup.moshi.JsonDataException(type.getSimpleName() + " refused the answer at "
            + reader.getPath() + ": " + e.getCause(), e.getCause());
      } catch (ReflectiveOperationException e) {
        throw new com.squareup.moshi.JsonDataException("cannot make a " + type.getSimpleName(), e);
      }
    }

    @Override
    public void toJson(JsonWriter writer, @Nullable Object value) throws IOException {
      writer.beginObject();
      for (int i = 0; i < names.length; i++) {
        Object component;
        try {
          component = accessors[i].invoke(value);
        } catch (ReflectiveOperationException e) {
          throw new IllegalArgumentException("cannot read " + type.getSimpleName() + "." + names[i], e);
        }
        writer.name(names[i]); // a null value is left out with its name
        adapters[i].toJson(writer, component);
      }
      writer.endObject();
    }
  }

  /** A decimal as a string, never a binary floating point number; read from a string or a number. */
  private static final class DecimalAdapter extends JsonAdapter<BigDecimal> {
    @Override
    public BigDecimal fromJson(JsonReader reader) throws IOException {
      String text = reader.nextString(); // a number's exact text too
      if (text.length() > TransferJson.MAX_AMOUNT_CHARS) {
        throw new com.squareup.moshi.JsonDataException("a decimal is too long at " + reader.getPath());
      }
      try {
        BigDecimal value = new BigDecimal(text);
        if (value.scale() > TransferJson.MAX_AMOUNT_SCALE
            || value.precision() - value.scale() > TransferJson.MAX_AMOUNT_INTEGER_DIGITS) {
          throw new com.squareup.moshi.JsonDataException("a decimal is out of range at " + reader.getPath());
        }
        return value;
      } catch (NumberFormatException e) {
        throw new com.squareup.moshi.JsonDataException("not a decimal at " + reader.getPath());
      }
    }

    @Override
    public void toJson(JsonWriter writer, @Nullable BigDecimal value) throws IOException {
      writer.value(value == null ? null : value.toPlainString());
    }
  }

  /** An instant as ISO-8601 text. */
  private static final class InstantAdapter extends JsonAdapter<Instant> {
    @Override
    public Instant fromJson(JsonReader reader) throws IOException {
      String text = reader.nextString();
      try {
        return java.time.OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeParseException e) {
        throw new com.squareup.moshi.JsonDataException("not an ISO-8601 time at " + reader.getPath());
      }
    }

    @Override
    public void toJson(JsonWriter writer, @Nullable Instant value) throws IOException {
      writer.value(value == null ? null : value.toString());
    }
  }
}

package dev.onceonly.testkit;

import com.squareup.moshi.JsonWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import okio.Buffer;
import okio.BufferedSink;

/** Writes JSON documents with Moshi's streaming writer, which keeps field order as written. */
final class Json {

  private Json() {}

  /** Writes one value to a writer. */
  @FunctionalInterface
  interface Body {
    void writeTo(JsonWriter writer) throws IOException;
  }

  /** The UTF-8 bytes of the document {@code body} writes; {@code null}s are written, not skipped. */
  static byte[] write(Body body) {
    Buffer buffer = new Buffer();
    try (JsonWriter writer = JsonWriter.of(buffer)) {
      writer.setSerializeNulls(true); // MangoPay's "errors": null must be on the wire
      body.writeTo(writer);
    } catch (IOException e) {
      throw new UncheckedIOException("writing to a memory buffer cannot fail", e);
    }
    return buffer.readByteArray();
  }

  /** Writes {@code json}, already-encoded JSON, as the next value. */
  static void raw(JsonWriter writer, byte[] json) throws IOException {
    try (BufferedSink sink = writer.valueSink()) {
      sink.write(json);
    }
  }
}

package dev.onceonly.internal;

import com.squareup.moshi.JsonReader;
import dev.onceonly.http.HttpResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import okio.Buffer;
import okio.BufferedSource;
import org.jspecify.annotations.Nullable;

/**
 * Reads MangoPay's {@code GET /responses/{key}} envelope: {@code StatusCode} (a string),
 * {@code ContentType}, and {@code Resource}, the original body. The resource is copied as raw
 * JSON bytes, so numbers and field order survive exactly.
 */
final class StoredResponses {

  private StoredResponses() {}

  /** The stored answer as the response it was. */
  static HttpResponse decode(byte[] envelope) {
    Integer status = null;
    byte[] resource = HttpResponse.emptyBody();
    String contentType = null;
    String location = null;
    try {
      JsonReader reader = JsonReader.of(new Buffer().write(envelope));
      reader.beginObject();
      while (reader.hasNext()) {
        switch (reader.nextName()) {
          case "StatusCode" -> status = parseStatus(TransferJson.nextStringOrNull(reader));
          case "ContentType" -> contentType = TransferJson.nextStringOrNull(reader);
          case "Location" -> location = TransferJson.nextStringOrNull(reader);
          case "Resource" -> {
            if (reader.peek() == JsonReader.Token.NULL) {
              reader.skipValue();
            } else {
              try (BufferedSource source = reader.nextSource()) {
                resource = source.readByteArray();
              }
            }
          }
          default -> reader.skipValue();
        }
      }
      reader.endObject();
    } catch (IOException | RuntimeException e) {
      throw new TransferJson.JsonProblem(
          "the stored response is not the envelope GET /responses/{key} promises: "
              + TransferJson.describe(e), e);
    }
    if (status == null) {
      throw new TransferJson.JsonProblem("the stored response has no StatusCode");
    }
    Map<String, List<String>> headers = new java.util.HashMap<>();
    if (contentType != null) {
      headers.put("Content-Type", List.of(contentType));
    }
    if (location != null) {
      headers.put("Location", List.of(location));
    }
    return new HttpResponse(status, headers, resource);
  }

  private static int parseStatus(@Nullable String value) {
    if (value == null) {
      throw new TransferJson.JsonProblem("the stored response's StatusCode is null");
    }
    try {
      int status = Integer.parseInt(value.strip());
      if (status < 100 || status > 599) {
        throw new TransferJson.JsonProblem("the stored response's StatusCode is out of range: " + status);
      }
      return status;
    } catch (NumberFormatException e) {
      throw new TransferJson.JsonProblem("the stored response's StatusCode is not a number");
    }
  }
}

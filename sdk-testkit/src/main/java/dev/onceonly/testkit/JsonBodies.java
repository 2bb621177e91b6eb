package dev.onceonly.testkit;

import com.squareup.moshi.JsonWriter;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The JSON bodies of successful answers: a transfer, a stored-response envelope, the stats. */
final class JsonBodies {

  // Always three fraction digits: Instant.toString() drops them when they are zero.
  private static final DateTimeFormatter CREATED =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);
  // RFC 9110 HTTP-date; RFC_1123_DATE_TIME would drop the leading zero of the day.
  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH)
          .withZone(ZoneOffset.UTC);

  private JsonBodies() {}

  static String httpDate(Instant instant) {
    return HTTP_DATE.format(instant);
  }

  /** The transfer of the protocol; the same bytes for {@code POST} and {@code GET}. */
  static byte[] transfer(SandboxTransfer transfer, String selfUrl) {
    return Json.write(writer -> {
      writer.beginObject();
      writer.name("id").value(transfer.id());
      writer.name("status").value("pending");
      writer.name("amount").beginObject();
      writer.name("currency").value(transfer.currency());
      writer.name("value").value(transfer.value());
      writer.endObject();
      writer.name("created").value(CREATED.format(transfer.created()));
      writer.name("metadata").beginObject();
      for (Map.Entry<String, String> entry : transfer.metadata().entrySet()) {
        writer.name(entry.getKey()).value(entry.getValue());
      }
      writer.endObject();
      writer.name("_links").beginObject();
      href(writer, "self", selfUrl);
      href(writer, "source", transfer.source());
      href(writer, "destination", transfer.destination());
      writer.endObject();
      writer.endObject();
    });
  }

  /** A page of {@code GET /transfers}: {@code {"data": [transfers], "has_more": bool}}. */
  static byte[] page(List<SandboxTransfer> transfers, boolean hasMore, String baseUrl) {
    return Json.write(writer -> {
      writer.beginObject();
      writer.name("data").beginArray();
      for (SandboxTransfer transfer : transfers) {
        Json.raw(writer, transfer(transfer, baseUrl + "/transfers/" + transfer.id()));
      }
      writer.endArray();
      writer.name("has_more").value(hasMore);
      writer.endObject();
    });
  }

  /** A refund: {@code id}, {@code transfer_id}, {@code status}, {@code amount}, {@code created}, {@code metadata}. */
  static byte[] refund(SandboxRefund refund) {
    return Json.write(writer -> {
      writer.beginObject();
      writer.name("id").value(refund.id());
      writer.name("transfer_id").value(refund.transferId());
      writer.name("status").value("pending");
      writer.name("amount").beginObject();
      writer.name("currency").value(refund.currency());
      writer.name("value").value(refund.value());
      writer.endObject();
      writer.name("created").value(CREATED.format(refund.created()));
      writer.name("metadata").beginObject();
      for (Map.Entry<String, String> entry : refund.metadata().entrySet()) {
        writer.name(entry.getKey()).value(entry.getValue());
      }
      writer.endObject();
      writer.endObject();
    });
  }

  private static void href(JsonWriter writer, String name, String url) throws IOException {
    writer.name(name).beginObject().name("href").value(url).endObject();
  }

  /**
   * MangoPay's envelope of a stored response: {@code StatusCode} and {@code ContentLength} are
   * strings, {@code Resource} is the original body (or {@code null} if it was empty).
   */
  static byte[] envelope(StoredResponse stored) {
    Answer answer = stored.answer();
    return Json.write(writer -> {
      writer.beginObject();
      writer.name("StatusCode").value(Integer.toString(answer.status()));
      writer.name("ContentLength").value(Integer.toString(answer.body().length));
      writer.name("ContentType").value(answer.contentType() == null ? "" : answer.contentType());
      writer.name("Date").value(httpDate(stored.date()));
      writer.name("RequestURL").value(stored.requestUrl());
      writer.name("Resource");
      if (answer.body().length == 0) {
        writer.nullValue();
      } else {
        Json.raw(writer, answer.body());
      }
      writer.endObject();
    });
  }

  static byte[] stats(SandboxStats stats, Dialect dialect, long seed, int transfers) {
    return Json.write(writer -> {
      writer.beginObject();
      writer.name("dialect").value(dialect.wireName());
      writer.name("seed").value(seed);
      writer.name("requests").value(stats.requests());
      writer.name("posts").value(stats.posts());
      writer.name("transfersCreated").value(stats.transfersCreated());
      writer.name("duplicateCreations").value(stats.duplicateCreations());
      writer.name("replays").value(stats.replays());
      writer.name("conflicts").value(stats.conflicts());
      writer.name("keyMismatches").value(stats.keyMismatches());
      writer.name("responsesLookups").value(stats.responsesLookups());
      writer.name("responsesFound").value(stats.responsesFound());
      writer.name("faults").beginObject();
      for (FaultKind kind : FaultKind.values()) {
        writer.name(kind.wireName()).value(stats.faults(kind));
      }
      writer.endObject();
      writer.name("transfers").value(transfers);
      writer.endObject();
    });
  }
}

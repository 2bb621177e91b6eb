package dev.onceonly.internal;

import dev.onceonly.Money;
import dev.onceonly.http.HttpResponse;
import dev.onceonly.transfers.Transfer;
import dev.onceonly.transfers.TransferCreateParams;
import java.net.URI;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Reads a transfer from a success answer and checks it against what was asked: the amount (by
 * value, so {@code 10.0} is {@code 10.00}), the currency, and the source and destination where
 * the answer names them. Links are compared by their last path segment, the resource's id,
 * without case: servers rewrite hosts and schemes of links, never the ids.
 */
final class TransferAnswers {

  private TransferAnswers() {}

  /** Reads the answer to a create of {@code params}. */
  static AnswerReader<Transfer> forCreate(TransferCreateParams params, Redactor redactor) {
    return response -> {
      if (isBlank(response.body())) {
        return AnswerReader.Answer.empty();
      }
      Transfer t;
      try {
        t = TransferJson.decodeTransfer(response.body());
      } catch (TransferJson.JsonProblem e) {
        return AnswerReader.Answer.unreadable("not a transfer: " + redactor.scrub(String.valueOf(e.getMessage())), e);
      }
      String contradiction = contradiction(params, t);
      return contradiction == null ? AnswerReader.Answer.matches(t) : AnswerReader.Answer.contradicts(contradiction);
    };
  }

  /** Reads the answer to a read of transfer {@code id}. */
  static AnswerReader<Transfer> forGet(String id, Redactor redactor) {
    return response -> {
      Transfer t;
      try {
        t = TransferJson.decodeTransfer(response.body());
      } catch (TransferJson.JsonProblem e) {
        return AnswerReader.Answer.unreadable("not a transfer: " + redactor.scrub(String.valueOf(e.getMessage())), e);
      }
      if (!t.id().equals(id)) {
        return AnswerReader.Answer.contradicts("asked for transfer " + Excerpt.of(id, 64) + ", got " + Excerpt.of(t.id(), 64));
      }
      return AnswerReader.Answer.matches(t);
    };
  }

  /** What in {@code t} contradicts {@code params}, or {@code null} when nothing does. */
  static @Nullable String contradiction(TransferCreateParams params, Transfer t) {
    Money asked = params.amount();
    Money got = t.amount();
    if (!asked.currency().equals(got.currency()) || asked.value().compareTo(got.value()) != 0) {
      return "asked for " + asked + ", the answer says " + got;
    }
    if (t.sourceHref() != null && !sameResource(params.source(), t.sourceHref())) {
      return "the answer's source is another funding source";
    }
    if (t.destinationHref() != null && !sameResource(params.destination(), t.destinationHref())) {
      return "the answer's destination is another funding source";
    }
    return null;
  }

  private static boolean sameResource(String asked, String got) {
    String a = lastSegment(asked);
    String b = lastSegment(got);
    return a != null && b != null ? a.equals(b) : asked.strip().equalsIgnoreCase(got.strip());
  }

  private static @Nullable String lastSegment(String href) {
    String path;
    try {
      path = new URI(href.strip()).getPath();
    } catch (java.net.URISyntaxException e) {
      return null;
    }
    if (path == null) {
      return null;
    }
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    int slash = path.lastIndexOf('/');
    String segment = path.substring(slash + 1);
    return segment.isEmpty() ? null : segment.toLowerCase(Locale.ROOT);
  }

  static boolean isBlank(byte[] body) {
    for (byte b : body) {
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return false;
      }
    }
    return true;
  }

  /** For messages: the response's status only. */
  static String describe(HttpResponse response) {
    return "HTTP " + response.statusCode();
  }
}

package dev.onceonly.internal;

import dev.onceonly.Money;
import dev.onceonly.http.HttpResponse;
import dev.onceonly.transfers.Transfer;
import dev.onceonly.transfers.TransferCreateParams;
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

  /** Reads any transfer, unchecked: for a resumed create whose request cannot be read back. */
  static AnswerReader<Transfer> forAnyTransfer(Redactor redactor) {
    return response -> {
      if (isBlank(response.body())) {
        return AnswerReader.Answer.empty();
      }
      try {
        return AnswerReader.Answer.matches(TransferJson.decodeTransfer(response.body()));
      } catch (TransferJson.JsonProblem e) {
        return AnswerReader.Answer.unreadable("not a transfer: " + redactor.scrub(String.valueOf(e.getMessage())), e);
      }
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

  /**
   * Whether two links name the same resource: their last path segments (before any query or
   * fragment, trailing slashes aside) are equal without case. Compared in place, without parsing
   * or copying either string: this runs on every create's answer.
   */
  static boolean sameResource(String asked, String got) {
    long a = lastSegment(asked);
    long b = lastSegment(got);
    int aStart = (int) (a >>> 32);
    int aLength = (int) a - aStart;
    int bStart = (int) (b >>> 32);
    int bLength = (int) b - bStart;
    if (aLength == 0 || bLength == 0) {
      return asked.strip().equalsIgnoreCase(got.strip());
    }
    return aLength == bLength && asked.regionMatches(true, aStart, got, bStart, aLength);
  }

  /** The last path segment of {@code href} as {@code start << 32 | end}. */
  private static long lastSegment(String href) {
    int end = href.length();
    int query = href.indexOf('?');
    if (query >= 0) {
      end = query;
    }
    int fragment = href.indexOf('#');
    if (fragment >= 0 && fragment < end) {
      end = fragment;
    }
    while (end > 0 && (href.charAt(end - 1) == '/' || href.charAt(end - 1) == ' ')) {
      end--;
    }
    int start = href.lastIndexOf('/', end - 1) + 1;
    return ((long) start << 32) | end;
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

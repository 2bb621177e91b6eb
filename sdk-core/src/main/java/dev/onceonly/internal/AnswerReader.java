package dev.onceonly.internal;

import dev.onceonly.http.HttpResponse;
import org.jspecify.annotations.Nullable;

/**
 * Reads a success answer ({@code 2xx}) of one operation and checks it against the request that
 * asked for it (the protocol's "Checking answers against the request"). The decision core calls
 * it for every success it sees (a first answer, a replay, a stored response, a read-back of a
 * {@code Location}), so that an answer is returned only if it is this request's.
 *
 * @param <T> what the answer decodes to, such as a {@code Transfer}
 */
@FunctionalInterface
public interface AnswerReader<T> {

  /** Reads {@code response}; never throws. */
  Answer<T> read(HttpResponse response);

  /** What a success answer came to. */
  enum Verdict {
    /** Decoded, and consistent with the request. */
    MATCHES,
    /** No body: the resource is at the answer's {@code Location}. */
    EMPTY,
    /** Decoded, but it contradicts the request: another operation's answer. */
    CONTRADICTS,
    /** Not the JSON the API promises, or beyond bounds. */
    UNREADABLE
  }

  /**
   * @param verdict what the answer came to
   * @param value the decoded value when it {@linkplain Verdict#MATCHES matches}
   * @param detail why it contradicts or is unreadable, for messages; bounded, no body
   * @param cause the decoding failure, if any
   */
  record Answer<T>(Verdict verdict, @Nullable T value, String detail, @Nullable Throwable cause) {

    static <T> Answer<T> matches(T value) {
      return new Answer<>(Verdict.MATCHES, value, "", null);
    }

    static <T> Answer<T> empty() {
      return new Answer<>(Verdict.EMPTY, null, "the answer has no body", null);
    }

    static <T> Answer<T> contradicts(String detail) {
      return new Answer<>(Verdict.CONTRADICTS, null, detail, null);
    }

    static <T> Answer<T> unreadable(String detail, @Nullable Throwable cause) {
      return new Answer<>(Verdict.UNREADABLE, null, detail, cause);
    }
  }
}

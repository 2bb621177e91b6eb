package dev.onceonly;

import dev.onceonly.internal.ApiBodies;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A request to any endpoint of the API, for {@link PaymentsClient#execute(ApiRequest, Class)}:
 * the endpoints the SDK has no typed service for (refunds, payouts...), sent through the same
 * engine as a transfer create. A {@code POST} is an idempotent operation: one key, the same body
 * bytes on every attempt, polling, recovery, the journal, and truthful outcomes. A {@code GET}
 * is a safe read, retried on transient failures.
 *
 * <pre>{@code
 * record RefundCreate(String transfer_id, Money amount) {}
 *
 * Refund refund = client.execute(
 *     ApiRequest.post("/refunds").body(new RefundCreate(transferId, Money.of("USD", "10.00"))).build(),
 *     Refund.class);
 * }</pre>
 *
 * <p>The body is serialised once, when the request is built, with Moshi: records and plain classes
 * by their fields, {@link java.math.BigDecimal} as a decimal string (never a binary floating point
 * number near money), {@link java.time.Instant} as ISO-8601, {@link Money} as
 * {@code {"currency", "value"}}, nulls left out. Or give the JSON bytes yourself with
 * {@link Builder#rawBody(byte[])}. Either way, every attempt sends exactly those bytes.
 *
 * <p>Immutable and thread-safe; a request may be executed more than once (each execution is its
 * own operation, with its own key unless the options give one).
 */
public final class ApiRequest {

  /** Headers the client sets itself; a request may not set them. */
  private static final Set<String> RESERVED_HEADERS = Set.of(
      "authorization", "content-type", "content-length", "host", "transfer-encoding", "connection",
      "accept-encoding", "te", "upgrade", "expect", "cookie", "proxy-authorization");

  private final String method;
  private final String path;
  private final Map<String, String> query;
  private final Map<String, String> headers;
  private final byte @Nullable [] body;
  private final RequestOptions options;

  private ApiRequest(Builder builder, byte @Nullable [] body) {
    this.method = builder.method;
    this.path = builder.path;
    this.query = Collections.unmodifiableMap(new LinkedHashMap<>(builder.query));
    this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(builder.headers));
    this.body = body;
    this.options = builder.options;
  }

  /**
   * A {@code POST} to {@code path}, an idempotent operation.
   *
   * @param path beneath the client's base URL, such as {@code /refunds} or {@code refunds}:
   *     segments of URL path characters ({@code %}-escapes allowed), no query (see
   *     {@link Builder#query}), no {@code .} or {@code ..} segments, no scheme or host
   * @throws IllegalArgumentException naming {@code path} if it is not such a path
   */
  public static Builder post(String path) {
    return new Builder("POST", path);
  }

  /**
   * A {@code GET} of {@code path}, a safe read.
   *
   * @throws IllegalArgumentException naming {@code path} if it is not a path as {@link #post} says
   */
  public static Builder get(String path) {
    return new Builder("GET", path);
  }

  /** {@code GET} or {@code POST}. */
  public String method() {
    return method;
  }

  /** The path, with one leading {@code /}, such as {@code /refunds}. */
  public String path() {
    return path;
  }

  /** The query parameters, in order, not yet encoded. */
  public Map<String, String> query() {
    return query;
  }

  /** The request's own headers, in order. */
  public Map<String, String> headers() {
    return headers;
  }

  /** A copy of the body bytes, if the request has a body. */
  public Optional<byte[]> body() {
    return body == null ? Optional.empty() : Optional.of(body.clone());
  }

  /** The per-call options: the idempotency key, when it was first used, a reference. */
  public RequestOptions options() {
    return options;
  }

  /** The method and the path, for logs and the journal: never the body or the headers. */
  @Override
  public String toString() {
    return method + " " + path;
  }

  /** Builds an {@link ApiRequest}; each setter checks its argument at once, naming it. Not thread-safe. */
  public static final class Builder {
    private final String method;
    private final String path;
    private final Map<String, String> query = new LinkedHashMap<>();
    private final Map<String, String> headers = new LinkedHashMap<>();
    private @Nullable Object body;
    private byte @Nullable [] rawBody;
    private RequestOptions options = RequestOptions.none();

    private Builder(String method, String path) {
      this.method = method;
      this.path = checkPath(path);
    }

    /**
     * The body, serialised with Moshi when {@link #build()} runs (records, maps, lists, strings,
     * numbers; {@code BigDecimal} as a decimal string). Only for a {@code POST}.
     *
     * @throws IllegalArgumentException naming {@code body} on a {@code GET}
     */
    public Builder body(Object body) {
      Objects.requireNonNull(body, "body");
      requirePost("body");
      this.body = body;
      this.rawBody = null;
      return this;
    }

    /**
     * The body as JSON bytes, sent exactly as given (copied now). Only for a {@code POST}.
     *
     * @throws IllegalArgumentException naming {@code rawBody} if it is not one JSON value, or on a {@code GET}
     */
    public Builder rawBody(byte[] json) {
      Objects.requireNonNull(json, "rawBody");
      requirePost("rawBody");
      ApiBodies.checkJson(json, "rawBody");
      this.rawBody = json.clone();
      this.body = null;
      return this;
    }

    /**
     * A query parameter, URL-encoded when sent, such as {@code limit=10}. A name given twice
     * keeps its last value.
     */
    public Builder query(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      if (name.isEmpty()) {
        throw new IllegalArgumentException("query name must not be empty");
      }
      query.put(name, value);
      return this;
    }

    /**
     * A header to send with every attempt, such as an API version ({@code Stripe-Version},
     * {@code GoCardless-Version}). The client sets {@code Authorization}, {@code Content-Type},
     * {@code Accept} unless given here, and the idempotency key's header itself: those it
     * reserves cannot be set.
     *
     * @throws IllegalArgumentException naming the header if its name is not a header name, its
     *     value has a line break or control character, or the client reserves it
     */
    public Builder header(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      if (name.isEmpty() || !isToken(name)) {
        throw new IllegalArgumentException("header name must be an HTTP header name, was \"" + name + "\"");
      }
      if (RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException("header " + name + " is set by the client and cannot be set on a request");
      }
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if ((c < 0x20 && c != '\t') || c == 0x7f) {
          throw new IllegalArgumentException("header " + name + " must not contain control characters (at index " + i
              + ")");
        }
      }
      headers.put(name, value);
      return this;
    }

    /**
     * The per-call options: an idempotency key of your own (stored before the call, to resume
     * after a restart), when it was first used, a reference for the journal. Default
     * {@link RequestOptions#none()}: a key minted per execution.
     *
     * @throws IllegalArgumentException naming {@code options} if a {@code GET} is given a key
     */
    public Builder options(RequestOptions options) {
      Objects.requireNonNull(options, "options");
      if (method.equals("GET") && (options.idempotencyKey().isPresent() || options.reference().isPresent())) {
        throw new IllegalArgumentException("options: a GET is a safe read and sends no idempotency key or reference");
      }
      this.options = options;
      return this;
    }

    /**
     * Builds the request, serialising the body given to {@link #body(Object)} now.
     *
     * @throws IllegalArgumentException naming {@code body} if Moshi cannot serialise it
     */
    public ApiRequest build() {
      byte[] bytes = rawBody;
      if (body != null) {
        bytes = ApiBodies.encode(body);
      }
      return new ApiRequest(this, bytes);
    }

    private void requirePost(String what) {
      if (!method.equals("POST")) {
        throw new IllegalArgumentException(what + ": a " + method + " request has no body");
      }
    }

    private static String checkPath(String path) {
      Objects.requireNonNull(path, "path");
      String p = path.startsWith("/") ? path.substring(1) : path;
      if (p.isEmpty()) {
        throw new IllegalArgumentException("path must name an endpoint beneath the base URL, was \"" + path + "\"");
      }
      for (int i = 0; i < p.length(); i++) {
        char c = p.charAt(i);
        boolean pchar = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
            || "-._~!$&'()*+,;=:@/".indexOf(c) >= 0;
        if (c == '%') {
          if (i + 2 >= p.length() || Character.digit(p.charAt(i + 1), 16) < 0 || Character.digit(p.charAt(i + 2), 16) < 0) {
            throw new IllegalArgumentException("path has a % that is not an escape (at index " + i + "): \"" + path + "\"");
          }
          continue;
        }
        if (!pchar) {
          throw new IllegalArgumentException("path must be URL path characters without a query, fragment or spaces"
              + " (use query(name, value) for a query), bad character at index " + i + ": \"" + path + "\"");
        }
      }
      if (p.startsWith("/")) {
        throw new IllegalArgumentException("path must be beneath the base URL, not another host: \"" + path + "\"");
      }
      for (String segment : p.split("/", -1)) {
        if (segment.equals(".") || segment.equals("..")) {
          throw new IllegalArgumentException("path must not have . or .. segments: \"" + path + "\"");
        }
      }
      if (p.contains("//")) {
        throw new IllegalArgumentException("path must not have empty segments: \"" + path + "\"");
      }
      if (p.indexOf(':') >= 0 && p.indexOf(':') < (p.indexOf('/') < 0 ? p.length() : p.indexOf('/'))) {
        // "https:..." or "mailto:..." would be read as a scheme: a path's first segment has no colon
        throw new IllegalArgumentException("path's first segment must not contain ':' (it would read as a scheme): \""
            + path + "\"");
      }
      return "/" + p;
    }

    private static boolean isToken(String name) {
      for (int i = 0; i < name.length(); i++) {
        char c = name.charAt(i);
        boolean token = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
            || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
        if (!token) {
          return false;
        }
      }
      return true;
    }
  }
}

package dev.onceonly;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Per-call options. Immutable and thread-safe.
 *
 * <p>Supply your own {@code Idempotency-Key} when the operation must survive a restart of your
 * process: store the key (and when you first sent it) before calling {@code create}, and on
 * resume call again with the same key and the same parameters. Without one, the client mints a
 * random UUID per operation.
 */
public final class RequestOptions {

  /** MangoPay's rule, shared by the servers this SDK speaks to: 16 to 36 of A-Z a-z 0-9 -. */
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9-]{16,36}");
  private static final RequestOptions NONE = new Builder().build();

  private final @Nullable String idempotencyKey;
  private final @Nullable Instant keyFirstUsedAt;
  private final @Nullable String reference;
  private final @Nullable RetryPolicy retryPolicy;
  private final @Nullable Duration attemptTimeout;
  private final Map<String, String> headers;

  private RequestOptions(Builder builder) {
    this.idempotencyKey = builder.idempotencyKey;
    this.keyFirstUsedAt = builder.keyFirstUsedAt;
    this.reference = builder.reference;
    this.retryPolicy = builder.retryPolicy;
    this.attemptTimeout = builder.attemptTimeout;
    this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(builder.headers));
  }

  /** The headers the SDK sets itself, which {@link Builder#header} refuses. */
  static final java.util.Set<String> SDK_HEADERS = java.util.Set.of(
      "authorization", "idempotency-key", "content-type", "content-length", "accept", "user-agent", "host",
      "transfer-encoding", "connection");

  /** No options: the client mints the key. */
  public static RequestOptions none() {
    return NONE;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The caller's key, if one was given. */
  public Optional<String> idempotencyKey() {
    return Optional.ofNullable(idempotencyKey);
  }

  /** When the caller's key was first sent, if the caller knows (for resuming after a restart). */
  public Optional<Instant> keyFirstUsedAt() {
    return Optional.ofNullable(keyFirstUsedAt);
  }

  /** The retry policy for this call instead of the client's, if one was given. */
  public Optional<RetryPolicy> retryPolicy() {
    return Optional.ofNullable(retryPolicy);
  }

  /** The most one request of this call may take, instead of the policy's, if one was given. */
  public Optional<Duration> attemptTimeout() {
    return Optional.ofNullable(attemptTimeout);
  }

  /** Extra headers sent with every request of this call, in order; unmodifiable. */
  public Map<String, String> headers() {
    return headers;
  }

  /**
   * These options with {@code defaults} filling what these leave unset (headers: the defaults',
   * then these, a name given here replacing the default's).
   */
  public RequestOptions withDefaults(RequestOptions defaults) {
    Objects.requireNonNull(defaults, "defaults");
    if (defaults == NONE) {
      return this;
    }
    Builder b = new Builder();
    b.idempotencyKey = idempotencyKey != null ? idempotencyKey : defaults.idempotencyKey;
    b.keyFirstUsedAt = keyFirstUsedAt != null ? keyFirstUsedAt : defaults.keyFirstUsedAt;
    b.reference = reference != null ? reference : defaults.reference;
    b.retryPolicy = retryPolicy != null ? retryPolicy : defaults.retryPolicy;
    b.attemptTimeout = attemptTimeout != null ? attemptTimeout : defaults.attemptTimeout;
    defaults.headers.forEach(b.headers::put);
    headers.forEach((name, value) -> {
      b.headers.keySet().removeIf(existing -> existing.equalsIgnoreCase(name));
      b.headers.put(name, value);
    });
    return new RequestOptions(b);
  }

  /** The caller's own reference for the operation, if one was given. */
  public Optional<String> reference() {
    return Optional.ofNullable(reference);
  }

  @Override
  public String toString() {
    return "RequestOptions{idempotencyKey=" + idempotencyKey + ", keyFirstUsedAt=" + keyFirstUsedAt
        + ", reference=" + reference + ", retryPolicy=" + retryPolicy + ", attemptTimeout=" + attemptTimeout
        + ", headers=" + headers.keySet() + '}';
  }

  /** Builds {@link RequestOptions}; each setter validates its argument at once. */
  public static final class Builder {
    private @Nullable String idempotencyKey;
    private @Nullable Instant keyFirstUsedAt;
    private @Nullable String reference;
    private @Nullable RetryPolicy retryPolicy;
    private @Nullable Duration attemptTimeout;
    private final Map<String, String> headers = new LinkedHashMap<>();

    private Builder() {}

    /** This call's retry policy, instead of the client's. */
    public Builder retryPolicy(RetryPolicy retryPolicy) {
      this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
      return this;
    }

    /**
     * The most one request of this call may take as a whole, instead of the policy's
     * {@code attemptTimeout}; each request is still cut at the operation's deadline.
     *
     * @throws IllegalArgumentException if not positive, or longer than {@link RetryPolicy#MAX_DURATION}
     */
    public Builder attemptTimeout(Duration attemptTimeout) {
      Objects.requireNonNull(attemptTimeout, "attemptTimeout");
      if (attemptTimeout.isNegative() || attemptTimeout.isZero()) {
        throw new IllegalArgumentException("attemptTimeout must be positive, was: " + attemptTimeout);
      }
      if (attemptTimeout.compareTo(RetryPolicy.MAX_DURATION) > 0) {
        throw new IllegalArgumentException("attemptTimeout must be at most 365 days, was: " + attemptTimeout);
      }
      this.attemptTimeout = attemptTimeout;
      return this;
    }

    /**
     * A header sent with every request of this call (a tracing id, an API version). A later call
     * with the same name (in any case) replaces it. The SDK's own headers ({@code Authorization},
     * {@code Idempotency-Key}, {@code Content-Type}, {@code Accept}, {@code User-Agent} and the
     * connection's) are refused: the SDK sets them, and changing them would break idempotency or
     * leak the token. The value is never put in a message.
     *
     * @throws IllegalArgumentException if the name is not an HTTP token, is one of the SDK's own,
     *     or the value has a line break or other control character
     */
    public Builder header(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      if (name.isEmpty() || !name.chars().allMatch(c -> c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0)) {
        throw new IllegalArgumentException("header name must be an HTTP token, was: \"" + name + "\"");
      }
      if (SDK_HEADERS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
        throw new IllegalArgumentException("header " + name + " is set by the SDK itself and cannot be overridden");
      }
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if ((c < 32 && c != '\t') || c == 127) {
          throw new IllegalArgumentException("header " + name + " has a control character in its value (at index " + i + ")");
        }
      }
      headers.keySet().removeIf(existing -> existing.equalsIgnoreCase(name));
      headers.put(name, value);
      return this;
    }

    /**
     * The {@code Idempotency-Key} to send, verbatim: 16 to 36 characters of {@code A-Z a-z 0-9 -}.
     * A UUID fits, whatever the client's {@link IdempotencyProfile}. For a key of another shape
     * that the client's profile takes, see {@link #idempotencyKey(String, IdempotencyProfile)}.
     *
     * @throws IllegalArgumentException if the key breaks that rule
     */
    public Builder idempotencyKey(String idempotencyKey) {
      Objects.requireNonNull(idempotencyKey, "idempotencyKey");
      if (!KEY.matcher(idempotencyKey).matches()) {
        throw new IllegalArgumentException(
            "idempotencyKey must be 16 to 36 characters of A-Z, a-z, 0-9 and '-', was "
                + idempotencyKey.length() + " characters: \"" + idempotencyKey + "\"");
      }
      this.idempotencyKey = idempotencyKey;
      return this;
    }

    /**
     * The key to send, verbatim, checked at once against {@code profile}'s key rules rather than
     * the protocol's 16 to 36 characters: for a client on that profile whose API takes other keys
     * (Stripe's up to 255 characters, Adyen's up to 64). The client checks every key against its
     * own profile again before anything is sent.
     *
     * @throws IllegalArgumentException naming the key and the profile, if the key breaks its rules
     */
    public Builder idempotencyKey(String idempotencyKey, IdempotencyProfile profile) {
      Objects.requireNonNull(idempotencyKey, "idempotencyKey");
      Objects.requireNonNull(profile, "profile");
      this.idempotencyKey = profile.checkKey(idempotencyKey);
      return this;
    }

    /**
     * When this key was first sent, by this or an earlier process. The client uses it to refuse
     * a key whose window has closed rather than let it create a second transfer. Within one
     * process the client remembers this by itself for every operation that ended in an exception.
     */
    public Builder keyFirstUsedAt(Instant keyFirstUsedAt) {
      this.keyFirstUsedAt = Objects.requireNonNull(keyFirstUsedAt, "keyFirstUsedAt");
      return this;
    }

    /**
     * Your own identifier for this operation (a job, order or invoice id), stored with the
     * operation in the journal. After a crash, {@code client.operations().find(reference)} tells
     * what became of it, without your having stored the key: settled (with the transfer), still
     * pending, or never sent. 1 to 255 characters, no control characters. Not sent to the server.
     *
     * @throws IllegalArgumentException if it is empty, longer than 255 characters or has control characters
     */
    public Builder reference(String reference) {
      Objects.requireNonNull(reference, "reference");
      if (reference.isEmpty() || reference.length() > 255) {
        throw new IllegalArgumentException("reference must be 1 to 255 characters, was " + reference.length());
      }
      for (int i = 0; i < reference.length(); i++) {
        if (Character.isISOControl(reference.charAt(i))) {
          throw new IllegalArgumentException("reference must not contain control characters (at index " + i + ")");
        }
      }
      this.reference = reference;
      return this;
    }

    /** @throws IllegalArgumentException if {@code keyFirstUsedAt} is set without a key */
    public RequestOptions build() {
      if (keyFirstUsedAt != null && idempotencyKey == null) {
        throw new IllegalArgumentException("keyFirstUsedAt needs an idempotencyKey");
      }
      return new RequestOptions(this);
    }
  }
}

package dev.onceonly.transfers;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What {@link TransferService#list} looks for: transfers whose metadata has every given value
 * (such as the {@code invoice} you stored with a create whose outcome you never learned), read
 * in pages of {@link #limit()}, newest first. Immutable and thread-safe.
 *
 * <pre>{@code
 * TransferListParams byInvoice = TransferListParams.builder().metadata("invoice", "INV-42").limit(10).build();
 * }</pre>
 */
public final class TransferListParams {

  /** The page size when none is given. */
  public static final int DEFAULT_LIMIT = 10;
  /** The largest page size. */
  public static final int MAX_LIMIT = 100;

  private final Map<String, String> metadata;
  private final int limit;
  private final @Nullable String startingAfter;

  private TransferListParams(Builder builder) {
    this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(builder.metadata));
    this.limit = builder.limit;
    this.startingAfter = builder.startingAfter;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The metadata every transfer listed has, name to value; empty lists every transfer. */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** How many transfers one page (one request) holds: 1 to {@value #MAX_LIMIT}. */
  public int limit() {
    return limit;
  }

  /** The id of the transfer after which the listing starts (newest first), if one was given. */
  public Optional<String> startingAfter() {
    return Optional.ofNullable(startingAfter);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TransferListParams p && metadata.equals(p.metadata) && limit == p.limit
        && Objects.equals(startingAfter, p.startingAfter);
  }

  @Override
  public int hashCode() {
    return Objects.hash(metadata, limit, startingAfter);
  }

  @Override
  public String toString() {
    return "TransferListParams{metadata=" + metadata + ", limit=" + limit
        + (startingAfter == null ? "" : ", startingAfter=" + startingAfter) + '}';
  }

  /** Builds {@link TransferListParams}; each setter checks its argument at once, naming it. */
  public static final class Builder {
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private int limit = DEFAULT_LIMIT;
    private @Nullable String startingAfter;

    private Builder() {}

    /**
     * Lists only transfers whose metadata has {@code name} set to {@code value}; given for
     * several names, a transfer must have them all. The name is 1 to 255 characters without
     * brackets or control characters (it is sent as {@code metadata[name]}); the value up to 500.
     */
    public Builder metadata(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      if (name.isEmpty() || name.length() > 255) {
        throw new IllegalArgumentException("metadata name must be 1 to 255 characters, was " + name.length());
      }
      if (value.length() > 500) {
        throw new IllegalArgumentException("metadata value must be at most 500 characters, was " + value.length());
      }
      for (int i = 0; i < name.length(); i++) {
        char c = name.charAt(i);
        if (c == '[' || c == ']' || Character.isISOControl(c)) {
          throw new IllegalArgumentException("metadata name must not contain brackets or control characters (at index "
              + i + ")");
        }
      }
      metadata.put(name, value);
      return this;
    }

    /** How many transfers a page holds, 1 to {@value #MAX_LIMIT}; default {@value #DEFAULT_LIMIT}. */
    public Builder limit(int limit) {
      if (limit < 1 || limit > MAX_LIMIT) {
        throw new IllegalArgumentException("limit must be from 1 to " + MAX_LIMIT + ", was: " + limit);
      }
      this.limit = limit;
      return this;
    }

    /** Starts the listing after the transfer with this id (newest first), as the next page would. */
    public Builder startingAfter(String transferId) {
      Objects.requireNonNull(transferId, "startingAfter");
      if (transferId.isBlank()) {
        throw new IllegalArgumentException("startingAfter must not be blank");
      }
      this.startingAfter = transferId;
      return this;
    }

    public TransferListParams build() {
      return new TransferListParams(this);
    }
  }
}

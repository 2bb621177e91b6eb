package dev.onceonly.transfers;

import dev.onceonly.Money;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What to transfer: from a funding source to a destination, an amount, and optional metadata.
 * Immutable and thread-safe; metadata keeps the order it was added in, so the same parameters
 * always serialise to the same bytes.
 */
public final class TransferCreateParams {

  private final String source;
  private final String destination;
  private final Money amount;
  private final Map<String, String> metadata;

  private TransferCreateParams(Builder builder) {
    this.source = builder.source;
    this.destination = builder.destination;
    this.amount = builder.amount;
    this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(builder.metadata));
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The funding source's URL. */
  public String source() {
    return source;
  }

  /** The destination's URL. */
  public String destination() {
    return destination;
  }

  public Money amount() {
    return amount;
  }

  /** Metadata in insertion order; unmodifiable. */
  public Map<String, String> metadata() {
    return metadata;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TransferCreateParams p
        && source.equals(p.source)
        && destination.equals(p.destination)
        && amount.equals(p.amount)
        && metadata.equals(p.metadata);
  }

  @Override
  public int hashCode() {
    return Objects.hash(source, destination, amount, metadata);
  }

  @Override
  public String toString() {
    return "TransferCreateParams{source=" + source + ", destination=" + destination
        + ", amount=" + amount + ", metadata keys=" + metadata.keySet() + '}';
  }

  /** Builds {@link TransferCreateParams}; source, destination and amount are required. */
  public static final class Builder {
    private @Nullable String source;
    private @Nullable String destination;
    private @Nullable Money amount;
    private final Map<String, String> metadata = new LinkedHashMap<>();

    private Builder() {}

    /** The funding source's absolute http(s) URL. */
    public Builder source(String href) {
      this.source = absoluteUrl(href, "source");
      return this;
    }

    /** The destination's absolute http(s) URL. */
    public Builder destination(String href) {
      this.destination = absoluteUrl(href, "destination");
      return this;
    }

    public Builder amount(Money amount) {
      this.amount = Objects.requireNonNull(amount, "amount");
      return this;
    }

    /** Adds one metadata entry; a key given twice keeps the last value. */
    public Builder metadata(String key, String value) {
      Objects.requireNonNull(key, "metadata key");
      Objects.requireNonNull(value, "metadata value");
      if (key.isBlank()) {
        throw new IllegalArgumentException("metadata key must not be blank");
      }
      metadata.put(key, value);
      return this;
    }

    /** @throws IllegalArgumentException naming the first required field that is missing */
    public TransferCreateParams build() {
      if (source == null) {
        throw new IllegalArgumentException("source is required");
      }
      if (destination == null) {
        throw new IllegalArgumentException("destination is required");
      }
      if (amount == null) {
        throw new IllegalArgumentException("amount is required");
      }
      return new TransferCreateParams(this);
    }

    private static String absoluteUrl(String href, String name) {
      Objects.requireNonNull(href, name);
      try {
        URI uri = new URI(href);
        String scheme = uri.getScheme();
        if (("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) && uri.getHost() != null) {
          return href;
        }
      } catch (URISyntaxException e) {
        // reported below
      }
      throw new IllegalArgumentException(name + " must be an absolute http(s) URL, was: \"" + href + "\"");
    }
  }
}

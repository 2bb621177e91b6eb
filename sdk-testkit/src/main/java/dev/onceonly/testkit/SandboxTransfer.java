package dev.onceonly.testkit;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A transfer the sandbox created, as a test or demo sees it through
 * {@link RunningSandbox#transfers()}.
 *
 * @param id the transfer's id, a random UUID
 * @param currency the three-letter currency code, as sent
 * @param value the amount as the decimal string that was sent, such as {@code "1337.00"}
 * @param created when the transfer was created, by the sandbox's clock, in milliseconds
 * @param metadata the metadata that was sent; empty if none
 * @param source the source funding-source URL
 * @param destination the destination funding-source URL
 */
public record SandboxTransfer(
    String id,
    String currency,
    String value,
    Instant created,
    Map<String, String> metadata,
    String source,
    String destination) {

  /** The metadata key by which a client names its logical operation. */
  public static final String OPERATION_ID = "operation_id";

  public SandboxTransfer {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(currency, "currency");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(created, "created");
    // Kept in the client's order, so the transfer reads back as it was sent.
    metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(destination, "destination");
  }

  /** The client's operation id, {@code metadata.operation_id}, if it sent one. */
  public Optional<String> operationId() {
    return Optional.ofNullable(metadata.get(OPERATION_ID));
  }
}

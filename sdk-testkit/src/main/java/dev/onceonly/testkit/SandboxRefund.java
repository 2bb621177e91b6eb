package dev.onceonly.testkit;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A refund the sandbox created ({@code POST /refunds}), as a test or demo sees it through
 * {@link RunningSandbox#refunds()}.
 *
 * @param id the refund's id, {@code re_} and a random UUID
 * @param transferId the transfer refunded
 * @param currency the three-letter currency code, as sent
 * @param value the amount as the decimal string that was sent
 * @param created when the refund was created, by the sandbox's clock, in milliseconds
 * @param metadata the metadata that was sent; empty if none
 */
public record SandboxRefund(
    String id, String transferId, String currency, String value, Instant created, Map<String, String> metadata) {

  public SandboxRefund {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(transferId, "transferId");
    Objects.requireNonNull(currency, "currency");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(created, "created");
    metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
  }

  /** The client's operation id, {@code metadata.operation_id}, if it sent one. */
  public Optional<String> operationId() {
    return Optional.ofNullable(metadata.get(SandboxTransfer.OPERATION_ID));
  }
}

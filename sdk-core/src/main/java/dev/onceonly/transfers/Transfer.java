package dev.onceonly.transfers;

import dev.onceonly.Money;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A transfer as the server reports it.
 *
 * @param id the server's id
 * @param status the state; {@link TransferStatus#UNKNOWN} for a value this SDK does not know
 * @param amount the amount moved
 * @param created when the server created it
 * @param metadata the caller's metadata, never {@code null}
 * @param sourceHref the {@code _links.source.href}, if the server sent it
 * @param destinationHref the {@code _links.destination.href}, if the server sent it
 */
public record Transfer(
    String id,
    TransferStatus status,
    Money amount,
    Instant created,
    Map<String, String> metadata,
    @Nullable String sourceHref,
    @Nullable String destinationHref) {

  public Transfer {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(amount, "amount");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(metadata, "metadata");
    // Keeps the server's order, so what a caller prints matches what it sent.
    metadata = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metadata));
  }
}

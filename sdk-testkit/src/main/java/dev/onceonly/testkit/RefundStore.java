package dev.onceonly.testkit;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentMap;

/**
 * The refunds created, in creation order, and how many were created per client operation id
 * ({@code metadata.operation_id}): two refunds with one operation id are a duplicate. Thread-safe.
 */
final class RefundStore {

  private final ConcurrentMap<String, SandboxRefund> byId = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<SandboxRefund> inOrder = new ConcurrentLinkedQueue<>();
  private final ConcurrentMap<String, Integer> creationsByOperation = new ConcurrentHashMap<>();

  void add(SandboxRefund refund) {
    byId.put(refund.id(), refund);
    inOrder.add(refund);
    refund.operationId().ifPresent(operation -> creationsByOperation.merge(operation, 1, Integer::sum));
  }

  Optional<SandboxRefund> get(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  List<SandboxRefund> all() {
    return List.copyOf(inOrder);
  }

  /** What has been refunded of a transfer so far. */
  BigDecimal refundedOf(String transferId) {
    return inOrder.stream().filter(r -> r.transferId().equals(transferId))
        .map(r -> new BigDecimal(r.value())).reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  /** The operation ids with more than one refund, with their counts, sorted by id. */
  Map<String, Integer> duplicatedOperations() {
    Map<String, Integer> duplicated = new TreeMap<>();
    creationsByOperation.forEach((operation, count) -> {
      if (count > 1) {
        duplicated.put(operation, count);
      }
    });
    return duplicated;
  }
}

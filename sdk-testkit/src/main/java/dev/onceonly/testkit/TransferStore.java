package dev.onceonly.testkit;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentMap;

/**
 * The transfers created, in creation order, and how many were created per client operation id
 * ({@code metadata.operation_id}): two transfers with one operation id are the duplicate that
 * idempotency exists to prevent. Operation ids are counted across all clients. Thread-safe.
 */
final class TransferStore {

  private final ConcurrentMap<String, SandboxTransfer> byId = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<SandboxTransfer> inOrder = new ConcurrentLinkedQueue<>();
  private final ConcurrentMap<String, Integer> creationsByOperation = new ConcurrentHashMap<>();

  /**
   * Adds a transfer.
   *
   * @return whether an earlier transfer had the same operation id
   */
  boolean add(SandboxTransfer transfer) {
    byId.put(transfer.id(), transfer);
    inOrder.add(transfer);
    return transfer.operationId()
        .map(operation -> creationsByOperation.merge(operation, 1, Integer::sum) > 1)
        .orElse(false);
  }

  Optional<SandboxTransfer> get(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  List<SandboxTransfer> all() {
    return List.copyOf(inOrder);
  }

  int count() {
    return byId.size();
  }

  List<SandboxTransfer> withOperationId(String operationId) {
    return inOrder.stream()
        .filter(transfer -> transfer.operationId().filter(operationId::equals).isPresent())
        .toList();
  }

  /** One page of a listing, newest first, and whether more follow. */
  record Page(List<SandboxTransfer> data, boolean hasMore) {}

  /**
   * The transfers whose metadata has every entry of {@code metadata}, newest first, starting after
   * the transfer {@code startingAfter} (an unknown id starts nowhere: an empty page), at most
   * {@code limit} of them.
   */
  Page list(Map<String, String> metadata, int limit, @org.jspecify.annotations.Nullable String startingAfter) {
    List<SandboxTransfer> newestFirst = new java.util.ArrayList<>(all());
    java.util.Collections.reverse(newestFirst);
    int from = 0;
    if (startingAfter != null) {
      from = -1;
      for (int i = 0; i < newestFirst.size(); i++) {
        if (newestFirst.get(i).id().equals(startingAfter)) {
          from = i + 1;
          break;
        }
      }
      if (from < 0) {
        return new Page(List.of(), false);
      }
    }
    List<SandboxTransfer> page = new java.util.ArrayList<>();
    boolean more = false;
    for (int i = from; i < newestFirst.size(); i++) {
      SandboxTransfer t = newestFirst.get(i);
      if (!t.metadata().entrySet().containsAll(metadata.entrySet())) {
        continue;
      }
      if (page.size() == limit) {
        more = true;
        break;
      }
      page.add(t);
    }
    return new Page(List.copyOf(page), more);
  }

  /** The operation ids with more than one transfer, with their counts, sorted by id. */
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

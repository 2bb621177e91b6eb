package dev.onceonly.testkit;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of the sandbox's counters, also served as JSON by {@code GET /_sandbox/stats}.
 *
 * <p>Each counter is exact, but the snapshot is not atomic across counters: taken while requests
 * run, two counters may be a request apart. Answers are counted when the sandbox decides them,
 * so an answer lost to a fault still counts.
 *
 * @param requests requests to the API routes (the {@code /_sandbox} routes are not counted)
 * @param posts {@code POST /transfers} requests
 * @param transfersCreated transfers created
 * @param duplicateCreations transfers created with a {@code metadata.operation_id} that an
 *     earlier transfer already had: the same logical operation performed twice
 * @param replays stored answers sent again to a repeated key
 * @param conflicts {@code 409} answers to a repeated key (in progress, or MangoPay's conflict)
 * @param keyMismatches repeated keys that came with another body
 * @param responsesLookups {@code GET /responses/{key}} requests
 * @param responsesFound of those, the ones answered with a stored response
 * @param faults faults injected, by kind; every kind is present
 */
public record SandboxStats(
    long requests,
    long posts,
    long transfersCreated,
    long duplicateCreations,
    long replays,
    long conflicts,
    long keyMismatches,
    long responsesLookups,
    long responsesFound,
    Map<FaultKind, Long> faults) {

  public SandboxStats {
    Objects.requireNonNull(faults, "faults");
    EnumMap<FaultKind, Long> all = new EnumMap<>(FaultKind.class);
    for (FaultKind kind : FaultKind.values()) {
      all.put(kind, faults.getOrDefault(kind, 0L));
    }
    faults = Collections.unmodifiableMap(all); // a copy, kept in FaultKind order
  }

  /** The number of faults of {@code kind} injected. */
  public long faults(FaultKind kind) {
    return faults.get(kind);
  }

  /** The number of faults injected, of all kinds. */
  public long totalFaults() {
    return faults.values().stream().mapToLong(Long::longValue).sum();
  }
}

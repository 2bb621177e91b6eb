package dev.onceonly.testkit;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** The sandbox's counters; thread-safe and cheap under contention. */
final class Counters {

  final LongAdder requests = new LongAdder();
  final LongAdder posts = new LongAdder();
  final LongAdder transfersCreated = new LongAdder();
  final LongAdder duplicateCreations = new LongAdder();
  final LongAdder replays = new LongAdder();
  final LongAdder conflicts = new LongAdder();
  final LongAdder keyMismatches = new LongAdder();
  final LongAdder responsesLookups = new LongAdder();
  final LongAdder responsesFound = new LongAdder();
  private final Map<FaultKind, LongAdder> faults = new EnumMap<>(FaultKind.class);

  Counters() {
    for (FaultKind kind : FaultKind.values()) {
      faults.put(kind, new LongAdder()); // filled once here, only read after: safe to share
    }
  }

  void fault(FaultKind kind) {
    faults.get(kind).increment();
  }

  SandboxStats snapshot() {
    Map<FaultKind, Long> faultCounts = new EnumMap<>(FaultKind.class);
    faults.forEach((kind, count) -> faultCounts.put(kind, count.sum()));
    return new SandboxStats(requests.sum(), posts.sum(), transfersCreated.sum(),
        duplicateCreations.sum(), replays.sum(), conflicts.sum(), keyMismatches.sum(),
        responsesLookups.sum(), responsesFound.sum(), faultCounts);
  }
}

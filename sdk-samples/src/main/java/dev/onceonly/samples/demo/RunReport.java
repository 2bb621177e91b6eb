package dev.onceonly.samples.demo;

import dev.onceonly.testkit.SandboxTransfer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One client's run of a {@link Workload}, judged against the server's own records.
 *
 * <p>The definitions, all per logical create (per {@code metadata.operation_id}):
 * <ul>
 *   <li><b>duplicates</b>: transfers on the server beyond the first of each operation id;
 *   <li><b>lost</b>: creates the client reported as succeeded, or as failed for good, for which
 *       the server has no transfer; and creates that succeeded with a transfer id the server does
 *       not have for that operation;
 *   <li><b>outcome unknown</b>: creates that ended in {@code OutcomeUnknownException}, with how
 *       many of them the server did make;
 *   <li><b>failed</b>: creates that ended in any other exception, with how many of them the
 *       server did make anyway (a failure that is not one).
 * </ul>
 *
 * @param client the client's name
 * @param creates the logical creates asked
 * @param transfersOnServer every transfer on the server at the end of the run
 * @param succeeded creates for which the client returned a transfer
 * @param duplicates transfers beyond the first per operation id
 * @param lost see above
 * @param outcomeUnknown creates that ended in {@code OutcomeUnknownException}
 * @param outcomeUnknownOnServer of those, the ones the server made
 * @param failed creates that ended in another exception
 * @param failedOnServer of those, the ones the server made anyway
 * @param meanAttempts the mean of the requests per create
 * @param maxAttempts the most requests one create made
 * @param recoveredThroughResponses creates whose answer came from {@code GET /responses/{key}}
 * @param p50Nanos the median latency of a create
 * @param p99Nanos the 99th percentile latency of a create
 * @param wallTime how long the whole run took
 * @param examples a few operation ids that went wrong, with what went wrong, for diagnosis
 */
record RunReport(
    String client,
    int creates,
    int transfersOnServer,
    int succeeded,
    int duplicates,
    int lost,
    int outcomeUnknown,
    int outcomeUnknownOnServer,
    int failed,
    int failedOnServer,
    double meanAttempts,
    int maxAttempts,
    int recoveredThroughResponses,
    long p50Nanos,
    long p99Nanos,
    Duration wallTime,
    List<String> examples) {

  private static final int MAX_EXAMPLES = 5;

  RunReport {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(wallTime, "wallTime");
    examples = List.copyOf(examples);
  }

  /** Whether every create happened at most once and none was lost or wrongly reported failed. */
  boolean exactlyOnce() {
    return duplicates == 0 && lost == 0 && failedOnServer == 0;
  }

  /**
   * Judges {@code outcomes} against {@code onServer}, the server's transfers after the run.
   *
   * @param onServer every transfer the server holds (one server per run, so no stranger's)
   */
  static RunReport of(String client, List<Outcome> outcomes, List<SandboxTransfer> onServer, Duration wallTime) {
    Map<String, List<String>> idsByOperation = new HashMap<>();
    for (SandboxTransfer transfer : onServer) {
      String operation = transfer.operationId().orElse("(none)");
      idsByOperation.computeIfAbsent(operation, k -> new ArrayList<>()).add(transfer.id());
    }
    int duplicates = 0;
    for (List<String> ids : idsByOperation.values()) {
      duplicates += ids.size() - 1;
    }
    List<String> examples = new ArrayList<>();
    int succeeded = 0;
    int lost = 0;
    int unknown = 0;
    int unknownOnServer = 0;
    int failed = 0;
    int failedOnServer = 0;
    int recovered = 0;
    long attempts = 0;
    int maxAttempts = 0;
    long[] latencies = new long[outcomes.size()];
    for (int i = 0; i < outcomes.size(); i++) {
      Outcome outcome = outcomes.get(i);
      ClientAnswer answer = outcome.answer();
      List<String> ids = idsByOperation.getOrDefault(outcome.operationId(), List.of());
      if (ids.size() > 1) {
        note(examples, outcome, "made " + ids.size() + " times");
      }
      switch (answer.kind()) {
        case SUCCEEDED -> {
          succeeded++;
          if (!ids.contains(answer.transferId())) {
            lost++;
            note(examples, outcome, "returned " + answer.transferId() + ", which the server does not have");
          }
          if (answer.recoveredThroughResponses()) {
            recovered++;
          }
        }
        case OUTCOME_UNKNOWN -> {
          unknown++;
          if (!ids.isEmpty()) {
            unknownOnServer++;
          }
        }
        case FAILED -> {
          failed++;
          if (ids.isEmpty()) {
            lost++;
            note(examples, outcome, "failed and not made: " + answer.detail());
          } else {
            failedOnServer++;
            note(examples, outcome, "reported failed, yet made: " + answer.detail());
          }
        }
      }
      attempts += answer.attempts();
      maxAttempts = Math.max(maxAttempts, answer.attempts());
      latencies[i] = outcome.latencyNanos();
    }
    Arrays.sort(latencies);
    return new RunReport(client, outcomes.size(), onServer.size(), succeeded, duplicates, lost,
        unknown, unknownOnServer, failed, failedOnServer,
        outcomes.isEmpty() ? 0 : (double) attempts / outcomes.size(), maxAttempts, recovered,
        percentile(latencies, 50), percentile(latencies, 99), wallTime, examples);
  }

  /** The nearest-rank percentile of sorted values; 0 when there are none. */
  static long percentile(long[] sorted, int percent) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  private static void note(List<String> examples, Outcome outcome, String what) {
    if (examples.size() < MAX_EXAMPLES) {
      examples.add(outcome.operationId() + " " + what);
    }
  }
}

package dev.onceonly.samples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.onceonly.OperationResult;
import dev.onceonly.OutcomeUnknownException;
import dev.onceonly.RequestOptions;
import dev.onceonly.testkit.Dialect;
import dev.onceonly.testkit.FaultKind;
import dev.onceonly.testkit.RunningSandbox;
import dev.onceonly.testkit.SandboxServer;
import dev.onceonly.testkit.SandboxStats;
import dev.onceonly.testkit.SandboxTransfer;
import dev.onceonly.transfers.Transfer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The SDK against the sandbox in each dialect, with the demonstration's faults on (20% of
 * answers dropped after the commit, 10% {@code 503} before it, 5% stalled past the read
 * timeout), many creates over 16 threads, real HTTP: every create happens exactly once on the
 * server, none is lost, and every unknown outcome is settled by resuming with its key.
 *
 * <p>One run of 2,000 creates in the full dialect, and 500 in each of the others, to keep the
 * test phase short on a small machine. Nothing here asserts on timings.
 */
final class ExactlyOnceAcrossDialectsTest {

  private static final int THREADS = 16;
  private static final long SEED = 20_261_123L;

  @Test
  void fullDialectTwoThousandCreatesOverSixteenThreads() throws Exception {
    SandboxStats stats = runAndCheck(Dialect.FULL, 2_000).stats();

    assertTrue(stats.replays() > 0, "retries after a lost answer were replayed: " + stats);
  }

  @Test
  void fullDialectFiveHundredCreatesThroughTheAsyncClient() throws Exception {
    SandboxStats stats = runAndCheck(Dialect.FULL, 500, true).stats();

    assertTrue(stats.replays() > 0, "retries after a lost answer were replayed: " + stats);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = Dialect.class, names = {"DWOLLA", "MANGOPAY", "IETF"})
  void everyOtherDialectFiveHundredCreatesOverSixteenThreads(Dialect dialect) throws Exception {
    Checked run = runAndCheck(dialect, 500);
    SandboxStats stats = run.stats();

    if (dialect == Dialect.MANGOPAY) {
      // MangoPay answers every reused key with 409 and serves the answer only by GET /responses.
      assertTrue(stats.conflicts() > 0 && stats.responsesFound() > 0, "recovered through /responses: " + stats);
      assertTrue(run.report().recoveredThroughResponses() > 0, run.report().toString());
      assertEquals(0, stats.replays(), stats.toString());
    } else {
      assertTrue(stats.replays() > 0, "retries after a lost answer were replayed: " + stats);
      assertEquals(0, stats.responsesFound(), "this dialect has no /responses: " + stats);
    }
  }

  /** What the client reported and what the server counted. */
  private record Checked(RunReport report, SandboxStats stats) {}

  /** Runs {@code creates} through the SDK and checks them against the server's records. */
  private static Checked runAndCheck(Dialect dialect, int creates) throws Exception {
    return runAndCheck(dialect, creates, false);
  }

  /** As above; with {@code async}, 16 creates in flight through {@code client.async()} instead of 16 threads. */
  private static Checked runAndCheck(Dialect dialect, int creates, boolean async) throws Exception {
    DemoOptions options = DemoOptions.defaults();
    SandboxServer server = SandboxServer.builder()
        .dialect(dialect)
        .faults(options.faults())
        .seed(SEED)
        .build();
    try (RunningSandbox sandbox = server.start();
        SdkCreateClient client = SdkCreateClient.forDemo(sandbox.baseUrl(), THREADS)) {
      Workload workload = new Workload(creates, THREADS, Clock.systemUTC(), null, Duration.ofSeconds(2));
      List<Outcome> outcomes = async ? workload.runAsync(client, sandbox.baseUrl()) : workload.run(client, sandbox.baseUrl());
      RunReport report = RunReport.of(client.name(), outcomes, sandbox.transfers(), Duration.ZERO);
      String context = dialect + ": " + report;

      assertEquals(creates, report.creates(), context);
      assertEquals(0, report.duplicates(), context);
      assertEquals(0, report.lost(), context);
      assertEquals(0, report.failed(), context);
      assertEquals(report.succeeded() + report.outcomeUnknownOnServer(), report.transfersOnServer(), context);
      assertEquals(0, sandbox.stats().duplicateCreations(), context);
      assertTrue(report.maxAttempts() > 1, "the faults made the SDK retry: " + context);
      SandboxStats stats = sandbox.stats();
      for (FaultKind kind : List.of(FaultKind.DROP, FaultKind.SERVER_ERROR, FaultKind.STALL)) {
        assertTrue(stats.faults(kind) > 0, "the sandbox injected " + kind + ": " + stats);
      }

      settleUnknownOutcomes(client, outcomes, sandbox);

      // Now every create is settled: one transfer per operation, the one the client was given.
      Map<String, List<SandboxTransfer>> byOperation = sandbox.transfers().stream()
          .collect(Collectors.groupingBy(t -> t.operationId().orElseThrow()));
      assertEquals(creates, sandbox.transferCount(), context);
      assertEquals(creates, byOperation.size(), context);
      assertTrue(sandbox.duplicatedOperations().isEmpty(), context);
      for (Outcome outcome : outcomes) {
        if (outcome.kind() == ClientAnswer.Kind.SUCCEEDED) {
          assertEquals(outcome.answer().transferId(), byOperation.get(outcome.operationId()).get(0).id());
        }
      }
      return new Checked(report, stats);
    }
  }

  /**
   * Resumes every unknown outcome as the SDK documents: the same parameters, the same key, and
   * when it was first used. Each must end with the operation's one transfer on the server.
   */
  private static void settleUnknownOutcomes(SdkCreateClient client, List<Outcome> outcomes, RunningSandbox sandbox) {
    for (Outcome outcome : outcomes) {
      if (outcome.kind() != ClientAnswer.Kind.OUTCOME_UNKNOWN) {
        continue;
      }
      RequestOptions resume = RequestOptions.builder()
          .idempotencyKey(outcome.answer().idempotencyKey())
          .keyFirstUsedAt(outcome.startedAt())
          .build();
      Transfer settled = null;
      for (int tries = 0; tries < 5 && settled == null; tries++) { // the faults are still on
        try {
          OperationResult<Transfer> result = client.client().transfers().createWithResult(outcome.params(), resume);
          settled = result.value();
        } catch (OutcomeUnknownException again) {
          // resume once more with the same key
        }
      }
      if (settled == null) {
        fail("could not settle " + outcome.operationId() + " in 5 resumes");
      }
      List<SandboxTransfer> made = sandbox.transfersWithOperationId(outcome.operationId());
      assertEquals(1, made.size(), outcome.operationId());
      assertEquals(made.get(0).id(), settled.id(), outcome.operationId());
    }
  }
}

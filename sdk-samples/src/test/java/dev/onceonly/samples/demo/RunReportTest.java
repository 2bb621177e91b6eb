package dev.onceonly.samples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onceonly.testkit.SandboxTransfer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The definitions of the report, on outcomes and server records made up to hit each case. */
final class RunReportTest {

  private static final String BASE = "http://127.0.0.1:1";
  private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

  private final List<Outcome> outcomes = new ArrayList<>();
  private final List<SandboxTransfer> onServer = new ArrayList<>();

  @Test
  void exactlyOnceWhenEachSucceededCreateHasItsOneTransfer() {
    succeeded(0, "t0", 1);
    succeeded(1, "t1", 3);
    server(0, "t0");
    server(1, "t1");

    RunReport report = report();

    assertEquals(2, report.transfersOnServer());
    assertEquals(0, report.duplicates());
    assertEquals(0, report.lost());
    assertEquals(2.0, report.meanAttempts());
    assertEquals(3, report.maxAttempts());
    assertTrue(report.exactlyOnce());
    assertTrue(report.examples().isEmpty());
  }

  @Test
  void countsEveryTransferBeyondTheFirstOfAnOperationAsDuplicate() {
    succeeded(0, "t0", 3);
    server(0, "a");
    server(0, "b");
    server(0, "t0");

    RunReport report = report();

    assertEquals(3, report.transfersOnServer());
    assertEquals(2, report.duplicates());
    assertEquals(0, report.lost());
    assertFalse(report.exactlyOnce());
    assertEquals(List.of("op-000000 made 3 times"), report.examples());
  }

  @Test
  void successWhoseTransferTheServerLacksIsLost() {
    succeeded(0, "t0", 1);
    succeeded(1, "not-on-server", 1);
    server(0, "t0");

    RunReport report = report();

    assertEquals(1, report.lost());
    assertFalse(report.exactlyOnce());
  }

  @Test
  void successWithAnotherOperationsTransferIdIsLost() {
    succeeded(0, "t1", 1);
    succeeded(1, "t1", 1);
    server(1, "t1");

    assertEquals(1, report().lost());
  }

  @Test
  void definiteFailureIsLostWhenNotMadeAndWronglyReportedWhenMade() {
    failed(0);
    failed(1);
    server(1, "t1");

    RunReport report = report();

    assertEquals(2, report.failed());
    assertEquals(1, report.lost());
    assertEquals(1, report.failedOnServer());
    assertFalse(report.exactlyOnce());
  }

  @Test
  void unknownOutcomeIsNeitherLostNorDuplicateAndSaysWhetherTheServerHasIt() {
    unknown(0);
    unknown(1);
    server(1, "t1");

    RunReport report = report();

    assertEquals(2, report.outcomeUnknown());
    assertEquals(1, report.outcomeUnknownOnServer());
    assertEquals(0, report.lost());
    assertEquals(0, report.duplicates());
    assertTrue(report.exactlyOnce());
  }

  @Test
  void countsCreatesRecoveredThroughResponses() {
    outcomes.add(outcome(0, ClientAnswer.succeeded("t0", "key-0000000000000000", 3, true), 1));
    succeeded(1, "t1", 1);
    server(0, "t0");
    server(1, "t1");

    assertEquals(1, report().recoveredThroughResponses());
  }

  @Test
  void latencyPercentilesAreNearestRank() {
    for (int i = 0; i < 100; i++) {
      outcomes.add(outcome(i, ClientAnswer.succeeded("t" + i, null, 1, false), (i + 1) * 1_000_000L));
      server(i, "t" + i);
    }

    RunReport report = report();

    assertEquals(50_000_000L, report.p50Nanos());
    assertEquals(99_000_000L, report.p99Nanos());
    assertEquals(0, RunReport.percentile(new long[0], 50));
    assertEquals(7, RunReport.percentile(new long[] {7}, 99));
  }

  private RunReport report() {
    return RunReport.of("client", outcomes, onServer, Duration.ofSeconds(1));
  }

  private void succeeded(int index, String transferId, int attempts) {
    outcomes.add(outcome(index, ClientAnswer.succeeded(transferId, null, attempts, false), 1));
  }

  private void failed(int index) {
    outcomes.add(outcome(index, ClientAnswer.failed(null, 6, "gave up"), 1));
  }

  private void unknown(int index) {
    outcomes.add(outcome(index, ClientAnswer.outcomeUnknown("key-000000000000000" + index,
        NOW.plus(Duration.ofHours(24)), 6, "unknown"), 1));
  }

  private static Outcome outcome(int index, ClientAnswer answer, long latencyNanos) {
    String operationId = Workload.operationId(index);
    return new Outcome(operationId, Workload.params(BASE, operationId, index), NOW, answer, latencyNanos);
  }

  private void server(int index, String transferId) {
    onServer.add(new SandboxTransfer(transferId, "USD", "1.00", NOW,
        Map.of(SandboxTransfer.OPERATION_ID, Workload.operationId(index)), BASE + "/s", BASE + "/d"));
  }
}

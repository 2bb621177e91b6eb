package dev.onceonly.samples.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onceonly.ResumeStatus;
import dev.onceonly.ResumedOperation;
import dev.onceonly.journal.JdbcOperationJournal;
import dev.onceonly.journal.JournalEntry;
import dev.onceonly.journal.JournalState;
import dev.onceonly.testkit.RunningSandbox;
import dev.onceonly.testkit.SandboxServer;
import dev.onceonly.testkit.SandboxTransfer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The application with a SQLite journal, in a child JVM, against a sandbox that loses answers
 * after committing (15% of connections closed, 5% of answers stalled past the 300 ms read
 * timeout) and answers 10% {@code 503}: killed with {@code kill -9} four times, each a random
 * time (seeded) from 100 ms to 1.5 s after it opened its journal, restarted each time, then left
 * to finish. Judged from the sandbox's records by {@code operation_id}: every operation made
 * exactly once, every transfer known to the application, nothing left pending in the journal.
 */
class CrashRecoveryTest {

  private static final long SEED = 20_261_129L;
  private static final int OPS = 400;
  private static final int KILLS = 4;

  @TempDir
  Path dir;

  @Test
  void killedFourTimesWithASqliteJournalEveryTransferIsMadeExactlyOnceAndNoneIsLost() throws Exception {
    String journalUrl = "jdbc:sqlite:" + dir.resolve("journal.db");
    CrashScenario.Plan plan = new CrashScenario.Plan(OPS, 8, KILLS, SEED, Duration.ofMillis(100),
        Duration.ofMillis(1500));
    List<String> ops = AppOptions.operations("op", OPS);
    try (RunningSandbox sandbox = SandboxServer.builder().faults(CrashDemo.FAULTS).seed(SEED).build().start()) {
      System.out.println("seed " + SEED + ", output in " + dir);
      CrashScenario.Result life = CrashScenario.live("sqlite", sandbox.baseUrl(), journalUrl, dir, plan, List.of(),
          System.out);
      CrashScenario.Round last = life.rounds().get(life.rounds().size() - 1);
      String context = "rounds: " + life.rounds() + "; sandbox: " + sandbox.stats();

      assertEquals(0, last.exitCode(), context);
      assertTrue(life.killed() >= KILLS - 1, "the kills landed mid-run: " + context);
      assertTrue(life.settledFromJournalAtStart() > 0, "a restart found work the journal settled: " + context);

      assertEquals(Map.of(), sandbox.duplicatedOperations(), context);
      for (String op : ops) {
        assertEquals(1, sandbox.transfersWithOperationId(op).size(), op + " made exactly once; " + context);
      }
      assertEquals(OPS, sandbox.transferCount(), "no transfer but the operations'");
      CrashVerdict verdict = CrashVerdict.judge(ops, sandbox.transfers(), dir.resolve("sqlite-done.txt"), journalUrl);
      assertEquals(0, verdict.lost(), verdict.toString());
      assertEquals(0, verdict.duplicates(), verdict.toString());
      assertEquals(0, verdict.pendingLeft(), verdict.toString());
      assertEquals(0, verdict.expired(), verdict.toString());
      assertEquals(0, verdict.refused(), verdict.toString());

      // The application's record and the journal agree with the server on every transfer's id.
      Map<String, String> done = DoneFile.read(dir.resolve("sqlite-done.txt"));
      try (JdbcOperationJournal journal = JdbcOperationJournal.create(CrashWorkloadApp.dataSource(journalUrl))) {
        assertEquals(List.of(), journal.pending());
        for (String op : ops) {
          SandboxTransfer onServer = sandbox.transfersWithOperationId(op).get(0);
          assertEquals(onServer.id(), done.get(op), op);
          JournalEntry newest = journal.findByReference(op).orElseThrow(() -> new AssertionError(op + " journaled"));
          assertEquals(JournalState.SUCCEEDED, newest.state(), op);
        }
      }
    }
  }
}

package dev.onceonly.samples.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The crash demonstration, small: its flags, its table, and its verdict on the journal's run. */
class CrashDemoTest {

  @TempDir
  Path dir;

  @Test
  void aSmallRunWithTheJournalMakesEveryTransferExactlyOnceAndPrintsBothColumns() throws Exception {
    CrashDemo.Options options = CrashDemo.Options.parse(new String[] {"--ops", "200", "--kills", "2", "--threads",
        "8", "--seed", "7"}).orElseThrow();

    CrashDemo.Result result = CrashDemo.demonstrate(options, dir, System.out);
    String table = result.render();
    System.out.println(table);

    CrashVerdict journaled = result.journaled().verdict();
    assertEquals(0, result.exitCode(), table);
    assertEquals(0, journaled.duplicates(), table);
    assertEquals(0, journaled.lost(), table);
    assertEquals(0, journaled.pendingLeft(), table);
    assertEquals(200, journaled.transfersOnServer(), table);
    // Without the journal nothing is lost either (the application redoes what it did not record),
    // but what it redoes may be made twice; how many depends on where the kills fell.
    CrashVerdict inMemory = result.inMemory().verdict();
    assertEquals(0, inMemory.lost(), table);
    assertEquals(200 + inMemory.duplicates(), inMemory.transfersOnServer(), table);
    assertEquals(-1, inMemory.pendingLeft());
    for (String row : new String[] {"business operations", "transfers on the server", "duplicates", "lost",
        "settled from the journal on restart", "pending left in the journal", "with journal", "without journal"}) {
      assertTrue(table.contains(row), row);
    }
    assertTrue(table.contains("With the journal: every transfer made exactly once"), table);
  }

  @Test
  void aBadFlagExitsWithTwoAndHelpPrintsTheFlags() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);

    assertEquals(2, CrashDemo.run(new String[] {"--kills", "-1"}, o, e));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("--kills must be from 0 to 100"), err.toString());
    assertEquals(2, CrashDemo.run(new String[] {"--nope", "1"}, o, e));
    assertEquals(0, CrashDemo.run(new String[] {"--help"}, o, e));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("--ops N"));
  }
}

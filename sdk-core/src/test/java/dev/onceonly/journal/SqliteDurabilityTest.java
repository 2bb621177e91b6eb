package dev.onceonly.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write acknowledged by {@code begin} is in the file even if the process is killed the next
 * instant: a child JVM begins entries on several threads and prints each key after its begin
 * returns; it is killed with SIGKILL mid-stream, and a new journal on the file finds every key
 * it printed. The child's commits are slowed a little (a slow disk), so that a key acknowledged
 * before its commit would very likely be printed and then lost.
 */
class SqliteDurabilityTest {

  private static final Pattern KEY = Pattern.compile("child-\\d+-\\d+");
  private static final int KEYS_BEFORE_KILL = 200;

  @TempDir
  Path dir;

  @Test
  void everyKeyAChildPrintedAfterBeginIsThereAfterTheChildIsKilled() throws Exception {
    Path file = dir.resolve("journal.db");
    // To files, not pipes: destroyForcibly() closes the parent's end of a pipe, and what the
    // child printed just before the kill must still be read.
    Path stdout = dir.resolve("child-stdout.txt");
    Path stderr = dir.resolve("child-stderr.txt");
    String java = ProcessHandle.current().info().command().orElseThrow();
    Process child = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"), SqliteJournalChild.class.getName(), file.toString(), "20")
        .redirectOutput(stdout.toFile())
        .redirectError(stderr.toFile())
        .start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (wholeLines(stdout).size() < 1 + KEYS_BEFORE_KILL) {
        assertTrue(child.isAlive(), () -> "the child ended on its own: " + readQuietly(stderr));
        assertTrue(System.nanoTime() < deadline, "the child printed too little: " + wholeLines(stdout).size());
        Thread.sleep(5);
      }
      child.destroyForcibly(); // SIGKILL: no shutdown hook, no close, writes in flight
      assertTrue(child.waitFor(20, TimeUnit.SECONDS));
    } finally {
      child.destroyForcibly();
    }

    assertEquals(137, child.exitValue(), "killed by SIGKILL, not ended on its own");
    List<String> lines = wholeLines(stdout);
    assertEquals("open", lines.get(0));
    List<String> printed = lines.subList(1, lines.size());
    assertTrue(printed.size() >= KEYS_BEFORE_KILL);
    try (OperationJournal journal = JdbcOperationJournal.create(SqliteJournalContractTest.sqlite(file))) {
      List<String> missing = new ArrayList<>();
      for (String key : printed) {
        assertTrue(KEY.matcher(key).matches(), key);
        if (journal.find(key).isEmpty()) {
          missing.add(key);
        }
      }
      assertEquals(List.of(), missing, "of " + printed.size() + " keys the child printed");
    }
  }

  private static String readQuietly(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  /** The file's whole lines: a line the kill cut short has no line feed and is left out. */
  private static List<String> wholeLines(Path p) throws IOException {
    String text = Files.readString(p, StandardCharsets.UTF_8);
    List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
    lines.remove(lines.size() - 1); // after the last line feed: empty, or a cut line
    return lines;
  }
}

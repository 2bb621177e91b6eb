package dev.onceonly.journal;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The process that {@link SqliteDurabilityTest} kills: opens the journal in the file named by
 * its first argument, then on four threads begins entries without end, printing each key on its
 * own line only after {@code begin} has returned. Its second argument is a delay in milliseconds
 * before each commit, a slow disk: it widens the moment between a write and its commit, where
 * an acknowledgement given too early would show.
 */
public final class SqliteJournalChild {

  private SqliteJournalChild() {}

  public static void main(String[] args) {
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    JdbcOperationJournal journal = JdbcOperationJournal.create(WrappedSqliteDataSource.slowCommits(
        SqliteJournalContractTest.sqlite(Path.of(args[0])), Duration.ofMillis(Long.parseLong(args[1]))));
    synchronized (out) {
      out.println("open");
      out.flush();
    }
    for (int t = 0; t < 4; t++) {
      int thread = t;
      new Thread(() -> {
        for (int i = 0; ; i++) {
          String key = "child-" + thread + "-" + i;
          journal.begin(Entries.pending(key, Entries.T0.plusMillis(i)));
          synchronized (out) {
            out.println(key);
            out.flush();
          }
        }
      }, "begin-" + t).start();
    }
  }
}

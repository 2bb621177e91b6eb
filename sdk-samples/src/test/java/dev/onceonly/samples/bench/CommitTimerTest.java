package dev.onceonly.samples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onceonly.journal.JdbcOperationJournal;
import dev.onceonly.journal.JournalEntry;
import dev.onceonly.journal.JournalState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

class CommitTimerTest {

  @TempDir
  Path dir;

  @Test
  void countsTheSqliteJournalsCommitsOnePerBeginAndOnePerSettleOnOneThread() {
    SQLiteDataSource sqlite = new SQLiteDataSource();
    sqlite.setUrl("jdbc:sqlite:" + dir.resolve("journal.db"));
    CommitTimer timer = new CommitTimer();
    try (JdbcOperationJournal journal = JdbcOperationJournal.builder(timer.wrap(sqlite))
        .settleSuccessInBackground(false).build()) { // each settle waited for: one commit each
      long opened = timer.commits(); // creating the schema commits too
      Instant now = Instant.parse("2026-11-29T12:00:00Z");
      for (int i = 0; i < 3; i++) {
        String key = "commit-timer-key-" + i;
        journal.begin(JournalEntry.pending(key, "transfers.create", "POST", "https://api.example.test/transfers",
            Map.of("Content-Type", "application/json"), "{}".getBytes(StandardCharsets.UTF_8), now,
            now.plusSeconds(86_400), null));
        journal.settle(key, JournalState.SUCCEEDED, 201, "{}".getBytes(StandardCharsets.UTF_8));
      }

      assertEquals(6, timer.commits() - opened);
      assertTrue(timer.commitNanos() > 0);
      assertEquals(JournalState.SUCCEEDED, journal.find("commit-timer-key-2").orElseThrow().state(),
          "everything else passed through");
    }
  }
}

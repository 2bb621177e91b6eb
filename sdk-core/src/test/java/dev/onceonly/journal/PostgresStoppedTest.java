package dev.onceonly.journal;

import static dev.onceonly.journal.Entries.T0;
import static dev.onceonly.journal.Entries.pending;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** A PostgreSQL that stops under a journal: its own server, since the test stops it. */
class PostgresStoppedTest {

  @Test
  void everyCallOnAStoppedServerIsAJournalExceptionNamingTheJournal() throws Exception {
    EmbeddedPostgres postgres = EmbeddedPostgresExtension.start();
    String description = "PostgreSQL journal jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
    DataSource ds;
    JdbcOperationJournal journal;
    try {
      ds = EmbeddedPostgresExtension.freshSchema(postgres);
      journal = JdbcOperationJournal.create(ds);
      journal.begin(pending("k-before"));
    } finally {
      postgres.close();
    }

    JournalException begin = assertThrows(JournalException.class, () -> journal.begin(pending("k-after")));
    JournalException find = assertThrows(JournalException.class, () -> journal.find("k-before"));
    JournalException claim = assertThrows(JournalException.class,
        () -> journal.claim("owner", T0, Duration.ofSeconds(30), 1));
    JournalException reopen = assertThrows(JournalException.class, () -> JdbcOperationJournal.create(ds));
    journal.close();

    assertEquals(description, begin.journal());
    assertEquals("k-after", begin.idempotencyKey().orElseThrow());
    assertTrue(begin.getMessage().startsWith(description + ": could not begin operation k-after: Connection to 127.0.0.1:"
        + postgres.getPort() + " refused"), begin.getMessage());
    assertTrue(find.getMessage().startsWith(description + ": could not find operation k-before: "), find.getMessage());
    assertTrue(claim.getMessage().startsWith(description + ": could not claim operations for owner: "),
        claim.getMessage());
    assertEquals(description, reopen.journal());
  }
}

package dev.onceonly.journal;

import static dev.onceonly.journal.Entries.T0;
import static dev.onceonly.journal.Entries.keys;
import static dev.onceonly.journal.Entries.pending;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;

/** What only the PostgreSQL journal does: row locks, concurrent opening, secret-free names. */
class PostgresJournalTest {

  @RegisterExtension
  static final EmbeddedPostgresExtension POSTGRES = new EmbeddedPostgresExtension();

  private static final String PASSWORD = "s3cret-Pa55word";
  private static final Duration LEASE = Duration.ofSeconds(30);

  private String description() {
    return "PostgreSQL journal jdbc:postgresql://127.0.0.1:" + POSTGRES.port() + "/postgres";
  }

  private static long count(PGSimpleDataSource ds, String sql) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String currentSchema(PGSimpleDataSource ds) {
    return ds.getCurrentSchema();
  }

  @Test
  void claimSkipsAnEntryAnotherTransactionHoldsInsteadOfWaitingForIt() throws SQLException {
    PGSimpleDataSource ds = (PGSimpleDataSource) POSTGRES.freshSchema();
    // Were the claim to wait on the held row, it would fail after this instead of returning.
    ds.setOptions("-c lock_timeout=5000");
    try (OperationJournal journal = JdbcOperationJournal.create(ds);
        Connection other = ds.getConnection()) {
      journal.begin(pending("k-1", T0));
      journal.begin(pending("k-2", T0.plusSeconds(1)));
      other.setAutoCommit(false);
      try (Statement s = other.createStatement()) {
        // What another instance's claim holds between its SELECT and its COMMIT.
        s.executeQuery("SELECT 1 FROM onceonly_operations WHERE idempotency_key = 'k-1' FOR UPDATE").close();
      }

      List<JournalEntry> whileHeld = journal.claim("owner-b", T0, LEASE, 10);
      other.commit();
      List<JournalEntry> afterwards = journal.claim("owner-b", T0, LEASE, 10);

      assertEquals(List.of("k-2"), keys(whileHeld));
      assertEquals(List.of("k-1"), keys(afterwards));
    }
  }

  @Test
  void instancesOpeningAtOnceCreateTheSchemaOnce() throws Exception {
    PGSimpleDataSource ds = (PGSimpleDataSource) POSTGRES.freshSchema();
    int instances = 6;
    ExecutorService pool = Executors.newFixedThreadPool(instances);
    List<JdbcOperationJournal> opened = new ArrayList<>();
    try {
      CyclicBarrier start = new CyclicBarrier(instances);
      List<Future<JdbcOperationJournal>> opening = new ArrayList<>();
      for (int i = 0; i < instances; i++) {
        opening.add(pool.submit(() -> {
          start.await();
          return JdbcOperationJournal.create(ds);
        }));
      }
      for (Future<JdbcOperationJournal> f : opening) {
        opened.add(f.get(60, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
      opened.forEach(JdbcOperationJournal::close);
    }

    assertEquals(instances, opened.size());
    assertEquals(1, count(ds, "SELECT count(*) FROM onceonly_journal_schema"));
    assertEquals(2, count(ds, "SELECT count(*) FROM pg_tables WHERE schemaname = '" + currentSchema(ds) + "'"));
  }

  @Test
  void neitherTheNameNorTheMessagesCarryThePassword() throws IOException {
    PGSimpleDataSource ds = (PGSimpleDataSource) POSTGRES.freshSchema();
    ds.setUrl("jdbc:postgresql://127.0.0.1:" + POSTGRES.port() + "/postgres?user=postgres&password=" + PASSWORD
        + "&currentSchema=" + currentSchema(ds));
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    PGSimpleDataSource unreachable = new PGSimpleDataSource();
    unreachable.setUrl("jdbc:postgresql://127.0.0.1:" + closedPort + "/postgres?user=postgres&password=" + PASSWORD);

    String name;
    try (OperationJournal journal = JdbcOperationJournal.create(ds)) {
      name = journal.describe() + " " + journal;
      assertEquals(description(), journal.describe());
    }
    JournalException e = assertThrows(JournalException.class, () -> JdbcOperationJournal.create(unreachable));

    assertFalse(name.contains(PASSWORD), name);
    assertEquals("PostgreSQL journal jdbc:postgresql://127.0.0.1:" + closedPort + "/postgres", e.journal());
    assertTrue(e.getMessage().startsWith(e.journal() + ": could not connect to open the journal: "), e.getMessage());
    assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
  }

  @Test
  void aFailingStatementIsAJournalExceptionNamingTheJournalAndTheKey() throws SQLException {
    PGSimpleDataSource ds = (PGSimpleDataSource) POSTGRES.freshSchema();
    try (OperationJournal journal = JdbcOperationJournal.create(ds)) {
      try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
        s.execute("ALTER TABLE onceonly_operations RENAME TO moved_away");
      }

      JournalException e = assertThrows(JournalException.class, () -> journal.begin(pending("k-1")));

      assertEquals(description(), e.journal());
      assertEquals("k-1", e.idempotencyKey().orElseThrow());
      assertEquals(description() + ": could not begin operation k-1: ERROR: relation \"onceonly_operations\" does not exist",
          e.getMessage().substring(0, e.getMessage().indexOf(" exist") + " exist".length()));
      assertEquals(0, count(ds, "SELECT count(*) FROM moved_away"));
    }
  }
}

package dev.onceonly.journal;

import static dev.onceonly.journal.Entries.T0;
import static dev.onceonly.journal.Entries.assertSameEntry;
import static dev.onceonly.journal.Entries.pending;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * What only the SQLite journal does: its settings, group commit, its writer's shutdown, and how
 * it fails on a file it cannot use.
 */
class SqliteJournalTest {

  /** Long enough that a test's lock is never what times out, unless the test wants it to. */
  private static final Duration PATIENT = Duration.ofSeconds(30);
  private static final Duration IMPATIENT = Duration.ofMillis(200);

  @TempDir
  Path dir;

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void cleanUp() throws Exception {
    threads.shutdownNow();
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private Path file() {
    return dir.resolve("journal.db");
  }

  private String description() {
    return "SQLite journal jdbc:sqlite:" + file();
  }

  private JdbcOperationJournal open(Duration busyTimeout) {
    return open(SqliteJournalContractTest.sqlite(file()), busyTimeout);
  }

  private JdbcOperationJournal open(DataSource ds, Duration busyTimeout) {
    JdbcOperationJournal j = JdbcOperationJournal.builder(ds).sqliteBusyTimeout(busyTimeout).build();
    toClose.add(j);
    return j;
  }

  /** Another connection to the file holding SQLite's write lock until it is closed. */
  private Connection lockTheFile() throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + file());
    toClose.add(c);
    try (Statement s = c.createStatement()) {
      s.execute("BEGIN EXCLUSIVE");
    }
    return c;
  }

  private static void unlock(Connection locker) throws SQLException {
    try (Statement s = locker.createStatement()) {
      s.execute("ROLLBACK");
    }
  }

  /** Waits for a condition on the journal's state; fails (never passes) if it does not come. */
  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("gave up waiting until " + what);
      }
      Thread.sleep(1);
    }
  }

  private Future<JournalEntry> beginElsewhere(JdbcOperationJournal journal, JournalEntry e) {
    return threads.submit(() -> journal.begin(e));
  }

  private static JournalException journalFailure(Future<?> f) throws Exception {
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(20, TimeUnit.SECONDS));
    return assertInstanceOf(JournalException.class, e.getCause());
  }

  private List<String> keysInTheFile() throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT idempotency_key FROM onceonly_operations ORDER BY idempotency_key")) {
      List<String> keys = new ArrayList<>();
      while (rs.next()) {
        keys.add(rs.getString(1));
      }
      return keys;
    }
  }

  private String pragmaFromAnotherConnection(String pragma) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA " + pragma)) {
      rs.next();
      return rs.getString(1);
    }
  }

  // --- settings ---------------------------------------------------------------------------------

  @Test
  void theFileIsInWalModeAndTheWriterSyncsFullyAndWaitsForLocks() throws SQLException {
    JdbcOperationJournal journal = open(Duration.ofMillis(1234));

    assertEquals("wal", pragmaFromAnotherConnection("journal_mode"));
    assertEquals("2", journal.writerPragma("synchronous"), "2 is FULL");
    assertEquals("1234", journal.writerPragma("busy_timeout"));
  }

  @Test
  void normalSynchronousIsAppliedWhenAskedFor() throws SQLException {
    JdbcOperationJournal normal = JdbcOperationJournal.builder(SqliteJournalContractTest.sqlite(dir.resolve("normal.db")))
        .sqliteSynchronous("normal").build();
    try {
      assertEquals("1", normal.writerPragma("synchronous"), "1 is NORMAL");
    } finally {
      normal.close();
    }
    assertThrows(IllegalArgumentException.class,
        () -> JdbcOperationJournal.builder(SqliteJournalContractTest.sqlite(dir.resolve("x.db"))).sqliteSynchronous("OFF"));
  }

  @Test
  void aSuccessSettledBehindItsCreateIsSeenByTheNextReadAndAFailureIsWaitedFor() throws Exception {
    JdbcOperationJournal journal = open(PATIENT);
    journal.begin(Entries.pending("k-ok"));
    journal.begin(Entries.pending("k-refused"));
    long commitsBefore = journal.commitCount();

    journal.settle("k-ok", JournalState.SUCCEEDED, 201, new byte[] {1});
    journal.settle("k-refused", JournalState.FAILED, 400, new byte[0]);

    assertTrue(journal.commitCount() > commitsBefore, "the refusal was committed before settle returned");
    assertEquals(JournalState.SUCCEEDED, journal.find("k-ok").orElseThrow().state(), "queued behind, seen by a read");
    assertEquals(JournalState.FAILED, journal.find("k-refused").orElseThrow().state());
  }

  @Test
  void anInMemoryDatabaseIsRefusedForItSurvivesNothing() {
    SQLiteDataSource ds = new SQLiteDataSource();
    ds.setUrl("jdbc:sqlite::memory:");

    JournalException e = assertThrows(JournalException.class, () -> open(ds, PATIENT));

    assertEquals("SQLite journal jdbc:sqlite::memory:", e.journal());
    assertTrue(e.getMessage().contains("journal_mode memory instead of WAL"), e.getMessage());
  }

  // --- group commit -----------------------------------------------------------------------------

  @Test
  void writesQueuedWhileACommitWaitsShareTheNextCommit() throws Exception {
    JdbcOperationJournal journal = open(PATIENT);
    Connection locker = lockTheFile(); // the writer's first transaction waits on it, as on a slow disk
    List<Future<JournalEntry>> begins = new ArrayList<>();
    for (int t = 0; t < 16; t++) {
      begins.add(beginElsewhere(journal, pending("k-" + t, T0.plusMillis(t))));
    }
    await("all 16 begins are handed to the writer", () -> journal.submittedWriteCount() == 16);

    unlock(locker);
    for (Future<JournalEntry> f : begins) {
      f.get(20, TimeUnit.SECONDS);
    }

    assertEquals(16, journal.writeCount());
    // The first transaction took what was queued when it started; everything queued behind it
    // went into the second.
    assertTrue(journal.commitCount() <= 2, "16 writes in " + journal.commitCount() + " commits");
    assertEquals(16, keysInTheFile().size());
  }

  @Test
  void oneFailingWriteDoesNotFailTheOthersInItsBatch() throws Exception {
    // A database capped at 12 pages of 4 KiB: the tables fit, a 100 KiB body does not.
    SQLiteConfig config = new SQLiteConfig();
    config.setMaxPageCount(12);
    SQLiteDataSource ds = new SQLiteDataSource(config);
    ds.setUrl("jdbc:sqlite:" + file());
    JdbcOperationJournal journal = open(ds, PATIENT);
    Connection locker = lockTheFile();
    Future<JournalEntry> first = beginElsewhere(journal, pending("k-first"));
    await("the writer has taken k-first alone into a batch, which waits for the lock",
        () -> journal.batchCount() == 1);
    Future<JournalEntry> big = beginElsewhere(journal, Entries.withBody(pending("k-big"), new byte[100 * 1024]));
    List<Future<JournalEntry>> small = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      small.add(beginElsewhere(journal, pending("k-small-" + i)));
    }
    await("four more are queued behind it", () -> journal.queuedWriteCount() == 4);

    unlock(locker);

    first.get(20, TimeUnit.SECONDS);
    for (Future<JournalEntry> f : small) {
      f.get(20, TimeUnit.SECONDS);
    }
    JournalException e = journalFailure(big);
    assertTrue(e.getMessage().startsWith(description() + ": could not begin operation k-big: "), e.getMessage());
    assertTrue(e.getMessage().contains("full"), e.getMessage());
    assertEquals(List.of("k-first", "k-small-0", "k-small-1", "k-small-2"), keysInTheFile());
    // k-first alone; then the batch of four, rolled back; then each of the four alone, k-big failing.
    assertEquals(4, journal.commitCount());
  }

  // --- closing ----------------------------------------------------------------------------------

  @Test
  void closeFinishesTheWritesAlreadyQueued() throws Exception {
    JdbcOperationJournal journal = open(PATIENT);
    Connection locker = lockTheFile();
    List<Future<JournalEntry>> begins = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      begins.add(beginElsewhere(journal, pending("k-" + i)));
    }
    await("three begins are handed to the writer", () -> journal.submittedWriteCount() == 3);
    Thread closer = new Thread(journal::close, "closer");
    closer.start();
    await("close() waits for the writer", () -> closer.getState() == Thread.State.TIMED_WAITING);

    unlock(locker);
    closer.join(20_000);

    assertFalse(closer.isAlive());
    for (Future<JournalEntry> f : begins) {
      f.get(20, TimeUnit.SECONDS);
    }
    assertEquals(List.of("k-0", "k-1", "k-2"), keysInTheFile());
    JournalException late = assertThrows(JournalException.class, () -> journal.begin(pending("k-late")));
    assertTrue(late.getMessage().endsWith("the journal is closed"), late.getMessage());
  }

  @Test
  void closeOnALockedFileFailsTheQueuedWriteAndReturns() throws Exception {
    JdbcOperationJournal journal = open(IMPATIENT);
    Connection locker = lockTheFile();
    Future<JournalEntry> begin = beginElsewhere(journal, pending("k-1"));
    await("the begin is handed to the writer", () -> journal.submittedWriteCount() == 1);

    journal.close();

    JournalException e = journalFailure(begin);
    assertEquals(description(), e.journal());
    unlock(locker);
    assertEquals(List.of(), keysInTheFile());
  }

  // --- faults -----------------------------------------------------------------------------------

  @Test
  void aFileThatIsNotADatabaseFailsToOpenAndIsLeftAsItWas() throws Exception {
    byte[] garbage = new byte[16 * 1024];
    new Random(42).nextBytes(garbage);
    Files.write(file(), garbage);

    JournalException e = assertThrows(JournalException.class, () -> open(PATIENT));

    assertEquals(description(), e.journal());
    assertTrue(e.getMessage().startsWith(description() + ": could not open the journal: "), e.getMessage());
    assertTrue(e.getMessage().contains("not a database"), e.getMessage());
    assertArrayEquals(garbage, Files.readAllBytes(file()));
  }

  @Test
  void aFileLockedByAnotherConnectionFailsTheBeginWhichWritesNothing() throws Exception {
    JdbcOperationJournal journal = open(IMPATIENT);
    journal.begin(pending("k-before"));
    Connection locker = lockTheFile();

    JournalException e = assertThrows(JournalException.class, () -> journal.begin(pending("k-locked")));

    assertEquals(description(), e.journal());
    assertEquals("k-locked", e.idempotencyKey().orElseThrow());
    assertTrue(e.getMessage().startsWith(description() + ": could not begin operation k-locked: "), e.getMessage());
    assertTrue(e.getMessage().contains("locked"), e.getMessage());
    assertTrue(journal.find("k-locked").isEmpty(), "reads go on while the file is locked for writing");
    unlock(locker);
    assertEquals(List.of("k-before"), keysInTheFile());
    journal.begin(pending("k-after"));
    assertEquals(List.of("k-after", "k-before"), keysInTheFile());
  }

  @Test
  void aLocationThatCannotHoldAFileFailsToOpen() throws Exception {
    // Root writes through permission bits, so a read-only directory would not stop this test's
    // writes; a path under a regular file cannot be created by anyone.
    Path notADirectory = Files.writeString(dir.resolve("not-a-directory"), "x");
    SQLiteDataSource ds = SqliteJournalContractTest.sqlite(notADirectory.resolve("journal.db"));

    JournalException e = assertThrows(JournalException.class, () -> open(ds, PATIENT));

    String name = "SQLite journal jdbc:sqlite:" + notADirectory.resolve("journal.db");
    assertEquals(name, e.journal());
    assertTrue(e.getMessage().startsWith(name + ": could not connect to open the journal: "), e.getMessage());
    assertEquals("x", Files.readString(notADirectory));
  }

  @Test
  void aFullDatabaseFailsTheBeginWhichWritesNothing() throws Exception {
    // The stand-in for a full disk: SQLite's page cap fails a write the same way (SQLITE_FULL).
    SQLiteConfig config = new SQLiteConfig();
    config.setMaxPageCount(12);
    SQLiteDataSource ds = new SQLiteDataSource(config);
    ds.setUrl("jdbc:sqlite:" + file());
    JdbcOperationJournal journal = open(ds, PATIENT);
    byte[] body = new byte[100 * 1024];
    new Random(7).nextBytes(body);

    JournalException e = assertThrows(JournalException.class,
        () -> journal.begin(Entries.withBody(pending("k-big"), body)));

    assertEquals(description(), e.journal());
    assertEquals("k-big", e.idempotencyKey().orElseThrow());
    assertTrue(e.getMessage().startsWith(description() + ": could not begin operation k-big: "), e.getMessage());
    assertTrue(e.getMessage().contains("full"), e.getMessage());
    assertTrue(journal.find("k-big").isEmpty());
    JournalEntry small = pending("k-small");
    assertSameEntry(small, journal.begin(small));
    assertEquals(List.of("k-small"), keysInTheFile());
  }

  @Test
  void aNewerSchemaIsRefusedBeforeAnythingIsWritten() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file()); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE onceonly_journal_schema (version INTEGER NOT NULL)");
      s.execute("INSERT INTO onceonly_journal_schema (version) VALUES (2)");
    }

    JournalException e = assertThrows(JournalException.class, () -> open(PATIENT));

    assertEquals(description() + ": the journal's schema is version 2, newer than version 1 that this SDK knows;"
        + " open it with a newer SDK. Nothing was written.", e.getMessage());
    assertEquals("delete", pragmaFromAnotherConnection("journal_mode"), "not even switched to WAL");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT group_concat(name) FROM sqlite_master")) {
      rs.next();
      assertEquals("onceonly_journal_schema", rs.getString(1));
    }
  }

  @Test
  void aDatabaseOtherThanSqliteOrPostgresqlIsRefused() throws SQLException {
    // No third driver is on the test class path: this is SQLite behind a DataSource whose
    // metadata says H2, which is all the journal looks at.
    DataSource h2 = WrappedSqliteDataSource.renamed(SqliteJournalContractTest.sqlite(file()), "H2");

    JournalException e = assertThrows(JournalException.class, () -> open(h2, PATIENT));

    assertEquals("H2 journal jdbc:sqlite:" + file(), e.journal());
    assertEquals("H2 journal jdbc:sqlite:" + file() + ": the journal runs on SQLite or PostgreSQL, not H2",
        e.getMessage());
    assertEquals("0", pragmaFromAnotherConnection("schema_version"), "no table was created");
  }
}

package dev.onceonly.journal;

import static dev.onceonly.journal.Entries.T0;
import static dev.onceonly.journal.Entries.assertSameEntry;
import static dev.onceonly.journal.Entries.keys;
import static dev.onceonly.journal.Entries.pending;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The contract, plus what a journal in a SQL database owes beyond it: what the rows hold, the
 * schema version, several journal objects (as several application instances would be) on one
 * database, and closing. Each database's test class says how to make an empty database.
 */
abstract class JdbcJournalContract extends OperationJournalContract {

  static final Clock CLOCK = Clock.fixed(Instant.parse("2031-03-04T06:00:00.123Z"), ZoneOffset.UTC);

  /** The database of the journal under test. */
  DataSource dataSource;

  /** An empty database of the test's own. */
  abstract DataSource newDatabase() throws Exception;

  /** What {@link OperationJournal#describe()} must say for {@link #dataSource}. */
  abstract String expectedDescription();

  JdbcOperationJournal.Builder builder(DataSource ds) {
    return JdbcOperationJournal.builder(ds).clock(CLOCK);
  }

  @Override
  final OperationJournal openJournal() throws Exception {
    dataSource = newDatabase();
    return builder(dataSource).build();
  }

  JdbcOperationJournal jdbc() {
    return (JdbcOperationJournal) journal;
  }

  @FunctionalInterface
  interface SqlFunction<T> {
    T apply(Connection c) throws SQLException;
  }

  <T> T sql(SqlFunction<T> f) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      return f.apply(c);
    }
  }

  void execute(String statement) throws SQLException {
    sql(c -> {
      try (Statement s = c.createStatement()) {
        return s.execute(statement);
      }
    });
  }

  /** One row of onceonly_operations, by column name, read straight from the database. */
  Map<String, Object> row(String key) throws SQLException {
    return sql(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT * FROM onceonly_operations WHERE idempotency_key = ?")) {
        ps.setString(1, key);
        try (ResultSet rs = ps.executeQuery()) {
          assertTrue(rs.next(), "a row for " + key);
          Map<String, Object> row = new HashMap<>();
          for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
            String name = rs.getMetaData().getColumnName(i).toLowerCase(java.util.Locale.ROOT);
            Object value = name.equals("body") || name.equals("response") ? rs.getBytes(i) : rs.getObject(i);
            if (rs.wasNull()) {
              value = null;
            } else if (value instanceof Number) {
              value = ((Number) value).longValue(); // INTEGER is Integer or Long depending on the driver
            }
            row.put(name, value);
          }
          return row;
        }
      }
    });
  }

  long count(String table) throws SQLException {
    return sql(c -> {
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  @Test
  void theRowHoldsWhatTheSchemaDocumentationSays() throws SQLException {
    JournalEntry e = pending("k-1");

    journal.begin(e);
    Map<String, Object> begun = row("k-1");
    journal.claim("owner-a", T0.plusSeconds(1), LEASE, 1);
    Map<String, Object> claimed = row("k-1");
    journal.settle("k-1", JournalState.SUCCEEDED, 201, "{\"id\":\"tr_1\"}".getBytes(StandardCharsets.UTF_8));
    journal.find("k-1"); // a read through the journal: a settle queued behind its create is committed first
    Map<String, Object> settled = row("k-1");

    assertEquals("transfers.create", begun.get("operation"));
    assertEquals("POST", begun.get("method"));
    assertEquals("https://api.example.test/v1/transfers", begun.get("url"));
    assertEquals("Content-Type:application/json\nIdempotency-Key:k-1", begun.get("headers"));
    assertArrayEquals(e.body(), (byte[]) begun.get("body"));
    assertEquals(T0.toEpochMilli(), begun.get("first_sent_at"));
    assertEquals(T0.plus(Entries.KEY_WINDOW).toEpochMilli(), begun.get("key_expires_at"));
    assertEquals("PENDING", begun.get("state"));
    assertEquals(0L, begun.get("status_code"));
    assertNull(begun.get("response"));
    assertNull(begun.get("lease_owner"));
    assertNull(begun.get("lease_until"));
    assertEquals(CLOCK.millis(), begun.get("updated_at"));

    assertEquals("owner-a", claimed.get("lease_owner"));
    assertEquals(T0.plusSeconds(1).plus(LEASE).toEpochMilli(), claimed.get("lease_until"));
    assertEquals("PENDING", claimed.get("state"));

    assertEquals("SUCCEEDED", settled.get("state"));
    assertEquals(201L, settled.get("status_code"));
    assertArrayEquals("{\"id\":\"tr_1\"}".getBytes(StandardCharsets.UTF_8), (byte[]) settled.get("response"));
    assertNull(settled.get("lease_owner"));
    assertNull(settled.get("lease_until"));
  }

  @Test
  void theSchemaVersionIsRecordedOnceAndReopeningKeepsIt() throws SQLException {
    try (OperationJournal again = builder(dataSource).build()) {
      again.begin(pending("k-again"));
    }

    List<Integer> versions = sql(c -> {
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT version FROM onceonly_journal_schema")) {
        List<Integer> v = new ArrayList<>();
        while (rs.next()) {
          v.add(rs.getInt(1));
        }
        return v;
      }
    });
    assertEquals(List.of(JdbcOperationJournal.SCHEMA_VERSION), versions);
  }

  @Test
  void instantsAreKeptToTheMillisecondTruncated() {
    journal.begin(pending("k-1", T0.plusNanos(1_999_999)));

    JournalEntry found = journal.find("k-1").orElseThrow();

    assertEquals(T0.plusMillis(1), found.firstSentAt());
    assertEquals(T0.plusMillis(1).plus(Entries.KEY_WINDOW), found.keyExpiresAt());
  }

  @Test
  void entriesOutliveTheJournalObject() {
    JournalEntry e = pending("k-1");
    journal.begin(e);
    journal.close();

    try (OperationJournal reopened = builder(dataSource).build()) {
      assertSameEntry(e, reopened.find("k-1").orElseThrow());
      assertEquals(List.of("k-1"), keys(reopened.pending()));
    }
  }

  @Test
  void sixteenThreadsBeginningAtOnceAreAllWritten() throws Exception {
    int threads = 16;
    int perThread = 12;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CyclicBarrier start = new CyclicBarrier(threads);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < perThread; i++) {
            JournalEntry e = pending("k-" + thread + "-" + i, T0.plusMillis(thread * 1000L + i));
            assertSameEntry(e, journal.begin(e));
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    List<JournalEntry> all = journal.pending(); // oldest first: thread by thread, then in order
    assertEquals(threads * perThread, all.size());
    for (int t = 0; t < threads; t++) {
      for (int i = 0; i < perThread; i++) {
        assertSameEntry(pending("k-" + t + "-" + i, T0.plusMillis(t * 1000L + i)), all.get(t * perThread + i));
      }
    }
    assertEquals(threads * perThread, jdbc().writeCount(), "each begin acknowledged once, after its commit");
  }

  @Test
  void twoInstancesClaimingConcurrentlyNeverGetTheSameEntry() throws Exception {
    int entries = 60;
    for (int i = 0; i < entries; i++) {
      journal.begin(pending(String.format("k-%03d", i), T0.plusMillis(i)));
    }
    Map<String, String> ownerOf = new ConcurrentHashMap<>();
    Set<String> claimedTwice = ConcurrentHashMap.newKeySet();
    int threadsPerInstance = 4;
    try (OperationJournal second = builder(dataSource).build()) {
      List<OperationJournal> instances = List.of(journal, second);
      ExecutorService pool = Executors.newFixedThreadPool(instances.size() * threadsPerInstance);
      try {
        CyclicBarrier start = new CyclicBarrier(instances.size() * threadsPerInstance);
        List<Future<?>> done = new ArrayList<>();
        for (int n = 0; n < instances.size(); n++) {
          OperationJournal instance = instances.get(n);
          for (int t = 0; t < threadsPerInstance; t++) {
            String owner = "instance-" + n + "-thread-" + t;
            done.add(pool.submit(() -> {
              start.await();
              while (true) {
                // The same now for everyone, and a lease far longer than the test: no lease ends.
                List<JournalEntry> got = instance.claim(owner, T0.plusSeconds(60), Duration.ofHours(1), 2);
                if (got.isEmpty()) {
                  return null;
                }
                for (JournalEntry e : got) {
                  if (ownerOf.putIfAbsent(e.idempotencyKey(), owner) != null) {
                    claimedTwice.add(e.idempotencyKey());
                  }
                }
              }
            }));
          }
        }
        for (Future<?> f : done) {
          f.get(60, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
    }

    assertEquals(Set.of(), claimedTwice);
    assertEquals(entries, ownerOf.size());
    // How many each instance got is the database's lock scheduling (SQLite's is not fair, one
    // writer may take them all); that no entry went to two owners is the journal's doing.
    for (Map.Entry<String, String> claimed : ownerOf.entrySet()) {
      assertEquals(claimed.getValue(), row(claimed.getKey()).get("lease_owner"), "the database's owner of " + claimed.getKey());
    }
  }

  @Test
  void aSchemaVersionNewerThanTheCodeIsRefusedNamingTheJournalAndBothVersions() throws SQLException {
    journal.begin(pending("k-1"));
    journal.close();
    execute("UPDATE onceonly_journal_schema SET version = 7");

    JournalException e = assertThrows(JournalException.class, () -> builder(dataSource).build());

    assertEquals(expectedDescription(), e.journal());
    assertTrue(e.getMessage().startsWith(expectedDescription() + ": "), e.getMessage());
    assertTrue(e.getMessage().contains("version 7"), e.getMessage());
    assertTrue(e.getMessage().contains("version " + JdbcOperationJournal.SCHEMA_VERSION), e.getMessage());
    assertEquals(1, count("onceonly_journal_schema"));
    assertEquals(1, count("onceonly_operations"));
  }

  @Test
  void everyCallAfterCloseFailsWithAJournalExceptionAndClosingTwiceIsHarmless() {
    journal.begin(pending("k-1"));
    journal.close();
    journal.close();

    JournalException begin = assertThrows(JournalException.class, () -> journal.begin(pending("k-2")));
    JournalException find = assertThrows(JournalException.class, () -> journal.find("k-1"));

    assertEquals(expectedDescription() + ": could not begin operation k-2: the journal is closed", begin.getMessage());
    assertEquals("k-2", begin.idempotencyKey().orElseThrow());
    assertEquals(expectedDescription(), find.journal());
  }

  @Test
  void closeLeavesTheCallersDataSourceOpen() {
    JournalEntry e = pending("k-1");
    journal.begin(e);

    journal.close();

    try (OperationJournal next = builder(dataSource).build()) {
      assertSameEntry(e, next.find("k-1").orElseThrow());
    }
  }

  @Test
  void describeNamesTheDatabase() {
    assertEquals(expectedDescription(), journal.describe());
    assertEquals(expectedDescription(), journal.toString());
  }

  @Test
  void journalsWithDifferentTablePrefixesInOneDatabaseAreApart() throws SQLException {
    journal.begin(pending("k-default"));

    try (OperationJournal other = builder(dataSource).tablePrefix("other_").build()) {
      other.begin(pending("k-other"));

      assertEquals(expectedDescription() + " (tables other_*)", other.describe());
      assertEquals(List.of("k-other"), keys(other.pending()));
      assertFalse(other.find("k-default").isPresent());
    }
    assertEquals(List.of("k-default"), keys(journal.pending()));
    assertEquals(1, count("other_operations"));
  }
}

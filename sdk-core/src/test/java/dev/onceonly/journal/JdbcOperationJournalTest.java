package dev.onceonly.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteDataSource;

/** The JDBC journal's pieces that need no database. */
class JdbcOperationJournalTest {

  @Test
  void safeUrlDropsUserInfoAndEverythingAfterAQuestionMarkOrSemicolon() {
    assertEquals("jdbc:postgresql://db.internal:5432/payments",
        JdbcOperationJournal.safeUrl("jdbc:postgresql://app:hunter2@db.internal:5432/payments?password=hunter2&ssl=true"));
    assertEquals("jdbc:postgresql://h1:5432,h2:5432/db", JdbcOperationJournal.safeUrl("jdbc:postgresql://h1:5432,h2:5432/db"));
    assertEquals("jdbc:postgresql://host/db", JdbcOperationJournal.safeUrl("jdbc:postgresql://u:p@ss@host/db"));
    assertEquals("jdbc:sqlserver://host:1433", JdbcOperationJournal.safeUrl("jdbc:sqlserver://host:1433;user=sa;password=x"));
    assertEquals("jdbc:sqlite:/var/lib/app/journal.db", JdbcOperationJournal.safeUrl("jdbc:sqlite:/var/lib/app/journal.db"));
    assertEquals("jdbc:sqlite:file:/x.db", JdbcOperationJournal.safeUrl("jdbc:sqlite:file:/x.db?cache=shared"));
    assertEquals("jdbc:postgresql:payments", JdbcOperationJournal.safeUrl("jdbc:postgresql:payments?user=a&password=b"));
  }

  @Test
  void aJournalThatCannotBeReachedIsNamedByItsDataSourcesUrl() {
    SQLiteDataSource ds = new SQLiteDataSource();
    ds.setUrl("jdbc:sqlite:/tmp/x.db");

    assertEquals("SQLite journal jdbc:sqlite:/tmp/x.db", JdbcOperationJournal.nameBeforeConnecting(ds, "onceonly_"));
    assertEquals("SQLite journal jdbc:sqlite:/tmp/x.db (tables a_*)", JdbcOperationJournal.nameBeforeConnecting(ds, "a_"));
  }

  @Test
  void theFirstLineOfADriverMessageIsKeptNotTheServersDetail() {
    SQLException e = new SQLException("ERROR: new row violates check constraint\n  Detail: Failing row contains (k, \\x7b22)");

    assertEquals("ERROR: new row violates check constraint", JdbcOperationJournal.firstLine(e));
    assertEquals("SQLException", JdbcOperationJournal.firstLine(new SQLException()));
  }

  @Test
  void theBuilderRefusesATablePrefixThatIsNotAPlainLowerCaseIdentifier() {
    JdbcOperationJournal.Builder b = JdbcOperationJournal.builder(new SQLiteDataSource());

    assertThrows(IllegalArgumentException.class, () -> b.tablePrefix("Payments_"));
    assertThrows(IllegalArgumentException.class, () -> b.tablePrefix("x; DROP TABLE y; --"));
    assertThrows(IllegalArgumentException.class, () -> b.tablePrefix("1abc"));
    assertThrows(IllegalArgumentException.class, () -> b.tablePrefix(""));
    assertThrows(IllegalArgumentException.class, () -> b.tablePrefix("a".repeat(41)));
    b.tablePrefix("payments_eu_1_");
  }

  @Test
  void theBuilderRefusesANegativeBusyTimeout() {
    JdbcOperationJournal.Builder b = JdbcOperationJournal.builder(new SQLiteDataSource());

    assertThrows(IllegalArgumentException.class, () -> b.sqliteBusyTimeout(Duration.ofMillis(-1)));
    b.sqliteBusyTimeout(Duration.ZERO);
  }
}

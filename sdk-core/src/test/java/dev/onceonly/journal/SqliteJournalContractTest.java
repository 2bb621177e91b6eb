package dev.onceonly.journal;

import java.nio.file.Path;
import javax.sql.DataSource;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/** The contract and the JDBC journal's duties, on a SQLite file. */
class SqliteJournalContractTest extends JdbcJournalContract {

  @TempDir
  Path dir;

  Path file;

  @Override
  DataSource newDatabase() {
    file = dir.resolve("journal.db");
    return sqlite(file);
  }

  @Override
  String expectedDescription() {
    return "SQLite journal jdbc:sqlite:" + file;
  }

  static SQLiteDataSource sqlite(Path file) {
    SQLiteDataSource ds = new SQLiteDataSource();
    ds.setUrl("jdbc:sqlite:" + file);
    return ds;
  }
}

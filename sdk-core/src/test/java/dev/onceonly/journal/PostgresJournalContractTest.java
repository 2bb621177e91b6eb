package dev.onceonly.journal;

import javax.sql.DataSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The contract and the JDBC journal's duties, on PostgreSQL: a fresh schema per test. */
class PostgresJournalContractTest extends JdbcJournalContract {

  @RegisterExtension
  static final EmbeddedPostgresExtension POSTGRES = new EmbeddedPostgresExtension();

  @Override
  DataSource newDatabase() {
    return POSTGRES.freshSchema();
  }

  @Override
  String expectedDescription() {
    return "PostgreSQL journal jdbc:postgresql://127.0.0.1:" + POSTGRES.port() + "/postgres";
  }
}

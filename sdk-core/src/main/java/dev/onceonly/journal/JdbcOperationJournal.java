package dev.onceonly.journal;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * An {@link OperationJournal} in a SQL database reached through a {@link DataSource}: SQLite for
 * one node, PostgreSQL for many application instances sharing one journal. Plain JDBC: the SDK
 * brings no driver, the application adds {@code org.xerial:sqlite-jdbc} or
 * {@code org.postgresql:postgresql}. The database is told from
 * {@link DatabaseMetaData#getDatabaseProductName()}; any other is refused with a
 * {@link JournalException}.
 *
 * <h2>Schema</h2>
 * Created if missing when the journal is opened, in one transaction. Table names start with a
 * prefix, {@code onceonly_} unless {@link Builder#tablePrefix} says otherwise.
 * <pre>{@code
 * CREATE TABLE onceonly_journal_schema (version INTEGER NOT NULL);  -- one row: 1
 *
 * CREATE TABLE onceonly_operations (
 *   idempotency_key TEXT    NOT NULL PRIMARY KEY,
 *   operation       TEXT    NOT NULL,  -- such as transfers.create
 *   method          TEXT    NOT NULL,  -- such as POST
 *   url             TEXT    NOT NULL,
 *   headers         TEXT    NOT NULL,  -- "name:value" lines, see below
 *   body            BLOB    NOT NULL,  -- BYTEA on PostgreSQL; the exact bytes sent
 *   first_sent_at   BIGINT  NOT NULL,  -- epoch milliseconds
 *   key_expires_at  BIGINT  NOT NULL,  -- epoch milliseconds
 *   state           TEXT    NOT NULL CHECK (state IN ('PENDING','SUCCEEDED','FAILED','EXPIRED')),
 *   status_code     INTEGER NOT NULL DEFAULT 0,  -- the final answer's status; 0 while pending
 *   response        BLOB,              -- BYTEA on PostgreSQL; the final answer's body, NULL while pending
 *   lease_owner     TEXT,              -- who claimed it, NULL if no one
 *   lease_until     BIGINT,            -- epoch milliseconds; the claim holds until then
 *   updated_at      BIGINT  NOT NULL,  -- epoch milliseconds, by the journal's clock; for people, never read
 *   reference       TEXT               -- the caller's own reference (a job or invoice id), NULL if none
 * );
 * CREATE INDEX onceonly_operations_pending ON onceonly_operations (first_sent_at, idempotency_key)
 *   WHERE state = 'PENDING';
 * CREATE INDEX onceonly_operations_reference ON onceonly_operations (reference, first_sent_at)
 *   WHERE reference IS NOT NULL;
 * }</pre>
 * Instants are stored as epoch milliseconds: what is read back is the instant written,
 * truncated to the millisecond. Headers are stored one per line as {@code name:value} in their
 * order, lines separated by {@code \n}; {@code %}, control characters, and {@code :} in a name
 * are written as {@code %XX} (hex), so {@code Content-Type:application/json} reads as itself.
 *
 * <p>The schema table holds the version of the schema. Opening a journal whose version is newer
 * than this code knows fails with a {@link JournalException} naming both versions, before
 * anything is written: an older SDK never writes into a newer layout. A later version of this
 * class upgrades older schemas in place, in one transaction.
 *
 * <h2>SQLite</h2>
 * For one process (or a few on one machine) writing a local file.
 * <ul>
 *   <li>{@code journal_mode=WAL}: readers never block the writer, and a commit appends to the
 *       log instead of rewriting pages.
 *   <li>{@code synchronous=FULL} (or {@code NORMAL}, see {@link Builder#sqliteSynchronous}):
 *       every commit is fsynced before it returns, so an entry
 *       survives not only a killed process (which {@code NORMAL} would also survive) but a
 *       power loss or an OS crash, which {@code NORMAL} may roll back. A journal entry lost
 *       after its request was sent is the one failure a journal exists to prevent, so the fsync
 *       is paid, and group commit (below) shares it between callers.
 *   <li>{@code busy_timeout}, 5 s unless {@link Builder#sqliteBusyTimeout} says otherwise: how
 *       long a write waits for another process's lock before failing.
 *   <li><b>Group commit.</b> All writes go through one daemon thread
 *       ({@code onceonly-journal-writer-N}) that owns one connection, taken from the
 *       {@code DataSource} when the journal opens and kept until {@link #close()}. It takes
 *       every write queued at that moment, runs them in one {@code BEGIN IMMEDIATE}
 *       transaction, commits once, and only then answers each caller: a write is never
 *       acknowledged before the commit that holds it, and sixteen threads calling
 *       {@link #begin} at once share a few fsyncs. {@link #claim} runs in that same
 *       {@code BEGIN IMMEDIATE} transaction, which holds SQLite's write lock from its first
 *       statement: another process's claim waits for it, so two owners never claim one entry.
 *   <li>Reads ({@link #find}, {@link #pending}) borrow a connection from the
 *       {@code DataSource} per call. With sqlite-jdbc's {@code SQLiteDataSource} each is a new
 *       connection to the file; a pool must allow at least two connections, since the writer
 *       keeps one.
 *   <li>An in-memory database ({@code jdbc:sqlite::memory:}) is refused: it survives nothing,
 *       and each connection would see a database of its own.
 * </ul>
 *
 * <h2>PostgreSQL</h2>
 * For many application instances sharing one journal. Each call borrows a connection from the
 * {@code DataSource} (give it a pool) and runs one transaction at {@code READ COMMITTED};
 * PostgreSQL groups concurrent commits itself. {@link #claim} selects the oldest claimable
 * entries with {@code FOR UPDATE SKIP LOCKED} and sets their lease in the same transaction, so
 * instances claiming at once skip each other's rows instead of waiting or claiming them twice.
 * The schema is created under a transaction-scoped advisory lock, so instances starting together
 * do not race on it. Durability is the server's: keep {@code synchronous_commit} on.
 *
 * <h2>Leases</h2>
 * {@link #claim} sets {@code lease_owner} and {@code lease_until = now + lease} on each entry it
 * returns. An entry is claimable while pending and either unowned or {@code lease_until <= now}:
 * an owner that dies leaves its entries to the next claimer once their lease ends. {@link #settle}
 * and {@link #release} clear the lease. Times come from the callers' {@code now}, so instances
 * sharing a journal need clocks that roughly agree (lease lengths should dwarf their skew).
 *
 * <h2>Failures</h2>
 * Every {@link SQLException}, and every runtime exception from the driver, becomes a
 * {@link JournalException} whose message names the journal ({@link #describe()}), what failed,
 * and the idempotency key where there is one, followed by the first line of the driver's
 * message. The driver's exception is the cause. Messages never hold a request body, a password
 * or a URL's query parameters. A failed {@link #begin} wrote nothing, so the client sends nothing;
 * the one exception, said in the message, is a commit that itself failed (a lost connection or
 * an I/O error during commit), whose outcome cannot be known.
 *
 * <h2>Contract</h2>
 * Thread-safe. {@link #begin} is durable when it returns. The {@code DataSource} stays the
 * caller's: {@link #close()} returns the connections the journal holds and stops its writer
 * thread, never closes the {@code DataSource}, and never throws. Every call after
 * {@code close()} fails with a {@link JournalException}.
 */
public final class JdbcOperationJournal implements OperationJournal {

  /** The schema version this code writes and reads. */
  static final int SCHEMA_VERSION = 1;

  static final String DEFAULT_TABLE_PREFIX = "onceonly_";
  static final Duration DEFAULT_SQLITE_BUSY_TIMEOUT = Duration.ofSeconds(5);

  private static final Pattern TABLE_PREFIX = Pattern.compile("[a-z_][a-z0-9_]{0,39}");
  private static final AtomicInteger WRITER_THREADS = new AtomicInteger();
  /** Distinguishes this journal's advisory lock from any other user of pg_advisory_xact_lock. */
  private static final long ADVISORY_LOCK_BASE = 0x6f6e63656f6e6c79L; // "onceonly"

  enum Dialect {
    SQLITE("SQLite", "BLOB"),
    POSTGRESQL("PostgreSQL", "BYTEA");

    final String productName;
    final String bytesType;

    Dialect(String productName, String bytesType) {
      this.productName = productName;
      this.bytesType = bytesType;
    }
  }

  private final DataSource dataSource;
  private final Dialect dialect;
  private final String description;
  private final Clock clock;
  private final int busyTimeoutMillis;
  private final boolean settleSuccessInBackground;
  private final String sqliteSynchronous;
  private static final System.Logger LOG = System.getLogger("dev.onceonly.journal");
  private final @Nullable SqliteWriter writer;
  private volatile boolean closed;
  /** PostgreSQL's counters; SQLite's are the writer's. */
  private final AtomicLong commits = new AtomicLong();

  private final String operations;
  private final String schemaTable;
  private final String insertSql;
  private final String findByReferenceSql;
  private final String findSql;
  private final String pendingSql;
  private final String settleSql;
  private final String claimableSql;
  private final String leaseSql;
  private final String releaseSql;
  private final String purgeSql;

  private static final String COLUMNS = "idempotency_key, operation, method, url, headers, body, first_sent_at,"
      + " key_expires_at, state, status_code, response, reference";

  /**
   * A journal in the database behind {@code dataSource}, with the default table prefix
   * ({@code onceonly_}) and settings; creates the tables if missing.
   *
   * @throws JournalException if the database cannot be reached, is neither SQLite nor
   *     PostgreSQL, holds a schema newer than this code knows, or the tables cannot be created
   */
  public static JdbcOperationJournal create(DataSource dataSource) {
    return builder(dataSource).build();
  }

  /** Settings for a journal in the database behind {@code dataSource}. */
  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  /** Settings for a {@link JdbcOperationJournal}. Not thread-safe; {@link #build()} opens the journal. */
  public static final class Builder {
    private final DataSource dataSource;
    private String tablePrefix = DEFAULT_TABLE_PREFIX;
    private Duration sqliteBusyTimeout = DEFAULT_SQLITE_BUSY_TIMEOUT;
    private boolean settleSuccessInBackground = true;
    private String sqliteSynchronous = "FULL";
    private Clock clock = Clock.systemUTC();

    private Builder(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * The start of both tables' names: lower-case letters, digits and {@code _}, starting with a
     * letter or {@code _}, at most 40 characters; {@code onceonly_} by default. Journals with
     * different prefixes in one database are independent.
     */
    public Builder tablePrefix(String tablePrefix) {
      Objects.requireNonNull(tablePrefix, "tablePrefix");
      if (!TABLE_PREFIX.matcher(tablePrefix).matches()) {
        throw new IllegalArgumentException("tablePrefix must match " + TABLE_PREFIX + ", was: " + tablePrefix);
      }
      this.tablePrefix = tablePrefix;
      return this;
    }

    /**
     * How long a SQLite write waits for a lock another connection holds before it fails (SQLite's
     * {@code busy_timeout}); 5 s by default. Ignored on PostgreSQL.
     */
    public Builder sqliteBusyTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.toMillis() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("sqliteBusyTimeout must be between 0 and " + Integer.MAX_VALUE
            + " ms, was: " + timeout);
      }
      this.sqliteBusyTimeout = timeout;
      return this;
    }

    /**
     * Whether, on SQLite, settling an operation as {@code SUCCEEDED} is queued behind the create
     * rather than waited for. Default {@code true}: the create then waits for one commit (its
     * write-ahead), not two. It is safe because the only loss a crash can cause is that entry
     * staying pending: the next resume sends it again with the same key and bytes, and the server
     * replays the answer. A refusal ({@code FAILED}) or an expiry is always waited for, since
     * losing those could let a resume redo what the caller was told had failed. PostgreSQL always
     * waits.
     */
    public Builder settleSuccessInBackground(boolean settleSuccessInBackground) {
      this.settleSuccessInBackground = settleSuccessInBackground;
      return this;
    }

    /**
     * SQLite's {@code synchronous} setting: {@code "FULL"} (the default) fsyncs every commit, so
     * an entry survives a power loss; {@code "NORMAL"} (in WAL mode) fsyncs only at checkpoints, so
     * an entry survives a killed process ({@code kill -9}, an OOM, a deploy) but not a power loss or
     * an operating-system crash, and commits cost far less. Choose NORMAL only where the machine
     * cannot lose power without the whole service failing over.
     *
     * @throws IllegalArgumentException unless {@code "FULL"} or {@code "NORMAL"}
     */
    public Builder sqliteSynchronous(String synchronous) {
      Objects.requireNonNull(synchronous, "synchronous");
      String s = synchronous.strip().toUpperCase(java.util.Locale.ROOT);
      if (!s.equals("FULL") && !s.equals("NORMAL")) {
        throw new IllegalArgumentException("sqliteSynchronous must be FULL or NORMAL, was: " + synchronous);
      }
      this.sqliteSynchronous = s;
      return this;
    }

    /**
     * The clock for the {@code updated_at} column, which is for people reading the table and is
     * never read by the journal; the system clock by default. Leases use the {@code now} given
     * to {@link JdbcOperationJournal#claim}.
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Opens the journal: detects the database, applies its settings, creates or checks the
     * schema, and on SQLite starts the writer thread.
     *
     * @throws JournalException as {@link JdbcOperationJournal#create} says
     */
    public JdbcOperationJournal build() {
      return new JdbcOperationJournal(this);
    }
  }

  private JdbcOperationJournal(Builder b) {
    this.dataSource = b.dataSource;
    this.clock = b.clock;
    this.busyTimeoutMillis = (int) b.sqliteBusyTimeout.toMillis();
    this.settleSuccessInBackground = b.settleSuccessInBackground;
    this.sqliteSynchronous = b.sqliteSynchronous;
    String p = b.tablePrefix;
    this.operations = p + "operations";
    this.schemaTable = p + "journal_schema";

    String fallbackName = nameBeforeConnecting(dataSource, p);
    Connection c;
    try {
      c = dataSource.getConnection();
    } catch (SQLException | RuntimeException e) {
      throw new JournalException(fallbackName + ": could not connect to open the journal: " + firstLine(e),
          fallbackName, null, e);
    }
    boolean keepConnection = false;
    try {
      @Nullable String product;
      @Nullable String url;
      try {
        DatabaseMetaData meta = c.getMetaData();
        product = meta.getDatabaseProductName();
        url = meta.getURL();
      } catch (SQLException | RuntimeException e) {
        throw new JournalException(fallbackName + ": could not read the database's metadata: " + firstLine(e),
            fallbackName, null, e);
      }
      Dialect d = dialectOf(product);
      String name = (d == null ? String.valueOf(product) : d.productName) + " journal "
          + (url == null ? dataSourceName(dataSource) : safeUrl(url)) + tablesSuffix(p);
      if (d == null) {
        throw new JournalException(name + ": the journal runs on SQLite or PostgreSQL, not " + product,
            name, null, null);
      }
      this.dialect = d;
      this.description = name;

      this.insertSql = "INSERT INTO " + operations + " (" + COLUMNS + ", lease_owner, lease_until, updated_at)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'PENDING', 0, NULL, ?, ?, ?, ?)"
          + " ON CONFLICT (idempotency_key) DO NOTHING";
      this.findSql = "SELECT " + COLUMNS + " FROM " + operations + " WHERE idempotency_key = ?";
      this.findByReferenceSql = "SELECT " + COLUMNS + " FROM " + operations
          + " WHERE reference = ? ORDER BY first_sent_at DESC, idempotency_key DESC LIMIT 1";
      this.pendingSql = "SELECT " + COLUMNS + " FROM " + operations
          + " WHERE state = 'PENDING' ORDER BY first_sent_at, idempotency_key";
      this.settleSql = "UPDATE " + operations + " SET state = ?, status_code = ?, response = ?, lease_owner = NULL,"
          + " lease_until = NULL, updated_at = ? WHERE idempotency_key = ? AND state = 'PENDING'";
      this.claimableSql = "SELECT " + COLUMNS + " FROM " + operations
          + " WHERE state = 'PENDING' AND (lease_owner IS NULL OR lease_until <= ?)"
          + " ORDER BY first_sent_at, idempotency_key LIMIT ?"
          // SQLite has no row locks: its claim runs in a BEGIN IMMEDIATE transaction instead.
          + (dialect == Dialect.POSTGRESQL ? " FOR UPDATE SKIP LOCKED" : "");
      this.leaseSql = "UPDATE " + operations + " SET lease_owner = ?, lease_until = ?, updated_at = ?"
          + " WHERE idempotency_key = ? AND state = 'PENDING'";
      this.releaseSql = "UPDATE " + operations + " SET lease_owner = NULL, lease_until = NULL, updated_at = ?"
          + " WHERE idempotency_key = ? AND lease_owner = ?";
      this.purgeSql = "DELETE FROM " + operations + " WHERE state <> 'PENDING' AND key_expires_at < ?";

      if (dialect == Dialect.SQLITE) {
        openSqlite(c);
        this.writer = new SqliteWriter(c, "onceonly-journal-writer-" + WRITER_THREADS.incrementAndGet());
        keepConnection = true;
      } else {
        openPostgres(c);
        this.writer = null;
      }
    } finally {
      if (!keepConnection) {
        closeQuietly(c);
      }
    }
  }

  private static @Nullable Dialect dialectOf(@Nullable String product) {
    for (Dialect d : Dialect.values()) {
      if (d.productName.equalsIgnoreCase(product)) {
        return d;
      }
    }
    return null;
  }

  // ---------------------------------------------------------------------------------------------
  // Opening: settings and schema

  private void openSqlite(Connection c) {
    try {
      if (!c.getAutoCommit()) {
        c.setAutoCommit(true); // the writer issues BEGIN IMMEDIATE and COMMIT itself
      }
      setBusyTimeout(c);
      // Read the version before anything below writes to the file (journal_mode does): a newer
      // journal is left exactly as it was. A file that is not a database fails here too.
      checkVersion(readVersion(c));
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA journal_mode=WAL")) {
        String mode = rs.next() ? rs.getString(1) : null;
        if (!"wal".equalsIgnoreCase(mode)) {
          throw new JournalException(description + ": could not open the journal: SQLite kept journal_mode "
              + mode + " instead of WAL (an in-memory database survives nothing)", description, null, null);
        }
      }
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA synchronous=" + sqliteSynchronous); // FULL or NORMAL, checked by the builder
      }
      try (Statement s = c.createStatement()) {
        s.execute("BEGIN IMMEDIATE");
      }
      try {
        createOrCheckSchema(c);
        try (Statement s = c.createStatement()) {
          s.execute("COMMIT");
        }
      } catch (SQLException | RuntimeException e) {
        try (Statement s = c.createStatement()) {
          s.execute("ROLLBACK");
        } catch (SQLException | RuntimeException ignored) {
          // already rolled back
        }
        throw e;
      }
    } catch (SQLException | RuntimeException e) {
      throw openFailure(e);
    }
  }

  private void openPostgres(Connection c) {
    try {
      c.setAutoCommit(false);
      try {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
          ps.setLong(1, ADVISORY_LOCK_BASE ^ operations.hashCode());
          ps.executeQuery().close();
        }
        createOrCheckSchema(c);
        c.commit();
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c);
        throw e;
      }
    } catch (SQLException | RuntimeException e) {
      throw openFailure(e);
    }
  }

  private JournalException openFailure(Exception e) {
    if (e instanceof JournalException) {
      return (JournalException) e;
    }
    return new JournalException(description + ": could not open the journal: " + firstLine(e), description, null, e);
  }

  /** Inside the caller's transaction: creates the tables if there are none, else checks the version. */
  private void createOrCheckSchema(Connection c) throws SQLException {
    Integer version = readVersion(c);
    checkVersion(version);
    if (version != null) {
      return;
    }
    String bytes = dialect.bytesType;
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS " + operations + " ("
          + "idempotency_key TEXT NOT NULL PRIMARY KEY, "
          + "operation TEXT NOT NULL, "
          + "method TEXT NOT NULL, "
          + "url TEXT NOT NULL, "
          + "headers TEXT NOT NULL, "
          + "body " + bytes + " NOT NULL, "
          + "first_sent_at BIGINT NOT NULL, "
          + "key_expires_at BIGINT NOT NULL, "
          + "state TEXT NOT NULL CHECK (state IN ('PENDING', 'SUCCEEDED', 'FAILED', 'EXPIRED')), "
          + "status_code INTEGER NOT NULL DEFAULT 0, "
          + "response " + bytes + ", "
          + "lease_owner TEXT, "
          + "lease_until BIGINT, "
          + "updated_at BIGINT NOT NULL, "
          + "reference TEXT)");
      // Partial: settled entries pile up until purged, the index keeps only what claim scans.
      s.execute("CREATE INDEX IF NOT EXISTS " + operations + "_pending ON " + operations
          + " (first_sent_at, idempotency_key) WHERE state = 'PENDING'");
      s.execute("CREATE INDEX IF NOT EXISTS " + operations + "_reference ON " + operations
          + " (reference, first_sent_at) WHERE reference IS NOT NULL");
      s.execute("CREATE TABLE IF NOT EXISTS " + schemaTable + " (version INTEGER NOT NULL)");
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + schemaTable + " (version) VALUES (?)")) {
      ps.setInt(1, SCHEMA_VERSION);
      ps.executeUpdate();
    }
  }

  /** The schema version, or null if there is no schema table or it is empty. */
  private @Nullable Integer readVersion(Connection c) throws SQLException {
    String exists = dialect == Dialect.SQLITE
        ? "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
        : "SELECT 1 WHERE to_regclass(?) IS NOT NULL";
    try (PreparedStatement ps = c.prepareStatement(exists)) {
      ps.setString(1, schemaTable);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
      }
    }
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT max(version) FROM " + schemaTable)) {
      if (!rs.next()) {
        return null;
      }
      int v = rs.getInt(1);
      return rs.wasNull() ? null : v;
    }
  }

  private void checkVersion(@Nullable Integer version) {
    if (version != null && version > SCHEMA_VERSION) {
      throw new JournalException(description + ": the journal's schema is version " + version
          + ", newer than version " + SCHEMA_VERSION + " that this SDK knows; open it with a newer SDK."
          + " Nothing was written.", description, null, null);
    }
  }

  private void setBusyTimeout(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA busy_timeout=" + busyTimeoutMillis);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The journal

  @Override
  public String describe() {
    return description;
  }

  @Override
  public String toString() {
    return description;
  }

  @Override
  public JournalEntry begin(JournalEntry entry) {
    return begin(entry, null, null);
  }

  @Override
  public JournalEntry begin(JournalEntry entry, @Nullable String owner, @Nullable Instant leaseUntil) {
    Objects.requireNonNull(entry, "entry");
    if (entry.state() != JournalState.PENDING) {
      throw new IllegalArgumentException("begin takes a PENDING entry, was: " + entry.state());
    }
    String key = entry.idempotencyKey();
    String headers = HeaderText.encode(entry.headers());
    long firstSentAt = epochMillis(entry.firstSentAt(), "firstSentAt");
    long keyExpiresAt = epochMillis(entry.keyExpiresAt(), "keyExpiresAt");
    return write("begin operation", key, c -> {
      try (PreparedStatement ps = c.prepareStatement(insertSql)) {
        ps.setString(1, key);
        ps.setString(2, entry.operation());
        ps.setString(3, entry.method());
        ps.setString(4, entry.url());
        ps.setString(5, headers);
        ps.setBytes(6, entry.body());
        ps.setLong(7, firstSentAt);
        ps.setLong(8, keyExpiresAt);
        ps.setString(9, entry.reference());
        ps.setString(10, owner);
        if (owner == null || leaseUntil == null) {
          ps.setNull(11, java.sql.Types.BIGINT);
        } else {
          ps.setLong(11, epochMillis(leaseUntil, "leaseUntil"));
        }
        ps.setLong(12, clock.millis());
        if (ps.executeUpdate() == 1) {
          // Written as given: the entry held is this one (no read-back, which each create would
          // pay for). Instants are kept to the millisecond, as a read-back would return them.
          return entry.firstSentAt().getNano() % 1_000_000 == 0 && entry.keyExpiresAt().getNano() % 1_000_000 == 0
              ? entry : truncatedToMillis(entry);
        }
      }
      // 0 rows: the key was there, and the entry held is kept and returned.
      JournalEntry held = find(c, key);
      if (held == null) {
        throw new SQLException("the entry was not there after it was inserted");
      }
      return held;
    });
  }

  @Override
  public void settle(String idempotencyKey, JournalState state, int statusCode, byte[] response) {
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(response, "response");
    if (state == JournalState.PENDING) {
      throw new IllegalArgumentException("an entry is settled as SUCCEEDED, FAILED or EXPIRED, not PENDING");
    }
    Work<Integer> update = c -> {
      try (PreparedStatement ps = c.prepareStatement(settleSql)) {
        ps.setString(1, state.name());
        ps.setInt(2, statusCode);
        ps.setBytes(3, response);
        ps.setLong(4, clock.millis());
        ps.setString(5, idempotencyKey);
        return ps.executeUpdate(); // 0 if not pending: settling twice changes nothing
      }
    };
    SqliteWriter w = writer;
    if (w != null && settleSuccessInBackground && state == JournalState.SUCCEEDED
        && w.submitBehind(update::run, f -> LOG.log(System.Logger.Level.WARNING,
            "{0} could not settle Idempotency-Key {1} as SUCCEEDED ({2}); it stays pending, and a resume settles it"
                + " by a replay", description, idempotencyKey, f.kind))) {
      return; // queued behind the create: see Builder.settleSuccessInBackground
    }
    write("settle operation", idempotencyKey, update);
  }


  @Override
  public Optional<JournalEntry> find(String idempotencyKey) {
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    return Optional.ofNullable(read("find operation", idempotencyKey, c -> find(c, idempotencyKey)));
  }

  @Override
  public Optional<JournalEntry> findByReference(String reference) {
    Objects.requireNonNull(reference, "reference");
    return Optional.ofNullable(read("find operation by reference", null, c -> {
      try (PreparedStatement ps = c.prepareStatement(findByReferenceSql)) {
        ps.setString(1, reference);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? entry(rs) : null;
        }
      }
    }));
  }

  @Override
  public List<JournalEntry> pending() {
    return read("list pending operations", null, c -> {
      try (PreparedStatement ps = c.prepareStatement(pendingSql); ResultSet rs = ps.executeQuery()) {
        List<JournalEntry> entries = new ArrayList<>();
        while (rs.next()) {
          entries.add(entry(rs));
        }
        return entries;
      }
    });
  }

  @Override
  public List<JournalEntry> claim(String owner, Instant now, Duration lease, int max) {
    ClaimArguments.check(owner, now, lease, max);
    long nowMillis = epochMillis(now, "now");
    long until = epochMillis(now.plus(lease), "now + lease");
    return write("claim operations for " + owner, null, c -> {
      List<JournalEntry> claimed = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(claimableSql)) {
        ps.setLong(1, nowMillis);
        ps.setInt(2, max);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            claimed.add(entry(rs));
          }
        }
      }
      if (!claimed.isEmpty()) {
        long updatedAt = clock.millis();
        try (PreparedStatement ps = c.prepareStatement(leaseSql)) {
          for (JournalEntry e : claimed) {
            ps.setString(1, owner);
            ps.setLong(2, until);
            ps.setLong(3, updatedAt);
            ps.setString(4, e.idempotencyKey());
            ps.addBatch();
          }
          ps.executeBatch();
        }
      }
      return claimed;
    });
  }

  @Override
  public void release(String idempotencyKey, String owner) {
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(owner, "owner");
    write("release operation", idempotencyKey, c -> {
      try (PreparedStatement ps = c.prepareStatement(releaseSql)) {
        ps.setLong(1, clock.millis());
        ps.setString(2, idempotencyKey);
        ps.setString(3, owner);
        return ps.executeUpdate();
      }
    });
  }

  @Override
  public int purgeSettled(Instant cutoff) {
    Objects.requireNonNull(cutoff, "cutoff");
    long cutoffMillis = epochMillis(cutoff, "cutoff");
    return write("purge settled operations", null, c -> {
      try (PreparedStatement ps = c.prepareStatement(purgeSql)) {
        ps.setLong(1, cutoffMillis);
        return ps.executeUpdate();
      }
    });
  }

  /**
   * Stops the SQLite writer after the writes already queued (waiting up to the busy timeout plus
   * 5 s for them; any still queued then fail with a {@link JournalException}), and returns its
   * connection. Leaves the {@code DataSource} open. Never throws; a second call does nothing.
   */
  @Override
  public void close() {
    closed = true;
    SqliteWriter w = writer;
    if (w != null) {
      try {
        w.close(Duration.ofMillis(busyTimeoutMillis).plusSeconds(5));
      } catch (RuntimeException ignored) {
        // close never throws; the writer's thread is a daemon and ends with the process anyway
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // For tests in this package: how many writes shared how many commits.

  /** Transactions that committed journal writes. */
  long commitCount() {
    return writer != null ? writer.commits() : commits.get();
  }

  /** Writes acknowledged after their commit. */
  long writeCount() {
    return writer != null ? writer.writes() : commits.get();
  }

  /** Writes handed to the SQLite writer so far (queued, running or done); 0 on PostgreSQL. */
  long submittedWriteCount() {
    return writer != null ? writer.submitted() : 0;
  }

  /** Batches the SQLite writer has taken from its queue; 0 on PostgreSQL. */
  long batchCount() {
    return writer != null ? writer.batches() : 0;
  }

  /** Writes handed to the SQLite writer and not yet taken into a transaction; 0 on PostgreSQL. */
  int queuedWriteCount() {
    return writer != null ? writer.queued() : 0;
  }

  /** A SQLite PRAGMA's value as the writer's connection has it, read in the writer's next transaction. */
  String writerPragma(String name) {
    return write("read PRAGMA " + name, null, c -> {
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA " + name)) {
        return rs.next() ? String.valueOf(rs.getString(1)) : "";
      }
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Plumbing

  @FunctionalInterface
  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs {@code work} in a write transaction: the SQLite writer's next, or its own on PostgreSQL. */
  private <T> T write(String what, @Nullable String key, Work<T> work) {
    SqliteWriter w = writer;
    if (w != null) {
      try {
        return w.submit(work::run);
      } catch (SqliteWriter.Failure f) {
        switch (f.kind) {
          case CLOSED:
            throw closedFailure(what, key);
          case OUTCOME_UNKNOWN:
            throw failure(what, key, "the commit failed, so it may or may not have been written", f.getCause());
          default:
            throw failure(what, key, null, f.getCause());
        }
      }
    }
    if (closed) {
      throw closedFailure(what, key);
    }
    Connection c;
    try {
      c = dataSource.getConnection();
    } catch (SQLException | RuntimeException e) {
      throw failure(what, key, null, e);
    }
    try {
      T result;
      int isolation;
      try {
        c.setAutoCommit(false);
        isolation = c.getTransactionIsolation();
        if (isolation != Connection.TRANSACTION_READ_COMMITTED) {
          // claim relies on it: SKIP LOCKED then re-checks a row someone else just changed,
          // where REPEATABLE READ would fail with a serialisation error instead.
          c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        }
        result = work.run(c);
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c);
        throw failure(what, key, null, e);
      }
      try {
        c.commit();
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c);
        throw failure(what, key, "the commit failed, so it may or may not have been written", e);
      }
      commits.incrementAndGet();
      try {
        if (isolation != Connection.TRANSACTION_READ_COMMITTED) {
          c.setTransactionIsolation(isolation);
        }
        c.setAutoCommit(true);
      } catch (SQLException | RuntimeException ignored) {
        // committed already; a pool resets the connection anyway
      }
      return result;
    } finally {
      closeQuietly(c);
    }
  }

  /** Runs {@code work} on a connection borrowed for the call, outside any write transaction. */
  private <T> T read(String what, @Nullable String key, Work<T> work) {
    if (closed) {
      throw closedFailure(what, key);
    }
    SqliteWriter w = writer;
    if (w != null && settleSuccessInBackground) {
      // Settles queued behind their creates are committed before a read: whoever settled and
      // then reads sees it, as if the settle had been waited for.
      try {
        w.flushBehind();
      } catch (SqliteWriter.Failure f) {
        // a settle that failed stays pending, as its warning said; the read goes on
      }
    }
    Connection c;
    try {
      c = dataSource.getConnection();
    } catch (SQLException | RuntimeException e) {
      throw failure(what, key, null, e);
    }
    try {
      if (dialect == Dialect.SQLITE) {
        setBusyTimeout(c);
      }
      return work.run(c);
    } catch (SQLException | RuntimeException e) {
      throw failure(what, key, null, e);
    } finally {
      closeQuietly(c);
    }
  }

  private @Nullable JournalEntry find(Connection c, String key) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(findSql)) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? entry(rs) : null;
      }
    }
  }

  private static JournalEntry entry(ResultSet rs) throws SQLException {
    String key = rs.getString(1);
    String operation = rs.getString(2);
    String method = rs.getString(3);
    String url = rs.getString(4);
    String headers = rs.getString(5);
    byte[] body = rs.getBytes(6);
    long firstSentAt = rs.getLong(7);
    long keyExpiresAt = rs.getLong(8);
    String state = rs.getString(9);
    int statusCode = rs.getInt(10);
    byte[] response = rs.getBytes(11);
    // SQLite hands back null for a zero-length BLOB: tell it from SQL NULL.
    if (response == null && !rs.wasNull()) {
      response = new byte[0];
    }
    String reference = rs.getString(12);
    return new JournalEntry(key, operation, method, url, HeaderText.decode(headers), body == null ? new byte[0] : body,
        Instant.ofEpochMilli(firstSentAt), Instant.ofEpochMilli(keyExpiresAt), JournalState.valueOf(state),
        statusCode, response, reference);
  }

  private static JournalEntry truncatedToMillis(JournalEntry e) {
    return new JournalEntry(e.idempotencyKey(), e.operation(), e.method(), e.url(), e.headers(), e.body(),
        Instant.ofEpochMilli(e.firstSentAt().toEpochMilli()), Instant.ofEpochMilli(e.keyExpiresAt().toEpochMilli()),
        e.state(), e.statusCode(), e.response(), e.reference());
  }

  private static long epochMillis(Instant instant, String name) {
    try {
      return instant.toEpochMilli();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(name + " is out of the journal's range (epoch milliseconds in a long): "
          + instant, e);
    }
  }

  private JournalException closedFailure(String what, @Nullable String key) {
    return failure(what, key, "the journal is closed", null);
  }

  private JournalException failure(String what, @Nullable String key, @Nullable String why, @Nullable Throwable cause) {
    StringBuilder m = new StringBuilder(description).append(": could not ").append(what);
    if (key != null) {
      m.append(' ').append(key);
    }
    if (why != null) {
      m.append(": ").append(why);
    }
    if (cause != null) {
      m.append(": ").append(firstLine(cause));
    }
    return new JournalException(m.toString(), description, key, cause);
  }

  /**
   * The driver's message, first line only: PostgreSQL puts the server's detail (which for some
   * errors lists a row's values) on the lines after it.
   */
  static String firstLine(Throwable e) {
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      return e.getClass().getSimpleName();
    }
    int nl = m.indexOf('\n');
    return (nl < 0 ? m : m.substring(0, nl)).strip();
  }

  /**
   * A JDBC URL fit for messages: without user info ({@code //user:password@host}) and without
   * anything after {@code ?} or {@code ;}, where drivers take properties such as a password.
   */
  static String safeUrl(String url) {
    String u = url;
    int cut = indexOfAny(u, '?', ';');
    if (cut >= 0) {
      u = u.substring(0, cut);
    }
    int authority = u.indexOf("//");
    if (authority >= 0) {
      int start = authority + 2;
      int end = u.indexOf('/', start);
      if (end < 0) {
        end = u.length();
      }
      int at = u.lastIndexOf('@', end - 1);
      if (at >= start) {
        u = u.substring(0, start) + u.substring(at + 1);
      }
    }
    return u;
  }

  private static int indexOfAny(String s, char a, char b) {
    int i = s.indexOf(a);
    int j = s.indexOf(b);
    return i < 0 ? j : j < 0 ? i : Math.min(i, j);
  }

  private static String tablesSuffix(String tablePrefix) {
    return tablePrefix.equals(DEFAULT_TABLE_PREFIX) ? "" : " (tables " + tablePrefix + "*)";
  }

  /**
   * What to call a journal whose database could not be reached yet: its kind and URL, told from
   * the DataSource's URL if it has a JavaBeans getter for one (SQLiteDataSource,
   * PGSimpleDataSource and HikariDataSource do), made safe; otherwise its class.
   */
  static String nameBeforeConnecting(DataSource dataSource, String tablePrefix) {
    String where = dataSourceName(dataSource);
    String kind = where.startsWith("jdbc:sqlite:") ? Dialect.SQLITE.productName + " journal "
        : where.startsWith("jdbc:postgresql:") ? Dialect.POSTGRESQL.productName + " journal "
        : "journal ";
    return kind + where + tablesSuffix(tablePrefix);
  }

  /** The DataSource's URL made safe, or "via" its class if it tells none. */
  static String dataSourceName(DataSource dataSource) {
    for (String getter : new String[] {"getUrl", "getURL", "getJdbcUrl"}) {
      try {
        Object url = dataSource.getClass().getMethod(getter).invoke(dataSource);
        if (url instanceof String && !((String) url).isBlank()) {
          return safeUrl((String) url);
        }
      } catch (ReflectiveOperationException | RuntimeException | LinkageError ignored) {
        // no such getter, or it failed: try the next
      }
    }
    return "via " + dataSource.getClass().getName();
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException | RuntimeException ignored) {
      // the connection is broken or the transaction is gone: nothing was committed either way
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException | RuntimeException ignored) {
      // a close failure says nothing about what was committed
    }
  }
}

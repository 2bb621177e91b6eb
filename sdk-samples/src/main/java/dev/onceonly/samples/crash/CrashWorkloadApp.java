package dev.onceonly.samples.crash;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.onceonly.ApiException;
import dev.onceonly.Money;
import dev.onceonly.OperationResult;
import dev.onceonly.OutcomeUnknownException;
import dev.onceonly.PaymentsClient;
import dev.onceonly.PaymentsException;
import dev.onceonly.RequestNotSentException;
import dev.onceonly.RequestOptions;
import dev.onceonly.ResumeReport;
import dev.onceonly.ResumeStatus;
import dev.onceonly.ResumedOperation;
import dev.onceonly.RetryPolicy;
import dev.onceonly.journal.JdbcOperationJournal;
import dev.onceonly.journal.JournalEntry;
import dev.onceonly.journal.JournalException;
import dev.onceonly.journal.OperationJournal;
import dev.onceonly.okhttp.OkHttpPaymentsClient;
import dev.onceonly.testkit.SandboxTransfer;
import dev.onceonly.transfers.Transfer;
import dev.onceonly.transfers.TransferCreateParams;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.postgresql.ds.PGSimpleDataSource;
import org.sqlite.SQLiteDataSource;

/**
 * A small application that moves money with the SDK and a durable journal, written to be killed.
 * It has a fixed list of business operations ({@code op-0} to {@code op-(N-1)}); each is one
 * transfer, created with {@code metadata.operation_id} and the journal
 * {@linkplain RequestOptions.Builder#reference reference} both set to the operation's name, and a
 * key the SDK mints. When a create returns, the application appends the operation to its own
 * {@linkplain DoneFile done file} (and fsyncs it): that file is its business state, and a kill
 * can fall between the create's answer and that write.
 *
 * <p>How it starts, which is the part to copy:
 * <ol>
 *   <li>{@code client.operations().resumePending()}: every operation the journal holds as pending
 *       (written ahead, then the process died, or the outcome stayed unknown) is sent again with
 *       its own key and bytes, and settled.
 *   <li>For every operation its done file does not list, it asks the journal
 *       ({@code client.operations().find(name)}):
 *       <ul>
 *         <li>{@code SUCCEEDED}: the transfer was made (perhaps settled by the resume just now);
 *             it is recorded as done without a request;
 *         <li>{@code STILL_UNKNOWN}: pending, still without an answer; left to the resumes below;
 *         <li>{@code FAILED}: the server refused it (recorded as failed), or nothing of it was
 *             ever sent (created now, with a new key);
 *         <li>{@code EXPIRED}: its key's window closed before it was settled: to reconcile by
 *             looking it up; counted, never re-sent;
 *         <li>nothing: it was never written ahead, so nothing of it was sent: created now.
 *       </ul>
 *   <li>It creates what is left on several threads; meanwhile, every {@code --resume-every-ms}, if
 *       the journal holds an orphan (a pending operation older than the retry policy's deadline
 *       plus 2 s, which no running create can still be working on), it runs
 *       {@code resumePending()} again, pausing its own creates for that time.
 *   <li>At the end it resumes every {@code --resume-every-ms} until none of its operations is
 *       unknown (and with {@code --drain}, until the journal holds no orphan at all), or
 *       {@code --settle-within-ms} has passed.
 * </ol>
 * With {@code --journal memory} it is the same program with the SDK's default journal, which
 * dies with the process: after a restart every operation not in the done file is created again,
 * with a new key. That is the baseline the crash demonstration compares with.
 *
 * <p>Standard output, one line each, for the process that runs it: {@code started ...} once the
 * journal is open, {@code working ...} after the start-up resume, and {@code finished ...} with
 * {@code name=value} counts at the end. Exit code 0 when every operation is done (made, or
 * refused by the server), 3 when some are left unknown, expired or unsent, 2 for a bad flag.
 */
public final class CrashWorkloadApp {

  private static final String SOURCE = "/funding-sources/707177c3-bf15-4e7e-b37c-55c3898d9bf4";
  private static final String DESTINATION = "/funding-sources/04173e17-6398-4d36-a167-9d98c4b1f1c3";
  /** How often a create that sent nothing (the journal or the network refused it) is tried again. */
  private static final int NOT_SENT_TRIES = 5;

  private final AppOptions options;
  private final PrintStream out;
  private final @Nullable DataSource dataSource;
  private final OperationJournal journal;
  private final PaymentsClient client;
  private final DoneFile doneFile;
  private final Map<String, String> done;
  private final Set<String> unknown = ConcurrentHashMap.newKeySet();
  private final Set<String> expired = ConcurrentHashMap.newKeySet();
  private final Set<String> notSent = ConcurrentHashMap.newKeySet();
  /** Creates hold it shared, a resume holds it alone: a resume never meets this process's own creates in flight. */
  private final ReentrantReadWriteLock resumeLock = new ReentrantReadWriteLock(true);
  private final AtomicInteger created = new AtomicInteger();
  private final AtomicInteger fromJournal = new AtomicInteger();
  private final AtomicInteger recovered = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();
  private final AtomicInteger resumes = new AtomicInteger();

  private CrashWorkloadApp(AppOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
    this.dataSource = options.journal() == null ? null : pooled(dataSource(options.journal()), options.threads());
    OperationJournal opened = dataSource == null ? OperationJournal.inMemory() : JdbcOperationJournal.create(dataSource);
    this.journal = options.events() == null ? opened : new RecordingJournal(opened, options.events());
    this.client = OkHttpPaymentsClient.builder()
        .baseUrl(options.baseUrl())
        .connectTimeout(options.readTimeout())
        .readTimeout(options.readTimeout())
        .retryPolicy(RetryPolicy.builder()
            .maxAttempts(10)
            .initialBackoff(Duration.ofMillis(10))
            .maxBackoff(Duration.ofMillis(100))
            .maxElapsed(options.maxElapsed())
            .build())
        .journal(journal)
        .build();
    this.done = new ConcurrentHashMap<>(DoneFile.read(options.doneFile()));
    this.doneFile = DoneFile.open(options.doneFile());
  }

  public static void main(String[] args) {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    Optional<AppOptions> options;
    try {
      options = AppOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("CrashWorkloadApp: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (options.isEmpty()) {
      out.print(AppOptions.usage());
      return;
    }
    int code;
    try {
      code = new CrashWorkloadApp(options.get(), out).run();
    } catch (InterruptedException e) {
      code = 4;
    }
    // The SDK's and the journal's threads are daemons, but OkHttp's may linger a minute: exit now.
    System.exit(code);
  }

  /** The journal's data source for a JDBC URL (see {@link JdbcOperationJournal} for what it needs). */
  static DataSource dataSource(String jdbcUrl) {
    if (jdbcUrl.startsWith("jdbc:sqlite:")) {
      SQLiteDataSource sqlite = new SQLiteDataSource();
      sqlite.setUrl(jdbcUrl);
      return sqlite;
    }
    PGSimpleDataSource postgres = new PGSimpleDataSource();
    postgres.setUrl(jdbcUrl);
    return postgres;
  }

  /**
   * PostgreSQL behind a pool (the journal borrows a connection per call, and PostgreSQL starts a
   * process for each new one); SQLite as it is (the journal keeps one connection for its writer
   * and opens a file for each read).
   */
  private static DataSource pooled(DataSource dataSource, int threads) {
    if (!(dataSource instanceof PGSimpleDataSource)) {
      return dataSource;
    }
    HikariConfig config = new HikariConfig();
    config.setDataSource(dataSource);
    config.setMaximumPoolSize(threads + 2);
    config.setPoolName("crash-app-journal");
    return new HikariDataSource(config);
  }

  private int run() throws InterruptedException {
    say("started pid=%d journal=%s done=%d", ProcessHandle.current().pid(), journal.describe(), done.size());
    ScheduledExecutorService orphans = Executors.newSingleThreadScheduledExecutor(daemon("orphan-resumer"));
    try {
      resume();
      List<String> toCreate = new ArrayList<>();
      for (String op : options.operations()) {
        if (!done.containsKey(op) && !unknown.contains(op) && askJournal(op) == Verdict.CREATE) {
          toCreate.add(op);
        }
      }
      say("working create=%d done=%d fromJournal=%d recovered=%d unknown=%d expired=%d", toCreate.size(),
          done.size(), fromJournal.get(), recovered.get(), unknown.size(), expired.size());

      long every = options.resumeEvery().toMillis();
      orphans.scheduleWithFixedDelay(this::resumeOrphans, every, every, TimeUnit.MILLISECONDS);
      createAll(toCreate);
      orphans.shutdown(); // a resume under way finishes: interrupting it would leave its operation unknown
      orphans.awaitTermination(1, TimeUnit.MINUTES);

      settleTheRest();
    } finally {
      orphans.shutdownNow();
      client.close();
      journal.close();
      if (dataSource instanceof HikariDataSource pool) {
        pool.close();
      }
      doneFile.close();
    }
    int left = unknown.size() + expired.size() + notSent.size();
    long made = done.values().stream().filter(v -> !v.startsWith(DoneFile.FAILED)).count();
    say("finished done=%d made=%d created=%d fromJournal=%d recovered=%d refused=%d unknown=%d expired=%d"
            + " notSent=%d resumes=%d",
        done.size(), made, created.get(), fromJournal.get(), recovered.get(), refused.get(),
        unknown.size(), expired.size(), notSent.size(), resumes.get());
    return left == 0 && done.size() == options.ops() ? 0 : 3;
  }

  /** What the journal says should happen to an operation the done file does not list. */
  private enum Verdict { DONE, CREATE, WAIT }

  /** Asks the journal what became of {@code op}, and records what it says. */
  private Verdict askJournal(String op) {
    Optional<ResumedOperation> found;
    try {
      found = client.operations().find(op);
    } catch (JournalException e) {
      say("journal unreadable for %s: %s", op, e.getMessage());
      unknown.add(op);
      return Verdict.WAIT;
    }
    if (found.isEmpty()) {
      return Verdict.CREATE; // never written ahead: nothing of it was sent
    }
    ResumedOperation operation = found.get();
    switch (operation.status()) {
      case SUCCEEDED -> {
        markDone(op, operation.transfer().map(Transfer::id).orElse("settled"));
        fromJournal.incrementAndGet();
        return Verdict.DONE;
      }
      case STILL_UNKNOWN -> {
        unknown.add(op);
        return Verdict.WAIT;
      }
      case EXPIRED -> {
        unknown.remove(op);
        expired.add(op);
        return Verdict.WAIT;
      }
      case FAILED -> {
        // Refused by the server, or never sent at all (the journal then holds no status).
        int status = journal.findByReference(op).map(JournalEntry::statusCode).orElse(0);
        unknown.remove(op);
        if (status == 0) {
          return Verdict.CREATE;
        }
        markFailed(op, status);
        return Verdict.DONE;
      }
    }
    throw new AssertionError(operation.status());
  }

  private void createAll(List<String> ops) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(options.threads(), daemon("create"));
    try {
      for (String op : ops) {
        pool.execute(() -> create(op));
      }
    } finally {
      pool.shutdown();
      pool.awaitTermination(1, TimeUnit.HOURS);
    }
  }

  /** Creates the transfer of {@code op} and records what came of it. */
  private void create(String op) {
    for (int tries = 1; ; tries++) {
      resumeLock.readLock().lock();
      try {
        OperationResult<Transfer> result = client.transfers().createWithResult(params(op),
            RequestOptions.builder().reference(op).build());
        markDone(op, result.value().id());
        created.incrementAndGet();
        return;
      } catch (OutcomeUnknownException e) {
        unknown.add(op); // the journal holds it pending: a resume settles it
        return;
      } catch (ApiException e) {
        markFailed(op, e.statusCode());
        return;
      } catch (RequestNotSentException | JournalException e) {
        // Nothing of it left this process: trying again with a new key is safe.
        if (tries >= NOT_SENT_TRIES) {
          notSent.add(op);
          say("not sent %s: %s", op, e.getMessage());
          return;
        }
      } catch (PaymentsException e) {
        unknown.add(op); // any other failure may have reached the server
        return;
      } finally {
        resumeLock.readLock().unlock();
      }
      sleep(Duration.ofMillis(50L * tries));
    }
  }

  /** The body of {@code op}'s transfer: its name as {@code operation_id}, and an amount of its own. */
  private TransferCreateParams params(String op) {
    int index = Integer.parseInt(op.substring(op.lastIndexOf('-') + 1));
    return TransferCreateParams.builder()
        .source(options.baseUrl() + SOURCE)
        .destination(options.baseUrl() + DESTINATION)
        .amount(Money.of("USD", BigDecimal.valueOf(100 + index % 99_900, 2)))
        .metadata(SandboxTransfer.OPERATION_ID, op)
        .build();
  }

  /**
   * Runs {@code resumePending()} with this process's creates paused, then asks the journal again
   * about every operation of ours still unknown.
   */
  private void resume() {
    resumeLock.writeLock().lock();
    try {
      resumes.incrementAndGet();
      ResumeReport report;
      try {
        report = client.operations().resumePending();
      } finally {
        if (journal instanceof RecordingJournal recording) {
          recording.resumed();
        }
      }
      if (!report.operations().isEmpty()) {
        say("resumed %d: succeeded=%d failed=%d unknown=%d expired=%d", report.operations().size(),
            report.count(ResumeStatus.SUCCEEDED), report.count(ResumeStatus.FAILED),
            report.count(ResumeStatus.STILL_UNKNOWN), report.count(ResumeStatus.EXPIRED));
      }
      for (ResumedOperation operation : report.operations()) {
        String op = operation.reference();
        if (op != null && operation.status() == ResumeStatus.SUCCEEDED && isOurs(op) && !done.containsKey(op)) {
          markDone(op, operation.transfer().map(Transfer::id).orElse("settled"));
          recovered.incrementAndGet();
        }
      }
      for (String op : List.copyOf(unknown)) {
        if (!done.containsKey(op) && askJournal(op) == Verdict.CREATE) {
          create(op);
        }
      }
    } catch (JournalException e) {
      say("resume failed: %s", e.getMessage());
    } finally {
      resumeLock.writeLock().unlock();
    }
  }

  /** Resumes if the journal holds an operation that no running create can still be working on. */
  private void resumeOrphans() {
    try {
      if (hasOrphans()) {
        resume();
      }
    } catch (RuntimeException e) {
      say("orphan check failed: %s", e);
    }
  }

  /**
   * Whether the journal holds a pending operation first sent longer ago than one operation may
   * take (the retry policy's deadline) plus 2 s: its create, in this process or another, has
   * ended, so it is an orphan (its process died, or its outcome stayed unknown).
   */
  private boolean hasOrphans() {
    Instant cutoff = Instant.now().minus(options.maxElapsed()).minusSeconds(2);
    return client.operations().pending().stream().anyMatch(p -> p.firstSentAt().isBefore(cutoff));
  }

  /** Resumes until nothing of ours is unknown (and, with --drain, no orphan is left), or time is up. */
  private void settleTheRest() {
    long deadline = System.nanoTime() + options.settleWithin().toNanos();
    while (true) {
      notSent.removeIf(op -> {
        create(op);
        return done.containsKey(op);
      });
      boolean ours = unknown.isEmpty() && notSent.isEmpty();
      boolean drained = !options.drain() || client.operations().pending().isEmpty();
      if ((ours && drained) || System.nanoTime() > deadline) {
        return;
      }
      sleep(options.resumeEvery());
      if (!ours || hasOrphans()) {
        resume();
      }
    }
  }

  private boolean isOurs(String op) {
    return op.startsWith(options.prefix() + "-");
  }

  private void markDone(String op, String transferId) {
    unknown.remove(op);
    if (done.putIfAbsent(op, transferId) == null) {
      doneFile.append(op, transferId);
    }
  }

  private void markFailed(String op, int status) {
    unknown.remove(op);
    if (done.putIfAbsent(op, DoneFile.FAILED + status) == null) {
      refused.incrementAndGet();
      doneFile.appendFailed(op, status);
    }
  }

  private void say(String format, Object... args) {
    out.println(String.format(Locale.ROOT, format, args));
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}

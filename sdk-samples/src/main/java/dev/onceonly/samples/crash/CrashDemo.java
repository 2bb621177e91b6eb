package dev.onceonly.samples.crash;

import dev.onceonly.testkit.Flags;
import dev.onceonly.testkit.Faults;
import dev.onceonly.testkit.RunningSandbox;
import dev.onceonly.testkit.SandboxServer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The crash demonstration. An application ({@link CrashWorkloadApp}) makes one transfer per
 * business operation over several threads, against a sandbox of the Transfers API that loses
 * answers on purpose (15% of connections closed after the commit, 10% {@code 503} before any
 * work, 5% of answers held past the 300 ms read timeout). It runs in a child JVM, which is killed
 * with {@code kill -9} at random moments mid-flight and restarted, several times, then left to
 * finish. This is done twice, each time against a fresh sandbox with the same faults and seed:
 * with a durable journal (SQLite, in a temporary directory), and with the SDK's default journal
 * in memory, where the same application can only redo, with new keys, what its own records do
 * not show as done.
 *
 * <pre>
 * mvn -q -B -ntp install -DskipTests &amp;&amp; mvn -q -B -ntp -pl sdk-samples exec:java -Dexec.mainClass=dev.onceonly.samples.crash.CrashDemo
 * </pre>
 *
 * <p>Every number about transfers comes from the sandbox's records, by the
 * {@code metadata.operation_id} each transfer carries (see {@link CrashVerdict}). The exit code
 * is 0 when the run with the journal made every transfer exactly once and left nothing pending,
 * 1 when it did not, and 2 for a bad flag.
 */
public final class CrashDemo {

  /** The demonstration's faults: stalls longer than the application's read timeout. */
  static final Faults FAULTS = Faults.builder()
      .dropRate(0.15)
      .serverErrorRate(0.10)
      .stallRate(0.05)
      .stallTime(AppOptions.DEFAULT_READ_TIMEOUT.multipliedBy(2))
      .build();

  private static final Duration KILL_AFTER_MIN = Duration.ofMillis(100);
  private static final Duration KILL_AFTER_MAX = Duration.ofMillis(1500);

  /**
   * The flags.
   *
   * @param ops business operations
   * @param threads threads creating at once in the application
   * @param kills kills before the run that finishes
   * @param seed the seed of the sandbox's faults and of the kill times; {@code null} picks one
   */
  record Options(int ops, int threads, int kills, @Nullable Long seed) {
    Options {
      if (ops < 1) {
        throw new IllegalArgumentException("--ops must be at least 1, was: " + ops);
      }
      if (threads < 1 || threads > 256) {
        throw new IllegalArgumentException("--threads must be from 1 to 256, was: " + threads);
      }
      if (kills < 0 || kills > 100) {
        throw new IllegalArgumentException("--kills must be from 0 to 100, was: " + kills);
      }
    }

    static Optional<Options> parse(String[] args) {
      int[] ops = {1000};
      int[] threads = {16};
      int[] kills = {3};
      Long[] seed = {null};
      boolean go = Flags.parse(args, (name, value) -> {
        switch (name) {
          case "--ops" -> ops[0] = Integer.parseInt(value);
          case "--threads" -> threads[0] = Integer.parseInt(value);
          case "--kills" -> kills[0] = Integer.parseInt(value);
          case "--seed" -> seed[0] = Long.parseLong(value);
          default -> throw new IllegalArgumentException("unknown flag");
        }
      });
      return go ? Optional.of(new Options(ops[0], threads[0], kills[0], seed[0])) : Optional.empty();
    }

    static String usage() {
      return """
          Usage: CrashDemo [flags]
          Runs an application that makes transfers in a child JVM against a sandbox that loses
          answers, kills it with kill -9 at random moments, restarts it, and lets it finish: once
          with a durable journal (SQLite), once without. Prints what the server recorded.

            --ops N        business operations, one transfer each (default 1000)
            --threads T    threads creating at once in the application (default 16)
            --kills K      kills before the run that finishes (default 3)
            --seed S       seed of the faults and kill times (default random, printed)
            --help
          """;
    }
  }

  /** The two lives of the application, and what each came to. */
  record Result(Options options, long seed, Life journaled, Life inMemory) {

    int exitCode() {
      return journaled.verdict().exactlyOnce() ? 0 : 1;
    }

    String render() {
      StringBuilder text = new StringBuilder();
      line(text, "OnceOnly: the crash demonstration (seed %d)", seed);
      line(text, "An application makes %d transfers over %d threads against a sandbox that closes %s of",
          options.ops(), options.threads(), percent(FAULTS.dropRate()));
      line(text, "connections after committing, answers %s with 503 before any work, and holds %s of answers",
          percent(FAULTS.serverErrorRate()), percent(FAULTS.stallRate()));
      line(text, "past the application's %d ms read timeout. It is killed with kill -9 at random moments,",
          AppOptions.DEFAULT_READ_TIMEOUT.toMillis());
      line(text, "%d times, restarted each time, then left to finish: once with a journal (SQLite), once",
          options.kills());
      line(text, "without (the SDK's journal in memory: a restart redoes, with new keys, what the");
      line(text, "application's own records do not show as done).");
      line(text, "");
      row(text, "", "with journal", "without journal");
      row(text, "business operations", journaled.verdict().operations(), inMemory.verdict().operations());
      row(text, "processes killed (kill -9)", journaled.scenario().killed(), inMemory.scenario().killed());
      row(text, "transfers on the server", journaled.verdict().transfersOnServer(),
          inMemory.verdict().transfersOnServer());
      row(text, "duplicates", journaled.verdict().duplicates(), inMemory.verdict().duplicates());
      row(text, "lost", journaled.verdict().lost(), inMemory.verdict().lost());
      row(text, "settled from the journal on restart", journaled.scenario().settledFromJournalAtStart(), "-");
      row(text, "pending left in the journal", journaled.verdict().pendingLeft(), "-");
      row(text, "expired (to reconcile)", journaled.verdict().expired(), "-");
      row(text, "refused by the server", journaled.verdict().refused(), inMemory.verdict().refused());
      row(text, "wall time", seconds(journaled.wallTime()), seconds(inMemory.wallTime()));
      line(text, "");
      line(text, "Counted from each sandbox's own records by the operation_id every transfer carries:");
      line(text, "duplicates are transfers beyond the first per operation; lost are operations the server");
      line(text, "has no transfer for, or whose transfer the application does not know.");
      line(text, "");
      line(text, verdict("With the journal", journaled));
      line(text, verdict("Without it", inMemory));
      if (journaled.scenario().leasesEnded() > 0) {
        line(text, "(Before the last restart, %d leases that killed processes held were ended, as two minutes",
            journaled.scenario().leasesEnded());
        line(text, "of waiting would have.)");
      }
      return text.toString();
    }

    private String verdict(String label, Life life) {
      CrashVerdict v = life.verdict();
      StringBuilder s = new StringBuilder();
      if (v.exactlyOnce()) {
        s.append(label).append(": every transfer made exactly once, across ").append(life.scenario().killed())
            .append(" kills.");
      } else {
        s.append(String.format(Locale.ROOT, "%s: %d duplicates (operations made more than once), %d lost%s.", label,
            v.duplicates(), v.lost(), v.pendingLeft() > 0 ? ", " + v.pendingLeft() + " left pending" : ""));
      }
      for (String example : v.examples()) {
        s.append("\n  ").append(example);
      }
      return s.toString();
    }
  }

  /** One life of the application: its rounds, the verdict, and how long it took. */
  record Life(CrashScenario.Result scenario, CrashVerdict verdict, Duration wallTime) {}

  private CrashDemo() {}

  public static void main(String[] args) throws InterruptedException {
    int code = run(args, System.out, System.err);
    if (code != 0) {
      System.exit(code);
    }
  }

  /**
   * Runs the demonstration, the table to {@code out}, progress and errors to {@code err}.
   *
   * @return the exit code: 0 if the journaled run made every transfer exactly once, 1 if not, 2 for bad flags
   */
  static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
    Optional<Options> options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("CrashDemo: " + e.getMessage());
      err.println("Run with --help for the flags.");
      return 2;
    }
    if (options.isEmpty()) {
      out.print(Options.usage());
      return 0;
    }
    Path dir;
    try {
      dir = Files.createTempDirectory("onceonly-crash-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Result result = demonstrate(options.get(), dir, err);
    out.print(result.render());
    out.println("The processes' output and the done files are in " + dir + ".");
    out.flush();
    return result.exitCode();
  }

  /** Both lives, in {@code dir}. */
  static Result demonstrate(Options options, Path dir, @Nullable PrintStream progress) throws InterruptedException {
    long seed = options.seed() != null ? options.seed() : new SecureRandom().nextLong();
    CrashScenario.Plan plan = new CrashScenario.Plan(options.ops(), options.threads(), options.kills(), seed,
        KILL_AFTER_MIN, KILL_AFTER_MAX);
    String sqlite = "jdbc:sqlite:" + dir.resolve("journal.db");
    if (progress != null) {
      progress.println("With the journal (" + sqlite + "):");
    }
    Life journaled = live("journal", sqlite, dir, plan, progress);
    if (progress != null) {
      progress.println("Without it (the SDK's journal in memory):");
    }
    Life inMemory = live("memory", null, dir, plan, progress);
    return new Result(options, seed, journaled, inMemory);
  }

  private static Life live(String name, @Nullable String journalUrl, Path dir, CrashScenario.Plan plan,
      @Nullable PrintStream progress) throws InterruptedException {
    SandboxServer server = SandboxServer.builder().faults(FAULTS).seed(plan.seed()).build();
    try (RunningSandbox sandbox = server.start()) {
      long start = System.nanoTime();
      CrashScenario.Result scenario = CrashScenario.live(name, sandbox.baseUrl(), journalUrl, dir, plan, List.of(),
          progress);
      Duration wall = Duration.ofNanos(System.nanoTime() - start);
      CrashVerdict verdict = CrashVerdict.judge(AppOptions.operations("op", plan.ops()), sandbox.transfers(), dir.resolve(name + "-done.txt"), journalUrl);
      return new Life(scenario, verdict, wall);
    }
  }

  private static void line(StringBuilder text, String format, Object... args) {
    text.append(args.length == 0 ? format : String.format(Locale.ROOT, format, args)).append('\n');
  }

  private static void row(StringBuilder text, String label, Object left, Object right) {
    line(text, "  %-38s %14s %16s", label, left, right);
  }

  private static String percent(double rate) {
    return String.format(Locale.ROOT, "%.0f%%", rate * 100);
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toNanos() / 1e9);
  }
}

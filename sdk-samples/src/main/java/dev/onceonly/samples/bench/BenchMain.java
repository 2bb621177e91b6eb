package dev.onceonly.samples.bench;

import dev.onceonly.testkit.Dialect;
import dev.onceonly.testkit.Faults;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The benchmarks in one run, and their tables:
 * <ol>
 *   <li>the overhead of {@code create} against raw OkHttp ({@link CreateOverhead}, with JMH and
 *       its GC profiler): throughput at 1 and 16 threads, average latency at 1 thread, bytes
 *       allocated per create;
 *   <li>creates under faults ({@link FaultRun}): the sandbox loses 20% of its answers after
 *       doing the work; the SDK with {@code /responses}, the SDK with re-POST as its only
 *       recovery, and a naive client, counted from the sandbox's records;
 *   <li>what a durable journal costs a create ({@link JournalOverhead}, with JMH): throughput
 *       at 1 and 16 threads with no journal, a SQLite journal and a PostgreSQL journal (an
 *       embedded PostgreSQL started here, {@code fsync} and {@code synchronous_commit} on), in
 *       the same run, with the journal's commits per create and their mean time;
 *   <li>1,000 creates at once against a server that answers after 50 ms ({@link ConcurrencyRun}):
 *       the asynchronous client at several concurrency limits, and the blocking client on 1,000
 *       platform threads: wall time and the JVM's peak of live threads.
 * </ol>
 * Flags: {@code --quick} (one short round, for trying the harness, not for numbers),
 * {@code --overhead-only}, {@code --faults-only}, {@code --journal-only}, {@code --concurrency-only};
 * through Maven, {@code mvn -pl sdk-samples exec:exec@bench -Dbench.args="--journal-only"}. The tables go to
 * standard output and to {@code target/bench-report.md}.
 */
public final class BenchMain {

  private static final int ROUNDS = 4;
  private static final int WARMUPS = 2;
  private static final int MEASUREMENTS = 3;
  private static final int FAULT_OPERATIONS = 1000;
  private static final int FAULT_THREADS = 8;
  private static final long FAULT_SEED = 42;
  private static final int CONCURRENT_OPERATIONS = 1000;
  private static final Duration ANSWER_DELAY = Duration.ofMillis(50);
  /** The concurrency limits the asynchronous client is run at; 64 is the builder's default. */
  private static final List<Integer> CONCURRENCY_LIMITS = List.of(16, 24, 32, 64);

  /** One measured setting: a JMH mode and a thread count. */
  private record Setting(String name, Mode mode, TimeUnit unit, int threads) {}

  private static final List<Setting> SETTINGS = List.of(
      new Setting("throughput, 1 thread (ops/s)", Mode.Throughput, TimeUnit.SECONDS, 1),
      new Setting("throughput, 16 threads (ops/s)", Mode.Throughput, TimeUnit.SECONDS, 16),
      new Setting("average latency, 1 thread (µs/op)", Mode.AverageTime, TimeUnit.MICROSECONDS, 1));

  private record Score(double score, double alloc) {}

  private BenchMain() {}

  public static void main(String[] args) throws RunnerException, InterruptedException, IOException {
    // exec:exec@bench passes -Dbench.args as one argument, empty when not set: split it into flags.
    List<String> flags = Arrays.stream(args).flatMap(a -> Arrays.stream(a.strip().split("\\s+")))
        .filter(a -> !a.isEmpty()).toList();
    boolean quick = flags.contains("--quick");
    boolean only = flags.contains("--overhead-only") || flags.contains("--faults-only")
        || flags.contains("--journal-only") || flags.contains("--concurrency-only");
    boolean overhead = !only || flags.contains("--overhead-only");
    boolean faults = !only || flags.contains("--faults-only");
    boolean journal = !only || flags.contains("--journal-only");
    boolean concurrency = !only || flags.contains("--concurrency-only");
    StringBuilder report = new StringBuilder();
    report.append("Load before: ").append(loadAverage()).append('\n');
    if (overhead) {
      report.append('\n').append(overhead(quick)).append("\nLoad after the overhead part: ")
          .append(loadAverage()).append('\n');
    }
    if (faults) {
      report.append('\n').append(underFaults(quick)).append("\nLoad after the fault part: ")
          .append(loadAverage()).append('\n');
    }
    if (journal) {
      report.append('\n').append(JournalBench.run(quick)).append("\nLoad after the journal part: ")
          .append(loadAverage()).append('\n');
    }
    if (concurrency) {
      report.append('\n').append(concurrency(quick)).append("\nLoad after the concurrency part: ")
          .append(loadAverage()).append('\n');
    }
    System.out.println();
    System.out.println(report);
    Path out = Path.of("target", "bench-report.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report, StandardCharsets.UTF_8);
    System.out.println("Written to " + out.toAbsolutePath());
  }

  /**
   * Runs each setting in {@link #ROUNDS} rounds of one raw fork and one SDK fork, in alternating
   * order, so that the two forks compared in a round ran within seconds of each other: on a
   * shared machine the load drifts over minutes, and a ratio of forks minutes apart measures the
   * drift. Reports per setting the median of the scores and the median of the per-round ratios.
   */
  private static String overhead(boolean quick) throws RunnerException {
    int rounds = quick ? 1 : ROUNDS;
    Map<Setting, List<Score>> raw = new LinkedHashMap<>();
    Map<Setting, List<Score>> sdk = new LinkedHashMap<>();
    for (int round = 0; round < rounds; round++) {
      for (Setting setting : SETTINGS) {
        List<String> order = round % 2 == 0 ? List.of("rawOkHttp", "sdkCreate") : List.of("sdkCreate", "rawOkHttp");
        for (String benchmark : order) {
          Score score = trial(benchmark, setting, quick);
          (benchmark.equals("rawOkHttp") ? raw : sdk).computeIfAbsent(setting, k -> new ArrayList<>()).add(score);
        }
      }
    }

    StringBuilder t = new StringBuilder();
    t.append("### Overhead: create against raw OkHttp (no faults)\n\n");
    t.append("| | raw OkHttp | SDK create | SDK / raw | SDK / raw per round | target |\n");
    t.append("|---|---:|---:|---:|---|---|\n");
    for (Setting setting : SETTINGS) {
      List<Score> r = raw.get(setting);
      List<Score> s = sdk.get(setting);
      List<Double> ratios = new ArrayList<>();
      for (int i = 0; i < r.size(); i++) {
        ratios.add(s.get(i).score() / r.get(i).score());
      }
      String format = setting.mode() == Mode.Throughput ? "%,.0f" : "%,.1f";
      String target = setting.mode() == Mode.AverageTime ? "≤ 1.03×" : setting.threads() == 16 ? "≥ 0.97×" : "";
      t.append("| ").append(setting.name())
          .append(" | ").append(String.format(Locale.ROOT, format, median(r, Score::score)))
          .append(" | ").append(String.format(Locale.ROOT, format, median(s, Score::score)))
          .append(" | ").append(String.format(Locale.ROOT, "%.3f×", median(ratios, x -> x)))
          .append(" | ").append(ratios.stream().map(x -> String.format(Locale.ROOT, "%.3f", x))
              .collect(Collectors.joining(", ")))
          .append(" | ").append(target).append(" |\n");
    }
    for (Setting setting : SETTINGS) {
      if (setting.mode() != Mode.Throughput) {
        continue;
      }
      double rawAlloc = median(raw.get(setting), Score::alloc);
      double sdkAlloc = median(sdk.get(setting), Score::alloc);
      t.append("| allocated per create, ").append(setting.threads())
          .append(setting.threads() == 1 ? " thread" : " threads").append(" (B/op)")
          .append(" | ").append(String.format(Locale.ROOT, "%,.0f", rawAlloc))
          .append(" | ").append(String.format(Locale.ROOT, "%,.0f", sdkAlloc))
          .append(" | ").append(String.format(Locale.ROOT, "%+,.0f B", sdkAlloc - rawAlloc))
          .append(" | | ≤ +1,024 B |\n");
    }
    t.append('\n').append(rounds).append(rounds == 1 ? " round" : " rounds")
        .append(" per setting, each a raw fork and an SDK fork back to back (the order alternating by round);"
            + " per fork ")
        .append(quick ? 1 : WARMUPS).append(" warmup and ").append(quick ? 1 : MEASUREMENTS)
        .append(" measurement iterations of 1 s. Scores are medians over the rounds of each fork's mean;"
            + " the ratio is the median of the per-round ratios. Allocation is JMH's `gc.alloc.rate.norm`"
            + " (all threads of the fork, the loopback server included, per create), median over the rounds.\n");
    return t.toString();
  }

  private static Score trial(String benchmark, Setting setting, boolean quick) throws RunnerException {
    ChainedOptionsBuilder options = new OptionsBuilder()
        .include(CreateOverhead.class.getName() + "\\." + benchmark + "$")
        .addProfiler(GCProfiler.class)
        .shouldFailOnError(true)
        .forks(1)
        .mode(setting.mode())
        .timeUnit(setting.unit())
        .threads(setting.threads())
        .warmupIterations(quick ? 1 : WARMUPS)
        .warmupTime(TimeValue.seconds(1))
        .measurementIterations(quick ? 1 : MEASUREMENTS)
        .measurementTime(TimeValue.seconds(1));
    Collection<RunResult> results = new Runner(options.build()).run();
    if (results.size() != 1) {
      throw new IllegalStateException("expected one result for " + benchmark + ", got " + results.size());
    }
    RunResult r = results.iterator().next();
    Result<?> primary = r.getPrimaryResult();
    Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
    return new Score(primary.getScore(), alloc == null ? Double.NaN : alloc.getScore());
  }

  static <T> double median(List<T> values, ToDoubleFunction<T> f) {
    double[] sorted = values.stream().mapToDouble(f).sorted().toArray();
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static String underFaults(boolean quick) throws InterruptedException {
    int operations = quick ? 200 : FAULT_OPERATIONS;
    Faults lossy = Faults.builder().dropRate(0.2).build();
    List<FaultRun.Result> results = new ArrayList<>();

    Creators.Sdk[] sdk = new Creators.Sdk[2];
    results.add(FaultRun.run("sdk", new FaultRun.Plan(operations, FAULT_THREADS, Dialect.FULL, lossy, FAULT_SEED),
        url -> sdk[0] = new Creators.Sdk(url)));
    results.add(FaultRun.run("sdk-repost", new FaultRun.Plan(operations, FAULT_THREADS, Dialect.IETF, lossy, FAULT_SEED),
        url -> sdk[1] = new Creators.Sdk(url)));
    results.add(FaultRun.run("naive", new FaultRun.Plan(operations, FAULT_THREADS, Dialect.FULL, lossy, FAULT_SEED),
        Creators.Naive::new));

    StringBuilder t = new StringBuilder();
    t.append("### Under faults: 20% of answers lost after the work (sandbox, ")
        .append(operations).append(" creates from ").append(FAULT_THREADS).append(" threads, seed ")
        .append(FAULT_SEED).append(")\n\n");
    t.append("| client | sandbox dialect | succeeded | requests per successful create | p50 latency (ms)"
        + " | p99 latency (ms) | answers lost | transfers created | duplicate transfers (operations) |\n");
    t.append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (FaultRun.Result r : results) {
      t.append(String.format(Locale.ROOT, "| %s | %s | %d / %d | %.3f | %.1f | %.1f | %d | %d | %d (%d) |%n",
          describe(r.client()), r.dialect().wireName(), r.succeeded(), r.operations(), r.requestsPerSuccess(),
          r.p50Millis(), r.p99Millis(), r.responsesLost(), r.transfersCreated(), r.duplicateTransfers(),
          r.operationsDuplicated()));
    }
    t.append("\nCounts are the sandbox's (`stats()`, `duplicatedOperations()`); as a check, the requests the SDK"
        + " itself reported (`OperationResult.attempts()`): ").append(sdk[0].reportedAttempts.sum())
        .append(" (full), ").append(sdk[1].reportedAttempts.sum()).append(" (ietf).\n");
    return t.toString();
  }

  /**
   * 1,000 creates at once against a server that answers each after 50 ms: the asynchronous
   * client at each limit of {@link #CONCURRENCY_LIMITS}, then the blocking client on a platform
   * thread per create. The asynchronous runs come first, so that the blocking run's thousand
   * threads are not in their peaks.
   */
  private static String concurrency(boolean quick) throws InterruptedException {
    int operations = quick ? 200 : CONCURRENT_OPERATIONS;
    int warmUps = quick ? 50 : 300;
    List<ConcurrencyRun.Result> results = new ArrayList<>();
    try (DelayedAnswerServer server = DelayedAnswerServer.start(ANSWER_DELAY)) {
      for (int limit : CONCURRENCY_LIMITS) {
        results.add(ConcurrencyRun.async(server.baseUrl(), operations, limit, ANSWER_DELAY, warmUps));
      }
      results.add(ConcurrencyRun.blocking(server.baseUrl(), operations, ANSWER_DELAY, warmUps));
    }
    StringBuilder t = new StringBuilder();
    t.append("### Concurrency: ").append(operations).append(" creates at once, each answered after ")
        .append(ANSWER_DELAY.toMillis()).append(" ms\n\n");
    t.append("| client | requests at once | wall time (ms) | ideal (ms) | wall / ideal | live threads before |"
        + " peak live threads | failed |\n");
    t.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (ConcurrencyRun.Result r : results) {
      t.append(String.format(Locale.ROOT, "| %s | %d | %,.0f | %,.0f | %.3f× | %d | %d | %d |%n", r.client(),
          r.concurrency(), r.wall().toNanos() / 1e6, r.ideal().toNanos() / 1e6, r.ratio(), r.threadsBefore(),
          r.peakThreads(), r.failed()));
    }
    t.append("\nLive threads halfway through each batch, by name (a snapshot from the harness's main thread):\n\n");
    for (ConcurrencyRun.Result r : results) {
      t.append("- ").append(r.client()).append(", ").append(r.concurrency()).append(" at once: ")
          .append(r.midway().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
              .collect(Collectors.joining(", ")))
          .append('\n');
    }
    t.append("\nIdeal: creates × delay / requests allowed at once. Threads are the whole JVM's"
        + " (ThreadMXBean, peak reset just before each batch): its own, the harness's and the server's one thread"
        + " included. Each client warmed up first with ").append(warmUps).append(" creates, unmeasured.\n");
    return t.toString();
  }

  private static String describe(String client) {
    return switch (client) {
      case "sdk" -> "SDK, `/responses` available";
      case "sdk-repost" -> "SDK, re-POST only (no `/responses`)";
      case "naive" -> "naive: retry without a key";
      default -> client;
    };
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).strip() + " (1, 5, 15 min; running/total; last pid)";
    } catch (IOException e) {
      return "unknown";
    }
  }
}

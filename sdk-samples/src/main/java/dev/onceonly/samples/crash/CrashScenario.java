package dev.onceonly.samples.crash;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.jspecify.annotations.Nullable;

/**
 * One application's life with crashes: {@link CrashWorkloadApp} started in a child JVM, killed
 * with {@code kill -9} a random time after it opened its journal, started again, killed
 * again, {@code kills} times, then started a last time and left to finish. The random times come
 * from the plan's seed, so that a run can be repeated as far as timing allows.
 *
 * <p>Before the last start, the leases that killed processes held on pending operations are
 * ended ({@link Leases}), as two minutes of waiting would: the processes are dead, and the last
 * one must be able to resume everything.
 */
final class CrashScenario {

  /**
   * @param ops business operations
   * @param threads threads creating at once in the application
   * @param kills how many times the application is killed before the run that finishes
   * @param seed the seed of the kill times
   * @param killAfterMin the shortest time from the journal's opening to a kill
   * @param killAfterMax the longest
   */
  record Plan(int ops, int threads, int kills, long seed, Duration killAfterMin, Duration killAfterMax) {
    Plan {
      if (ops < 1 || threads < 1 || kills < 0) {
        throw new IllegalArgumentException("ops and threads must be at least 1, kills at least 0");
      }
      if (killAfterMin.isNegative() || killAfterMax.compareTo(killAfterMin) < 0) {
        throw new IllegalArgumentException("0 <= killAfterMin <= killAfterMax");
      }
    }
  }

  /**
   * One start of the application.
   *
   * @param name the child's name (its output is in {@code NAME.out} and {@code NAME.err})
   * @param killedAfter how long after its {@code started} line it was killed; {@code null} if it
   *     ran to its end
   * @param doneAtEnd how many operations its done file listed when it died or ended
   * @param exitCode 137 when killed
   * @param lines its standard output
   */
  record Round(String name, @Nullable Duration killedAfter, int doneAtEnd, int exitCode, List<String> lines) {}

  /**
   * The whole life.
   *
   * @param rounds every start, the last one the one that ran to its end
   * @param leasesEnded how many leases of killed processes were ended before the last start
   * @param finished the counts of the last start's {@code finished} line
   */
  record Result(List<Round> rounds, int leasesEnded, Map<String, Integer> finished) {
    Result {
      rounds = List.copyOf(rounds);
      finished = Map.copyOf(finished);
    }

    int killed() {
      return (int) rounds.stream().filter(r -> r.killedAfter() != null).count();
    }

    /**
     * Operations that a restart found settled in the journal and recorded as done without a
     * request of its own (settled by its start-up resume, or before the kill, after the create
     * returned and before the done file was written): the sum over every start of the counts
     * on its {@code working} line.
     */
    int settledFromJournalAtStart() {
      int sum = 0;
      for (Round round : rounds) {
        for (String line : round.lines()) {
          if (line.startsWith("working ")) {
            sum += count(line, "fromJournal") + count(line, "recovered");
          }
        }
      }
      return sum;
    }

    private static int count(String line, String name) {
      for (String part : line.split(" ")) {
        if (part.startsWith(name + "=")) {
          return Integer.parseInt(part.substring(name.length() + 1));
        }
      }
      return 0;
    }
  }

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration FINISH_TIMEOUT = Duration.ofMinutes(3);

  private CrashScenario() {}

  /**
   * Lives one application's life.
   *
   * @param name a name for its processes and files
   * @param baseUrl the sandbox's base URL
   * @param journalUrl the journal's JDBC URL, or {@code null} for the journal in memory
   * @param dir where its done file and its processes' output go
   * @param extraArgs more flags for {@link CrashWorkloadApp}
   * @param progress where to print a line per round, or {@code null}
   */
  static Result live(String name, String baseUrl, @Nullable String journalUrl, Path dir, Plan plan,
      List<String> extraArgs, @Nullable PrintStream progress) throws InterruptedException {
    Objects.requireNonNull(baseUrl, "baseUrl");
    Random random = new Random(plan.seed());
    Path doneFile = dir.resolve(name + "-done.txt");
    List<String> args = new ArrayList<>(List.of(
        "--base-url", baseUrl,
        "--journal", journalUrl == null ? "memory" : journalUrl,
        "--done-file", doneFile.toString(),
        "--ops", Integer.toString(plan.ops()),
        "--threads", Integer.toString(plan.threads())));
    args.addAll(extraArgs);
    List<Round> rounds = new ArrayList<>();
    for (int round = 1; round <= plan.kills(); round++) {
      long span = plan.killAfterMax().toMillis() - plan.killAfterMin().toMillis();
      Duration delay = plan.killAfterMin().plusMillis(span == 0 ? 0 : (long) (random.nextDouble() * span));
      String child = name + "-" + round;
      try (ChildProcess app = ChildProcess.start(child, CrashWorkloadApp.class, args, dir)) {
        started(app);
        long startedAt = System.nanoTime();
        Thread.sleep(delay.toMillis());
        boolean killed = app.isAlive();
        int exit;
        if (killed) {
          app.kill();
          exit = 137;
        } else {
          exit = app.awaitExit(FINISH_TIMEOUT);
        }
        Duration lived = Duration.ofNanos(System.nanoTime() - startedAt);
        int doneCount = DoneFile.read(doneFile).size();
        rounds.add(new Round(child, killed ? lived : null, doneCount, exit, app.lines()));
        if (progress != null) {
          progress.printf(Locale.ROOT, "  %s: %s; %d of %d operations done%n", child,
              killed ? "killed (kill -9) " + lived.toMillis() + " ms after it opened its journal"
                  : "finished before the kill",
              doneCount, plan.ops());
        }
      }
    }
    int leasesEnded = journalUrl == null ? 0 : Leases.endLeasesOfTheDead(journalUrl, List.of());
    String last = name + "-" + (plan.kills() + 1);
    try (ChildProcess app = ChildProcess.start(last, CrashWorkloadApp.class, args, dir)) {
      started(app);
      int exit = app.awaitExit(FINISH_TIMEOUT);
      int doneCount = DoneFile.read(doneFile).size();
      rounds.add(new Round(last, null, doneCount, exit, app.lines()));
      if (progress != null) {
        progress.printf(Locale.ROOT, "  %s: ran to its end (exit code %d); %d of %d operations done%s%n", last, exit,
            doneCount, plan.ops(), leasesEnded == 0 ? "" : "; " + leasesEnded + " leases of killed processes ended first");
      }
      return new Result(rounds, leasesEnded, app.finishedCounts());
    }
  }

  private static void started(ChildProcess app) throws InterruptedException {
    if (app.awaitLine("started", START_TIMEOUT).isEmpty()) {
      String why = app.isAlive() ? "did not open its journal within " + START_TIMEOUT.toSeconds() + " s" : "ended";
      app.kill();
      throw new IllegalStateException(app.name() + " " + why + ":\n" + String.join("\n", app.lines()) + "\n"
          + app.errors());
    }
  }
}

package dev.onceonly.samples.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.onceonly.journal.JdbcOperationJournal;
import dev.onceonly.testkit.RunningSandbox;
import dev.onceonly.testkit.SandboxServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Application instances sharing one journal in a real PostgreSQL, each in its own JVM, against a
 * sandbox that loses answers and stalls. A deploy, with crashes:
 * <ol>
 *   <li>instance C works and is killed ({@code kill -9}) mid-run, leaving operations pending;
 *   <li>instances A and B start together, and both resume at start-up, so they contend for C's
 *       operations; each then does its own work, resuming orphans on a schedule;
 *   <li>A is killed mid-run; B, which drains the journal, resumes A's operations that were in
 *       flight;
 *   <li>A and C come back and finish their own work.
 * </ol>
 * Judged from the sandbox's records: every operation of A, B and C made exactly once and known
 * to its application, nothing pending in the journal; from the journal's event logs of every
 * process: B resumed operations of A's, and no operation was resumed by two instances at once.
 *
 * <p>The leases that killed instances held are ended once they are dead ({@link Leases}), as
 * two minutes of waiting would: see the note in the report on the lease's length.
 */
class SharedPostgresCrashTest {

  private static final long SEED = 4_242L;
  private static final int OPS = 400;
  private static final Duration START = Duration.ofSeconds(60);
  private static final Duration FINISH = Duration.ofMinutes(2);

  @TempDir
  Path dir;

  @Test
  void twoInstancesSharingPostgresResumeEachOthersWorkOnceEachAndNeverAtTheSameTime() throws Exception {
    Random random = new Random(SEED);
    System.out.println("seed " + SEED + ", output in " + dir);
    try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start();
        RunningSandbox sandbox = SandboxServer.builder().faults(CrashDemo.FAULTS).seed(SEED).build().start()) {
      String url = postgres.jdbcUrl("crash");

      // 1. C works and is killed mid-run.
      try (ChildProcess c = app("c-1", "c", url, sandbox, 16, false)) {
        awaitLine(c, "working");
        Thread.sleep(300 + random.nextInt(600));
        c.kill();
      }
      int leftByC = pendingCount(url);
      System.out.println("C killed; pending in the journal: " + leftByC);

      // 2. A and B start together; 3. A is killed mid-run.
      Instant leasesEnded;
      int bExit;
      int leftByA;
      // A on two threads: slow enough that it is certainly still at work when the test looks.
      try (ChildProcess a = app("a-1", "a", url, sandbox, 2, false);
          ChildProcess b = app("b-1", "b", url, sandbox, 8, true)) {
        awaitLine(a, "working");
        awaitLine(b, "working");
        Thread.sleep(random.nextInt(100));
        // Killed at the first moment after that when the journal shows an operation of A's in
        // flight, so that there is work of A's for B to resume.
        try (JdbcOperationJournal journal = JdbcOperationJournal.create(CrashWorkloadApp.dataSource(url))) {
          long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
          // An operation of A's pending for a while (its answer stalled or lost, its retries under
          // way) is still in flight a moment later, when the kill lands: a quick one could settle
          // in between.
          while (journal.pending().stream().noneMatch(p -> ofPrefix(p.reference(), "a")
              && p.firstSentAt().isBefore(Instant.now().minusMillis(150)))) {
            assertTrue(a.isAlive() && System.nanoTime() < deadline, "A has operations in flight: " + a.lines());
          }
          a.kill();
          leftByA = (int) journal.pending().stream().filter(p -> ofPrefix(p.reference(), "a")).count();
        }
        // A and C are dead: end their leases, as two minutes would. B's owner is in its log
        // before B holds any lease.
        Set<String> bOwners = owners(dir.resolve("b-1.events"));
        assertEquals(1, bOwners.size(), "B claims under one name: " + bOwners);
        leasesEnded = Instant.now();
        int ended = Leases.endLeasesOfTheDead(url, bOwners);
        System.out.println("A killed with " + leftByA + " operations pending; leases of dead instances ended: "
            + ended);
        bExit = b.awaitExit(FINISH);
        System.out.println("B: " + b.lines());
      }
      assertEquals(0, bExit, "B settled its own work and drained the journal");
      assertEquals(0, pendingCount(url), "B left nothing pending");

      // 4. A and C come back.
      try (ChildProcess a = app("a-2", "a", url, sandbox, 8, false);
          ChildProcess c = app("c-2", "c", url, sandbox, 8, false)) {
        assertEquals(0, a.awaitExit(FINISH), () -> "A finished: " + a.lines() + a.errors());
        assertEquals(0, c.awaitExit(FINISH), () -> "C finished: " + c.lines() + c.errors());
        System.out.println("A again: " + a.lines());
        System.out.println("C again: " + c.lines());
      }

      // Judged from the server's records.
      String context = "sandbox: " + sandbox.stats();
      assertEquals(Map.of(), sandbox.duplicatedOperations(), context);
      assertEquals(3 * OPS, sandbox.transferCount(), context);
      for (String prefix : List.of("a", "b", "c")) {
        List<String> ops = AppOptions.operations(prefix, OPS);
        for (String op : ops) {
          assertEquals(1, sandbox.transfersWithOperationId(op).size(), op + "; " + context);
        }
        CrashVerdict verdict = CrashVerdict.judge(ops, sandbox.transfers(), dir.resolve(prefix + "-done.txt"), url);
        assertEquals(0, verdict.lost(), prefix + ": " + verdict);
        assertEquals(0, verdict.pendingLeft(), prefix + ": " + verdict);
      }

      // Judged from the journal's event logs.
      Map<String, List<Interval>> claims = new HashMap<>();
      for (String process : List.of("c-1", "a-1", "b-1", "a-2", "c-2")) {
        boolean killed = process.endsWith("-1") && !process.startsWith("b");
        for (Interval claim : intervals(dir.resolve(process + ".events"), process, killed ? leasesEnded : null)) {
          claims.computeIfAbsent(claim.key(), k -> new ArrayList<>()).add(claim);
        }
      }
      long bResumedOfA = claims.values().stream().flatMap(List::stream)
          .filter(i -> i.process().equals("b-1") && i.reference().startsWith("a-")).count();
      long resumedOfC = claims.values().stream().flatMap(List::stream)
          .filter(i -> (i.process().equals("a-1") || i.process().equals("b-1")) && i.reference().startsWith("c-"))
          .count();
      System.out.println("claims: " + claims.values().stream().mapToInt(List::size).sum() + " in all; B resumed "
          + bResumedOfA + " of A's operations; A and B resumed " + resumedOfC + " of C's");
      assertTrue(leftByA > 0, "A was killed with operations in flight");
      assertTrue(bResumedOfA > 0, "B resumed A's operations that were in flight when A was killed");
      assertTrue(leftByC == 0 || resumedOfC > 0, "A or B resumed C's operations");
      System.out.println("claims of an operation whose create was still running in another instance: "
          + claimsOfLiveCreates(claims, leasesEnded) + " (see the report: a resume may meet a live create)");
      for (List<Interval> ofKey : claims.values()) {
        for (int i = 0; i < ofKey.size(); i++) {
          for (int j = i + 1; j < ofKey.size(); j++) {
            Interval x = ofKey.get(i);
            Interval y = ofKey.get(j);
            if (!x.process().equals(y.process()) && x.start() < y.end() && y.start() < x.end()) {
              fail("resumed by two instances at once: " + x + " and " + y);
            }
          }
        }
      }
    }
  }

  /** An instance of the application on the shared journal, logging its journal's events. */
  private ChildProcess app(String name, String prefix, String url, RunningSandbox sandbox, int threads, boolean drain)
      throws InterruptedException {
    ChildProcess app = ChildProcess.start(name, CrashWorkloadApp.class, List.of(
        "--base-url", sandbox.baseUrl(),
        "--journal", url,
        "--done-file", dir.resolve(prefix + "-done.txt").toString(),
        "--prefix", prefix,
        "--ops", Integer.toString(OPS),
        "--threads", Integer.toString(threads),
        "--drain", Boolean.toString(drain),
        "--settle-within-ms", "40000",
        "--events", dir.resolve(name + ".events").toString()), dir);
    awaitLine(app, "started");
    return app;
  }

  private static void awaitLine(ChildProcess app, String prefix) throws InterruptedException {
    if (app.awaitLine(prefix, START).isEmpty()) {
      fail(app.name() + " printed no '" + prefix + "' line: " + app.lines() + "\n" + app.errors());
    }
  }

  private static boolean ofPrefix(String reference, String prefix) {
    return reference != null && reference.startsWith(prefix + "-");
  }

  private static int pendingCount(String url) {
    try (JdbcOperationJournal journal = JdbcOperationJournal.create(CrashWorkloadApp.dataSource(url))) {
      return journal.pending().size();
    }
  }

  /** Who claimed in a log: the names in its {@code claim} lines. */
  private static Set<String> owners(Path log) throws IOException {
    Set<String> owners = new LinkedHashSet<>();
    for (String[] line : lines(log)) {
      if (line[1].equals("claim")) {
        owners.add(line[3]);
      }
    }
    return owners;
  }

  /**
   * One instance's work on one key under its claim, in microseconds since the epoch.
   *
   * @param reference the operation's reference, {@code -} if none
   */
  private record Interval(String process, String key, String reference, long start, long end) {}

  /**
   * The claims in one process's log, each from its {@code claimed} line to the next
   * {@code settle} or {@code release} of its key or the end of its resume run; for a process
   * that was killed, a claim still open ends when its lease was ended ({@code killedLeasesEnded}).
   */
  private static List<Interval> intervals(Path log, String process, Instant killedLeasesEnded) throws IOException {
    List<Interval> intervals = new ArrayList<>();
    Map<String, String[]> open = new HashMap<>();
    for (String[] line : lines(log)) {
      long at = Long.parseLong(line[0]);
      switch (line[1]) {
        case "claimed" -> {
          if (open.put(line[2], line) != null) {
            fail(process + " claimed " + line[2] + " again while it held it");
          }
        }
        case "settle", "release" -> {
          String[] claimed = open.remove(line[2]);
          if (claimed != null) {
            intervals.add(new Interval(process, line[2], claimed[5], Long.parseLong(claimed[0]), at));
          }
        }
        case "resumed" -> {
          for (String[] claimed : open.values()) {
            intervals.add(new Interval(process, claimed[2], claimed[5], Long.parseLong(claimed[0]), at));
          }
          open.clear();
        }
        default -> { }
      }
    }
    if (!open.isEmpty()) {
      if (killedLeasesEnded == null) {
        fail(process + " ended normally with claims it never worked: " + open.keySet());
      }
      long end = ChronoUnit.MICROS.between(Instant.EPOCH, killedLeasesEnded);
      for (String[] claimed : open.values()) {
        intervals.add(new Interval(process, claimed[2], claimed[5], Long.parseLong(claimed[0]), end));
      }
    }
    return intervals;
  }

  /**
   * How many claims took an operation while the instance that created it was still running its
   * create: from that instance's first {@code begin} of the key to its {@code settle} of it (or
   * its death, for a killed one; {@code killedBy} bounds it).
   */
  private long claimsOfLiveCreates(Map<String, List<Interval>> claims, Instant killedBy) throws IOException {
    long killed = ChronoUnit.MICROS.between(Instant.EPOCH, killedBy);
    Map<String, String> creator = new HashMap<>(); // key -> the process whose begin came first
    Map<String, Long> begun = new HashMap<>();
    Map<String, Map<String, Long>> settled = new HashMap<>(); // process -> key -> its first settle
    for (String process : List.of("c-1", "a-1", "b-1", "a-2", "c-2")) {
      for (String[] line : lines(dir.resolve(process + ".events"))) {
        long at = Long.parseLong(line[0]);
        if (line[1].equals("begin") && at < begun.getOrDefault(line[2], Long.MAX_VALUE)) {
          begun.put(line[2], at);
          creator.put(line[2], process);
        } else if (line[1].equals("settle")) {
          settled.computeIfAbsent(process, k -> new HashMap<>()).putIfAbsent(line[2], at);
        }
      }
    }
    return claims.values().stream().flatMap(List::stream).filter(claim -> {
      String by = creator.get(claim.key());
      if (by == null || by.equals(claim.process())) {
        return false;
      }
      long end = settled.getOrDefault(by, Map.of()).getOrDefault(claim.key(), killed);
      return claim.start() > begun.get(claim.key()) && claim.start() < end;
    }).count();
  }

  /** A log's whole lines, split at spaces (a line the kill cut short is left out). */
  private static List<String[]> lines(Path log) throws IOException {
    if (!Files.exists(log)) {
      return List.of();
    }
    String text = Files.readString(log, StandardCharsets.UTF_8);
    int end = text.lastIndexOf('\n');
    List<String[]> lines = new ArrayList<>();
    if (end > 0) {
      for (String line : text.substring(0, end).split("\n")) {
        lines.add(line.split(" "));
      }
    }
    return lines;
  }
}

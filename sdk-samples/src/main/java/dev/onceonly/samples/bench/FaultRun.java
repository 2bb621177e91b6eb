package dev.onceonly.samples.bench;

import dev.onceonly.testkit.Dialect;
import dev.onceonly.testkit.FaultKind;
import dev.onceonly.testkit.Faults;
import dev.onceonly.testkit.RunningSandbox;
import dev.onceonly.testkit.SandboxServer;
import dev.onceonly.testkit.SandboxStats;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Runs many creates of one client against a sandbox that loses responses, and counts, from the
 * sandbox's own records, what they cost: requests per successful create and transfers made more
 * than once. Latency is measured by the harness, per create, for the creates that succeeded.
 *
 * <p>Every create carries {@code metadata.operation_id}, unique per logical operation, which is
 * how the sandbox tells a duplicate (two transfers for one operation) from two operations.
 */
public final class FaultRun {

  /** One client's way of performing one logical create. */
  public interface Creator extends AutoCloseable {
    /** Performs the create of {@code operationId}; returns normally only if it succeeded. */
    void create(String operationId) throws Exception;

    @Override
    void close();
  }

  /** The plan: how many operations, from how many threads, against which sandbox. */
  public record Plan(int operations, int threads, Dialect dialect, Faults faults, long seed) {
    public Plan {
      Objects.requireNonNull(dialect, "dialect");
      Objects.requireNonNull(faults, "faults");
      if (operations < 1 || threads < 1) {
        throw new IllegalArgumentException("operations and threads must be at least 1");
      }
    }
  }

  /**
   * What a run came to.
   *
   * @param client the client's name
   * @param dialect the sandbox's dialect
   * @param operations logical creates attempted
   * @param succeeded creates that returned a transfer to their caller
   * @param requests API requests the sandbox received (POSTs and reads)
   * @param posts {@code POST /transfers} the sandbox received
   * @param transfersCreated transfers the sandbox created
   * @param duplicateTransfers transfers beyond the first for one operation id
   * @param operationsDuplicated operation ids with more than one transfer
   * @param responsesLost answers the sandbox dropped after doing the work
   * @param p50Millis the median latency of a successful create
   * @param p99Millis the 99th percentile latency of a successful create
   */
  public record Result(
      String client,
      Dialect dialect,
      int operations,
      int succeeded,
      long requests,
      long posts,
      long transfersCreated,
      long duplicateTransfers,
      int operationsDuplicated,
      long responsesLost,
      double p50Millis,
      double p99Millis) {

    /** Requests the sandbox received per create that succeeded. */
    public double requestsPerSuccess() {
      return succeeded == 0 ? Double.NaN : (double) requests / succeeded;
    }
  }

  private FaultRun() {}

  /**
   * Starts a sandbox with the plan's dialect, faults and seed, runs {@code plan.operations()}
   * creates through the client that {@code clientFor} makes for the sandbox's base URL, and
   * counts.
   */
  public static Result run(String client, Plan plan, Function<String, Creator> clientFor)
      throws InterruptedException {
    SandboxServer config = SandboxServer.builder()
        .dialect(plan.dialect())
        .faults(plan.faults())
        .seed(plan.seed())
        .build();
    try (RunningSandbox sandbox = config.start(); Creator creator = clientFor.apply(sandbox.baseUrl() + "/")) {
      long[] nanos = new long[plan.operations()];
      AtomicInteger next = new AtomicInteger();
      AtomicInteger succeeded = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(plan.threads());
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < plan.threads(); t++) {
        workers.add(pool.submit(() -> {
          for (int i = next.getAndIncrement(); i < plan.operations(); i = next.getAndIncrement()) {
            long start = System.nanoTime();
            try {
              creator.create(client + "-" + i);
              nanos[i] = System.nanoTime() - start;
              succeeded.incrementAndGet();
            } catch (Exception e) {
              nanos[i] = -1; // failed: not a latency
            }
          }
          return null;
        }));
      }
      pool.shutdown();
      for (Future<?> worker : workers) {
        try {
          worker.get();
        } catch (java.util.concurrent.ExecutionException e) {
          throw new IllegalStateException("a worker failed", e.getCause());
        }
      }
      pool.awaitTermination(1, TimeUnit.MINUTES);

      SandboxStats stats = sandbox.stats();
      Map<String, Integer> duplicated = sandbox.duplicatedOperations();
      long duplicates = duplicated.values().stream().mapToLong(count -> count - 1L).sum();
      long[] ok = Arrays.stream(nanos).filter(n -> n >= 0).sorted().toArray();
      return new Result(client, plan.dialect(), plan.operations(), succeeded.get(), stats.requests(),
          stats.posts(), stats.transfersCreated(), duplicates, duplicated.size(),
          stats.faults(FaultKind.DROP) + stats.faults(FaultKind.RESET) + stats.faults(FaultKind.STALL),
          percentileMillis(ok, 50), percentileMillis(ok, 99));
    }
  }

  /** The nearest-rank percentile of sorted nanoseconds, in milliseconds; NaN when empty. */
  static double percentileMillis(long[] sortedNanos, int percentile) {
    if (sortedNanos.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(percentile / 100.0 * sortedNanos.length);
    return sortedNanos[Math.max(0, rank - 1)] / 1e6;
  }
}

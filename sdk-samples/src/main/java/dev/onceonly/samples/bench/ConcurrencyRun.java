package dev.onceonly.samples.bench;

import dev.onceonly.PaymentsClient;
import dev.onceonly.okhttp.OkHttpPaymentsClient;
import dev.onceonly.transfers.Transfer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Many creates at once against a server that answers each after a fixed delay
 * ({@link DelayedAnswerServer}): the asynchronous client with a concurrency limit, and the
 * blocking client with one platform thread per create. Measures the wall time of the whole batch
 * and the JVM's peak of live threads while it runs ({@link ThreadMXBean#getPeakThreadCount()},
 * reset just before), against the ideal: operations × delay / requests allowed at once.
 *
 * <p>Each client is warmed up first, unmeasured, on the same server. The JVM's own threads (GC,
 * JIT, the server's one thread, the harness's main thread) are in the peak; the live threads
 * before the batch are reported beside it.
 */
public final class ConcurrencyRun {

  /**
   * What a batch came to.
   *
   * @param client which client
   * @param operations creates made
   * @param concurrency requests the client sent at once, at most
   * @param delay the server's delay per answer
   * @param wall from the first create started to the last one done
   * @param threadsBefore live threads just before the batch
   * @param peakThreads the JVM's peak of live threads during the batch
   * @param failed creates that did not return a transfer
   * @param midway the live threads by name (numbers folded) halfway through the batch
   */
  public record Result(String client, int operations, int concurrency, Duration delay, Duration wall, int threadsBefore,
      int peakThreads, int failed, Map<String, Long> midway) {

    /**
     * {@code operations × delay / concurrency}, the issue's ideal. (Whole rounds of
     * {@code concurrency} requests make the true floor {@code ⌈operations / concurrency⌉ × delay}:
     * 800 ms rather than 781 ms for 1,000 × 50 ms at 64.)
     */
    public Duration ideal() {
      return delay.multipliedBy(operations).dividedBy(concurrency);
    }

    /** Wall time over the ideal. */
    public double ratio() {
      return (double) wall.toNanos() / ideal().toNanos();
    }
  }

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final Pattern NUMBERS = Pattern.compile("[0-9]+");

  /** The live threads by name, numbers folded ({@code onceonly-steps-#}), OkHttp's calls as one name. */
  static Map<String, Long> liveThreadsByName() {
    Map<String, Long> byName = new TreeMap<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      String name = thread.getName().startsWith("OkHttp http") ? "OkHttp (a call)" : NUMBERS.matcher(thread.getName())
          .replaceAll("#");
      byName.merge(name, 1L, Long::sum);
    }
    return byName;
  }

  private ConcurrencyRun() {}

  /** The asynchronous client, {@code maxConcurrentRequests} at once: all creates started at once. */
  public static Result async(String baseUrl, int operations, int maxConcurrentRequests, Duration delay, int warmUps)
      throws InterruptedException {
    try (PaymentsClient client = OkHttpPaymentsClient.builder()
        .baseUrl(baseUrl)
        .bearerToken(CreateOverhead.TOKEN)
        .maxConcurrentRequests(maxConcurrentRequests)
        .build()) {
      asyncBatch(client, warmUps, null, new TreeMap<>());
      int before = THREADS.getThreadCount();
      THREADS.resetPeakThreadCount();
      long start = System.nanoTime();
      Map<String, Long> midway = new TreeMap<>();
      int failed = asyncBatch(client, operations, delay.multipliedBy(operations / maxConcurrentRequests / 2), midway);
      Duration wall = Duration.ofNanos(System.nanoTime() - start);
      return new Result("async", operations, maxConcurrentRequests, delay, wall, before, THREADS.getPeakThreadCount(),
          failed, midway);
    }
  }

  /**
   * Starts every create, then waits for them all.
   *
   * @param snapshotAfter when to note the live threads, from the main thread while it waits
   *     (so that no thread is added to count them), or {@code null} for no note
   */
  private static int asyncBatch(PaymentsClient client, int operations, Duration snapshotAfter,
      Map<String, Long> midway) throws InterruptedException {
    long start = System.nanoTime();
    List<CompletableFuture<Transfer>> creates = new ArrayList<>(operations);
    for (int i = 0; i < operations; i++) {
      creates.add(client.async().transfers().create(CreateOverhead.PARAMS));
    }
    if (snapshotAfter != null) {
      long left = snapshotAfter.toNanos() - (System.nanoTime() - start);
      if (left > 0) {
        TimeUnit.NANOSECONDS.sleep(left);
      }
      midway.putAll(liveThreadsByName());
    }
    int failed = 0;
    for (CompletableFuture<Transfer> create : creates) {
      try {
        create.join();
      } catch (RuntimeException e) {
        failed++;
      }
    }
    return failed;
  }

  /** The blocking client on one platform thread per create, all released at once. */
  public static Result blocking(String baseUrl, int operations, Duration delay, int warmUps)
      throws InterruptedException {
    try (PaymentsClient client = OkHttpPaymentsClient.builder()
        .baseUrl(baseUrl)
        .bearerToken(CreateOverhead.TOKEN)
        .build()) {
      blockingBatch(client, warmUps, null, null);
      int before = THREADS.getThreadCount();
      THREADS.resetPeakThreadCount();
      long[] start = new long[1];
      Map<String, Long> midway = new TreeMap<>();
      int failed = blockingBatch(client, operations, start, midway);
      Duration wall = Duration.ofNanos(System.nanoTime() - start[0]);
      return new Result("blocking, a thread per create", operations, operations, delay, wall, before,
          THREADS.getPeakThreadCount(), failed, midway);
    }
  }

  /**
   * Starts {@code operations} threads, each waiting on one latch, then opens it; returns the
   * creates that failed.
   *
   * @param start where to put {@link System#nanoTime()} when the latch opens, or {@code null}
   */
  private static int blockingBatch(PaymentsClient client, int operations, long[] start, Map<String, Long> midway)
      throws InterruptedException {
    CountDownLatch go = new CountDownLatch(1);
    AtomicInteger failed = new AtomicInteger();
    List<Thread> threads = new ArrayList<>(operations);
    for (int i = 0; i < operations; i++) {
      Thread thread = new Thread(() -> {
        try {
          go.await();
          client.transfers().create(CreateOverhead.PARAMS);
        } catch (InterruptedException e) {
          failed.incrementAndGet();
        } catch (RuntimeException e) {
          failed.incrementAndGet();
        }
      }, "bench-blocking-" + i);
      thread.start();
      threads.add(thread);
    }
    if (start != null) {
      start[0] = System.nanoTime();
    }
    go.countDown();
    if (midway != null) {
      midway.putAll(liveThreadsByName());
    }
    for (Thread thread : threads) {
      thread.join(TimeUnit.MINUTES.toMillis(2));
    }
    return failed.get();
  }
}

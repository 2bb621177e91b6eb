package dev.onceonly.samples.demo;

import dev.onceonly.Money;
import dev.onceonly.testkit.SandboxTransfer;
import dev.onceonly.transfers.TransferCreateParams;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Many logical creates over a fixed pool of threads (or, {@linkplain #runAsync asynchronously},
 * that many creates in flight without a thread each), each with its own
 * {@code metadata.operation_id} so that the server's records show how many times each one
 * happened. Each create's latency is measured around the client call with
 * {@link System#nanoTime()}.
 *
 * <p>Immutable; {@link #run} may be called more than once, each run on its own threads.
 */
final class Workload {

  private static final String SOURCE = "/funding-sources/707177c3-bf15-4e7e-b37c-55c3898d9bf4";
  private static final String DESTINATION = "/funding-sources/04173e17-6398-4d36-a167-9d98c4b1f1c3";

  private final int creates;
  private final int threads;
  private final Clock clock;
  private final @Nullable PrintStream progress;
  private final Duration progressEvery;

  /**
   * @param creates how many logical creates, at least 1
   * @param threads how many threads call at once, at least 1
   * @param clock the clock of {@link Outcome#startedAt()}: the client's
   * @param progress where to print a progress line every {@code progressEvery}, or {@code null}
   */
  Workload(int creates, int threads, Clock clock, @Nullable PrintStream progress, Duration progressEvery) {
    if (creates < 1) {
      throw new IllegalArgumentException("creates must be >= 1, was: " + creates);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, was: " + threads);
    }
    this.creates = creates;
    this.threads = threads;
    this.clock = clock;
    this.progress = progress;
    this.progressEvery = progressEvery;
  }

  int creates() {
    return creates;
  }

  int threads() {
    return threads;
  }

  /** The parameters of create number {@code index}: a distinct amount and operation id. */
  static TransferCreateParams params(String baseUrl, String operationId, int index) {
    return TransferCreateParams.builder()
        .source(baseUrl + SOURCE)
        .destination(baseUrl + DESTINATION)
        .amount(Money.of("USD", BigDecimal.valueOf(100 + index % 99_900, 2))) // 1.00 to 999.99
        .metadata(SandboxTransfer.OPERATION_ID, operationId)
        .build();
  }

  /** The operation id of create number {@code index}, such as {@code op-000042}. */
  static String operationId(int index) {
    return String.format(Locale.ROOT, "op-%06d", index);
  }

  /**
   * Runs every create through {@code client} against {@code baseUrl} and returns the outcomes in
   * the order of the operation ids.
   *
   * @throws InterruptedException if interrupted while waiting; the running creates are cancelled
   */
  List<Outcome> run(CreateClient client, String baseUrl) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(threads, named(client.name()));
    AtomicInteger done = new AtomicInteger();
    long start = System.nanoTime();
    @Nullable ScheduledExecutorService ticker = null;
    if (progress != null) {
      ticker = Executors.newSingleThreadScheduledExecutor(named("progress"));
      long every = progressEvery.toMillis();
      ticker.scheduleAtFixedRate(() -> progress.printf(Locale.ROOT, "  %s: %d/%d creates done, %.1f s%n",
          client.name(), done.get(), creates, (System.nanoTime() - start) / 1e9), every, every, TimeUnit.MILLISECONDS);
    }
    try {
      List<Future<Outcome>> futures = new ArrayList<>(creates);
      for (int i = 0; i < creates; i++) {
        String operationId = operationId(i);
        TransferCreateParams params = params(baseUrl, operationId, i);
        futures.add(pool.submit(() -> {
          Outcome outcome = timed(client, operationId, params);
          done.incrementAndGet();
          return outcome;
        }));
      }
      List<Outcome> outcomes = new ArrayList<>(creates);
      for (Future<Outcome> future : futures) {
        outcomes.add(future.get());
      }
      return outcomes;
    } catch (ExecutionException e) {
      throw new IllegalStateException("a create failed outside the client", e.getCause());
    } finally {
      if (ticker != null) {
        ticker.shutdownNow();
      }
      pool.shutdownNow();
      pool.awaitTermination(1, TimeUnit.MINUTES);
    }
  }

  /**
   * Runs every create through {@code client.createAsync}, {@code threads} of them in flight at
   * once (the calling thread waits for a free slot, and nothing else waits), and returns the
   * outcomes in the order of the operation ids.
   *
   * @throws InterruptedException if interrupted while waiting; the creates in flight are cancelled
   */
  List<Outcome> runAsync(CreateClient client, String baseUrl) throws InterruptedException {
    Semaphore inFlight = new Semaphore(threads);
    AtomicInteger done = new AtomicInteger();
    long start = System.nanoTime();
    @Nullable ScheduledExecutorService ticker = null;
    if (progress != null) {
      ticker = Executors.newSingleThreadScheduledExecutor(named("progress"));
      long every = progressEvery.toMillis();
      ticker.scheduleAtFixedRate(() -> progress.printf(Locale.ROOT, "  %s (async): %d/%d creates done, %.1f s%n",
          client.name(), done.get(), creates, (System.nanoTime() - start) / 1e9), every, every, TimeUnit.MILLISECONDS);
    }
    List<CompletableFuture<Outcome>> futures = new ArrayList<>(creates);
    try {
      for (int i = 0; i < creates; i++) {
        inFlight.acquire();
        String operationId = operationId(i);
        TransferCreateParams params = params(baseUrl, operationId, i);
        Instant startedAt = clock.instant();
        long began = System.nanoTime();
        CompletableFuture<ClientAnswer> answer;
        try {
          answer = client.createAsync(params);
        } catch (RuntimeException e) {
          answer = CompletableFuture.completedFuture(ClientAnswer.failed(null, 1, "unexpected " + SdkCreateClient.describe(e)));
        }
        futures.add(answer.handle((a, error) -> {
          inFlight.release();
          done.incrementAndGet();
          ClientAnswer told = error == null ? a : ClientAnswer.failed(null, 1, "unexpected " + SdkCreateClient.describe(error));
          return new Outcome(operationId, params, startedAt, told, System.nanoTime() - began);
        }));
      }
      List<Outcome> outcomes = new ArrayList<>(creates);
      for (CompletableFuture<Outcome> future : futures) {
        outcomes.add(future.get());
      }
      return outcomes;
    } catch (ExecutionException e) {
      throw new IllegalStateException("a create failed outside the client", e.getCause());
    } catch (InterruptedException e) {
      futures.forEach(f -> f.cancel(true));
      throw e;
    } finally {
      if (ticker != null) {
        ticker.shutdownNow();
      }
    }
  }

  private Outcome timed(CreateClient client, String operationId, TransferCreateParams params) {
    Instant startedAt = clock.instant();
    long start = System.nanoTime();
    ClientAnswer answer;
    try {
      answer = client.create(params);
    } catch (RuntimeException e) {
      // A client must report rather than throw; if it throws anyway, the create failed for its caller.
      answer = ClientAnswer.failed(null, 1, "unexpected " + SdkCreateClient.describe(e));
    }
    return new Outcome(operationId, params, startedAt, answer, System.nanoTime() - start);
  }

  private static ThreadFactory named(String name) {
    AtomicInteger count = new AtomicInteger();
    String prefix = "demo-" + name.toLowerCase(Locale.ROOT).replace(' ', '-') + "-";
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}

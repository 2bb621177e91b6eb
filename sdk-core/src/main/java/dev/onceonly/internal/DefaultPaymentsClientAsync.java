package dev.onceonly.internal;

import dev.onceonly.PaymentsClientAsync;
import dev.onceonly.http.HttpTransport;
import dev.onceonly.transfers.TransferServiceAsync;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The asynchronous view of a {@link DefaultPaymentsClient}, and the owner of what it runs on.
 *
 * <p>Made on first use, so that a client used only blocking starts no thread, each of daemon
 * threads made on demand and retired after {@value #IDLE_SECONDS} s idle:
 * <ul>
 *   <li>the scheduler of the waits between attempts: the builder's, or one thread of the
 *       client's own ({@code onceonly-scheduler});
 *   <li>the steps pool ({@code onceonly-steps-N}, {@link #STEP_THREADS} threads and a queue),
 *       where the deciders run and the listener and resilience4j are told: the SDK's own work,
 *       a few microseconds per step, never the caller's code;
 *   <li>the completion pool ({@code onceonly-callbacks-N}, {@value #CALLBACK_THREADS} threads and
 *       a queue), where the futures are completed, so where a caller's dependent stages run,
 *       unless the builder was given an {@code asyncExecutor}. A stage that blocks there delays
 *       the completion of the client's other futures, never the operations themselves.
 * </ul>
 * Both pools are fixed and small, with queues, so that a burst of a thousand operations costs a
 * thousand queued tasks rather than threads. {@link #close()} ends the pending operations
 * truthfully, shuts down what the client owns and leaves a caller's scheduler and executor alone.
 */
final class DefaultPaymentsClientAsync implements PaymentsClientAsync {

  /** Steps are short: as many threads as cores, at least 2, at most 4. */
  static final int STEP_THREADS = Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));
  static final int CALLBACK_THREADS = 2;
  static final int IDLE_SECONDS = 60;

  private final RetryEngine engine;
  private final HttpTransport transport;
  private final ClientConfig config;
  private final TransferServiceAsync transfers;
  private volatile @Nullable AsyncRetryEngine driver;
  // Guarded by this.
  private @Nullable ScheduledThreadPoolExecutor ownScheduler;
  private @Nullable ExecutorService ownPool;
  private @Nullable ExecutorService ownCallbacks;
  private boolean closed;

  DefaultPaymentsClientAsync(RetryEngine engine, HttpTransport transport, DefaultTransferService transfers,
      ClientConfig config) {
    this.engine = engine;
    this.transport = transport;
    this.config = config;
    this.transfers = new DefaultTransferServiceAsync(transfers, engine, this::driver);
  }

  @Override
  public TransferServiceAsync transfers() {
    return transfers;
  }

  /** A view whose transfers apply {@code other}'s defaults, on this client's driver and threads. */
  PaymentsClientAsync withTransfers(DefaultTransferService other) {
    TransferServiceAsync view = new DefaultTransferServiceAsync(other, engine, this::driver);
    return () -> view;
  }

  /** The driver, made (with the client's own threads, if it needs them) on first use. */
  AsyncRetryEngine driver() {
    AsyncRetryEngine d = driver;
    return d != null ? d : makeDriver();
  }

  private synchronized AsyncRetryEngine makeDriver() {
    AsyncRetryEngine d = driver;
    if (d != null) {
      return d;
    }
    ExecutorService pool = pool(STEP_THREADS, "onceonly-steps-");
    ScheduledExecutorService scheduler = config.scheduler();
    if (scheduler == null) {
      ScheduledThreadPoolExecutor own = new ScheduledThreadPoolExecutor(1, daemon("onceonly-scheduler"));
      own.setRemoveOnCancelPolicy(true); // a cancelled wait leaves nothing behind
      scheduler = own;
      ownScheduler = own;
    }
    Executor completions = config.asyncExecutor();
    if (completions == null) {
      ownCallbacks = pool(CALLBACK_THREADS, "onceonly-callbacks-");
      completions = ownCallbacks;
    }
    ownPool = pool;
    if (closed) {
      // Used after close: nothing is started; the operations end at once as the client is closed.
      shutDown();
    }
    d = new AsyncRetryEngine(engine, transport, scheduler, pool, completions);
    driver = d;
    return d;
  }

  /** Ends the pending operations truthfully and shuts down what the client owns. The engine is closed first. */
  synchronized void close() {
    closed = true;
    AsyncRetryEngine d = driver;
    if (d != null) {
      d.close();
    }
    shutDown();
  }

  private void shutDown() {
    if (ownScheduler != null) {
      // Every wait was just woken; one scheduled since (by an operation that had checked the
      // client just before it closed) would never run: run it now, and it sees the client closed.
      for (Runnable wait : ownScheduler.shutdownNow()) {
        wait.run();
      }
    }
    if (ownPool != null) {
      ownPool.shutdown(); // the steps already queued still run; later ones run where they arise
    }
    if (ownCallbacks != null) {
      ownCallbacks.shutdown(); // likewise the completions
    }
  }

  /** A fixed pool of daemon threads made on demand, retired when idle, with an unbounded queue. */
  private static ExecutorService pool(int threads, String prefix) {
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, IDLE_SECONDS, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), daemon(prefix));
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger count = new AtomicInteger();
    boolean numbered = prefix.endsWith("-");
    return runnable -> {
      Thread thread = new Thread(runnable, numbered ? prefix + count.incrementAndGet() : prefix);
      thread.setDaemon(true);
      return thread;
    };
  }
}

package dev.onceonly.internal;

import dev.onceonly.PaymentsClientAsync;
import dev.onceonly.http.HttpTransport;
import dev.onceonly.transfers.TransferServiceAsync;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The asynchronous view of a {@link DefaultPaymentsClient}, and the owner of what it runs on.
 *
 * <p>Made on first use, so that a client used only blocking starts no thread:
 * <ul>
 *   <li>the scheduler of the waits between attempts: the builder's, or one daemon thread of the
 *       client's own ({@code onceonly-scheduler});
 *   <li>the client's pool ({@code onceonly-async-N}), where the deciders run and, unless the
 *       builder was given an {@code asyncExecutor}, the futures are completed: daemon threads
 *       made when no idle one is free, up to {@value #MAX_POOL_THREADS}, each retired after
 *       {@value #IDLE_SECONDS} s idle. A caller's stage that blocks holds one of them and the next
 *       task gets another, so it cannot stall the SDK; past the cap a task runs on the thread
 *       that hands it over (OkHttp's or the scheduler's), rather than wait.
 * </ul>
 * {@link #close()} ends the pending operations truthfully, shuts down what the client owns and
 * leaves a caller's scheduler and executor alone.
 */
final class DefaultPaymentsClientAsync implements PaymentsClientAsync {

  static final int MAX_POOL_THREADS = 64;
  static final int IDLE_SECONDS = 60;

  private final RetryEngine engine;
  private final HttpTransport transport;
  private final ClientConfig config;
  private final TransferServiceAsync transfers;
  private volatile @Nullable AsyncRetryEngine driver;
  // Guarded by this.
  private @Nullable ScheduledThreadPoolExecutor ownScheduler;
  private @Nullable ExecutorService ownPool;
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
    ThreadPoolExecutor pool = new ThreadPoolExecutor(0, MAX_POOL_THREADS, IDLE_SECONDS, TimeUnit.SECONDS,
        new SynchronousQueue<>(), daemon("onceonly-async-"));
    ScheduledExecutorService scheduler = config.scheduler();
    if (scheduler == null) {
      ScheduledThreadPoolExecutor own = new ScheduledThreadPoolExecutor(1, daemon("onceonly-scheduler"));
      own.setRemoveOnCancelPolicy(true); // a cancelled wait leaves nothing behind
      scheduler = own;
      ownScheduler = own;
    }
    Executor completions = config.asyncExecutor() != null ? config.asyncExecutor() : pool;
    ownPool = pool;
    if (closed) {
      // Used after close: nothing is started; the operations end at once as the client is closed.
      pool.shutdown();
      if (ownScheduler != null) {
        ownScheduler.shutdownNow();
      }
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
    if (ownScheduler != null) {
      ownScheduler.shutdownNow(); // every wait was just woken
    }
    if (ownPool != null) {
      ownPool.shutdown(); // the steps already handed over still run; later ones run where they arise
    }
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

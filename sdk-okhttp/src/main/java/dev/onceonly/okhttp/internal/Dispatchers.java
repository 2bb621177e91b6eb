package dev.onceonly.okhttp.internal;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Dispatcher;

/** The OkHttp {@link Dispatcher} of a client the SDK builds itself. */
public final class Dispatchers {

  private static final int IDLE_SECONDS = 60;

  private Dispatchers() {}

  /**
   * A dispatcher that sends at most {@code maxConcurrentRequests} requests at once, in all and
   * per host, on at most that many threads.
   *
   * <p>OkHttp's own executor makes a thread whenever none is idle; a call that ends hands the
   * next queued call to the executor before its thread is idle again, so under a steady queue it
   * grows well past the limit (29 threads at a limit of 16, measured). Here the threads are
   * fixed at the limit, made on demand and retired after 60 s idle, and a call handed over that
   * way waits the moment it takes the ending thread to pick it up. Like OkHttp's, the threads
   * are not daemons, so that calls under way finish before the JVM exits.
   */
  public static Dispatcher bounded(int maxConcurrentRequests) {
    AtomicInteger count = new AtomicInteger();
    ThreadFactory threads = runnable -> {
      Thread thread = new Thread(runnable, "OkHttp Dispatcher (onceonly) " + count.incrementAndGet());
      thread.setDaemon(false);
      return thread;
    };
    ThreadPoolExecutor executor = new ThreadPoolExecutor(maxConcurrentRequests, maxConcurrentRequests, IDLE_SECONDS,
        TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads);
    executor.allowCoreThreadTimeOut(true);
    Dispatcher dispatcher = new Dispatcher(executor);
    dispatcher.setMaxRequests(maxConcurrentRequests);
    dispatcher.setMaxRequestsPerHost(maxConcurrentRequests);
    return dispatcher;
  }
}

package dev.onceonly.testkit;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A started sandbox: where it listens, what it did, and {@link #close()}.
 *
 * <p>Requests are served on a cached pool of daemon threads, so stalled or slow requests never
 * keep others waiting. Loading this class sets the system property
 * {@code sun.net.httpserver.nodelay} to {@code true} unless it is set (see the comment there:
 * without it every answer is about 40 ms late). Thread-safe. The owner must close it; closing ends open connections and
 * interrupts requests that are processing or stalled.
 */
public final class RunningSandbox implements AutoCloseable {

  private static final InetAddress LOOPBACK = loopback();
  private static final String NODELAY = "sun.net.httpserver.nodelay";

  static {
    // The JDK HttpServer sends the head and the body of an answer as two TCP segments; with
    // Nagle's algorithm on, the body waits for the ACK of the head, which the peer delays by up
    // to 40 ms: about 45 ms per request instead of 2. The server reads this property once, when
    // the JVM's first HttpServer is created; a value the user set is left alone.
    if (System.getProperty(NODELAY) == null) {
      System.setProperty(NODELAY, "true");
    }
  }

  private final HttpServer http;
  private final TcpFront front;
  private final ExecutorService executor;
  private final Dialect dialect;
  private final long seed;
  private final String baseUrl;
  private final TransferStore transfers;
  private final RefundStore refunds;
  private final Counters counters;
  private final AtomicBoolean closed = new AtomicBoolean();

  private RunningSandbox(HttpServer http, TcpFront front, ExecutorService executor,
      Dialect dialect, long seed, String baseUrl, TransferStore transfers, RefundStore refunds, Counters counters) {
    this.http = http;
    this.front = front;
    this.executor = executor;
    this.dialect = dialect;
    this.seed = seed;
    this.baseUrl = baseUrl;
    this.transfers = transfers;
    this.refunds = refunds;
    this.counters = counters;
  }

  static RunningSandbox start(SandboxServer config) {
    ExecutorService executor = Executors.newCachedThreadPool(daemonThreads());
    HttpServer http = null;
    TcpFront front = null;
    try {
      // The HttpServer listens on a private port; clients reach it through the front, which
      // owns their sockets so that faults can reset them.
      http = HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 0);
      http.setExecutor(executor);
      front = TcpFront.start(config.port(), http.getAddress(), executor);
      long seed = config.seed().orElseGet(() -> new SecureRandom().nextLong());
      String baseUrl = "http://" + LOOPBACK.getHostAddress() + ":" + front.port();
      TransferStore transfers = new TransferStore();
      RefundStore refunds = new RefundStore();
      Counters counters = new Counters();
      http.createContext("/",
          new SandboxHandler(config, seed, baseUrl, transfers, refunds, counters, front));
      http.start();
      return new RunningSandbox(http, front, executor, config.dialect(), seed, baseUrl,
          transfers, refunds, counters);
    } catch (IOException e) {
      if (front != null) {
        front.close();
      }
      if (http != null) {
        http.stop(0);
      }
      executor.shutdownNow();
      throw new UncheckedIOException("cannot start the sandbox on port " + config.port(), e);
    }
  }

  /** The base URL, {@code http://127.0.0.1:<port>}, without a trailing slash. */
  public String baseUrl() {
    return baseUrl;
  }

  /** {@code path} (starting with {@code /}) resolved against {@link #baseUrl()}. */
  public URI uri(String path) {
    return URI.create(baseUrl + path);
  }

  /** The port the sandbox listens on. */
  public int port() {
    return front.port();
  }

  public Dialect dialect() {
    return dialect;
  }

  /** The seed of the fault draws: the configured one, or the one picked at start. */
  public long seed() {
    return seed;
  }

  /** A snapshot of the counters. */
  public SandboxStats stats() {
    return counters.snapshot();
  }

  /** The transfers created so far, oldest first. */
  public List<SandboxTransfer> transfers() {
    return transfers.all();
  }

  public int transferCount() {
    return transfers.count();
  }

  public Optional<SandboxTransfer> transfer(String id) {
    return transfers.get(id);
  }

  /** The transfers created with {@code metadata.operation_id} equal to {@code operationId}. */
  public List<SandboxTransfer> transfersWithOperationId(String operationId) {
    return transfers.withOperationId(operationId);
  }

  /**
   * The operation ids that have more than one transfer, with how many: each one is a logical
   * operation that was performed more than once. Empty when the client was exactly-once.
   */
  public Map<String, Integer> duplicatedOperations() {
    return transfers.duplicatedOperations();
  }

  /** The refunds created so far ({@code POST /refunds}), oldest first. */
  public List<SandboxRefund> refunds() {
    return refunds.all();
  }

  /** The operation ids that have more than one refund, with how many. Empty when the client was exactly-once. */
  public Map<String, Integer> duplicatedRefundOperations() {
    return refunds.duplicatedOperations();
  }

  /** Stops listening, ends open connections and interrupts running requests. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    front.close();
    http.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "RunningSandbox{" + baseUrl + ", dialect=" + dialect.wireName() + "}";
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, "onceonly-sandbox-" + count.incrementAndGet());
      thread.setDaemon(true); // a forgotten sandbox must not keep a test JVM alive
      return thread;
    };
  }

  private static InetAddress loopback() {
    try {
      return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
    } catch (IOException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}

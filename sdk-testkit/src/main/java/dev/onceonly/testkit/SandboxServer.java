package dev.onceonly.testkit;

import dev.onceonly.Sleeper;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;

/**
 * A sandbox server of the Transfers API, on loopback: the whole wire contract of the protocol
 * (transfers, {@code Idempotency-Key} replays and conflicts, {@code GET /responses/{key}}) in one
 * of seven {@linkplain Dialect dialects} (the protocol's four, Stripe, GoCardless, Increase), with {@linkplain Faults injected faults}, for trying a
 * client against every answer a real server may give.
 *
 * <pre>{@code
 * try (RunningSandbox sandbox = SandboxServer.builder()
 *     .dialect(Dialect.FULL)
 *     .faults(Faults.builder().dropRate(0.2).build())
 *     .seed(42)
 *     .build()
 *     .start()) {
 *   String baseUrl = sandbox.baseUrl(); // http://127.0.0.1:<port>
 *   ...
 *   assertEquals(0, sandbox.stats().duplicateCreations());
 * }
 * }</pre>
 *
 * <p>This object is only the configuration: immutable, thread-safe, and {@link #start()}able
 * any number of times, each start an independent server with its own store. Run
 * {@link #main(String[])} with {@code --help} for the command line.
 *
 * <h2>Routes</h2>
 * <ul>
 *   <li>{@code POST /transfers}: creates a transfer, {@code 201} with {@code Location}; the
 *       {@code Idempotency-Key} header is optional (16 to 36 characters of {@code A-Za-z0-9-}; up
 *       to 255, 128 or 200 visible characters in the Stripe, GoCardless and Increase dialects).
 *   <li>{@code GET /transfers?metadata[name]=value&limit=n&starting_after=id}: the transfers whose
 *       metadata has every value given, newest first, {@code limit} (1 to 100, default 10) at a
 *       time, as {@code {"data": [...], "has_more": bool}}.
 *   <li>{@code GET /transfers/{id}}: {@code 200} or {@code 404}.
 *   <li>{@code POST /refunds}: refunds part or all of a transfer
 *       ({@code {"transfer_id", "amount": {"currency", "value"}, "metadata"}}), exactly once per
 *       key like a transfer; {@code GET /refunds/{id}}.
 *   <li>{@code GET /responses/{key}}: the stored answer in MangoPay's envelope, in the
 *       {@link Dialect#FULL} and {@link Dialect#MANGOPAY} dialects; {@code 404} in the others.
 *   <li>{@code GET /_sandbox/stats}: the {@linkplain SandboxStats counters} as JSON; no token
 *       needed, not counted.
 * </ul>
 *
 * <h2>Keys</h2>
 * Keys are scoped by bearer token. A key lives for the key window (24 hours by default) from
 * its first use, by the injected {@link Clock}; after that the same key creates a new transfer.
 * The stored answer is exactly the first one (status, body bytes, {@code Location}), a
 * validation error included. A request that fails before the work (an injected server error)
 * stores nothing.
 */
public final class SandboxServer {

  /** The default key window, as in the protocol. */
  public static final Duration DEFAULT_KEY_WINDOW = Duration.ofHours(24);

  private final int port;
  private final Dialect dialect;
  private final Faults faults;
  private final @Nullable Long seed;
  private final Clock clock;
  private final Sleeper sleeper;
  private final @Nullable String requiredToken;
  private final Duration keyWindow;

  private SandboxServer(Builder builder) {
    this.port = builder.port;
    this.dialect = builder.dialect;
    this.faults = builder.faults;
    this.seed = builder.seed;
    this.clock = builder.clock;
    this.sleeper = builder.sleeper;
    this.requiredToken = builder.requiredToken;
    this.keyWindow = builder.keyWindow;
  }

  /** A builder with the defaults: any free port, {@link Dialect#FULL}, no faults, no token. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder that starts from this configuration. */
  public Builder newBuilder() {
    return new Builder(this);
  }

  /**
   * Starts a server with this configuration, listening on {@code 127.0.0.1}. The caller owns the
   * result and must {@linkplain RunningSandbox#close() close} it.
   *
   * @throws UncheckedIOException if the port cannot be bound
   */
  public RunningSandbox start() {
    return RunningSandbox.start(this);
  }

  /** The port to listen on; 0 (the default) picks a free one. */
  public int port() {
    return port;
  }

  public Dialect dialect() {
    return dialect;
  }

  public Faults faults() {
    return faults;
  }

  /** The seed of the fault draws; if empty, each start picks one (see {@link RunningSandbox#seed()}). */
  public OptionalLong seed() {
    return seed == null ? OptionalLong.empty() : OptionalLong.of(seed);
  }

  /** The clock of key windows and creation times. */
  public Clock clock() {
    return clock;
  }

  /** How long a key is remembered from its first use. */
  public Duration keyWindow() {
    return keyWindow;
  }

  /** Whether requests must carry one bearer token (the token itself is not readable). */
  public boolean requiresToken() {
    return requiredToken != null;
  }

  Sleeper sleeper() {
    return sleeper;
  }

  @Nullable String requiredToken() {
    return requiredToken;
  }

  @Override
  public String toString() {
    return "SandboxServer{port=" + port + ", dialect=" + dialect.wireName() + ", " + faults
        + ", seed=" + (seed == null ? "random" : seed) + ", keyWindow=" + keyWindow
        + ", token=" + (requiredToken == null ? "any" : "required") + "}";
  }

  /**
   * Runs a sandbox until the process is stopped (Ctrl+C), then prints its stats. Flags:
   * {@code --help} lists them.
   */
  public static void main(String[] args) throws InterruptedException {
    Optional<SandboxServer> parsed;
    try {
      parsed = CommandLine.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("sandbox: " + e.getMessage());
      System.err.println("Run with --help for the flags.");
      System.exit(2);
      return;
    }
    if (parsed.isEmpty()) {
      System.out.print(CommandLine.usage());
      return;
    }
    RunningSandbox sandbox;
    try {
      sandbox = parsed.get().start();
    } catch (UncheckedIOException e) {
      System.err.println("sandbox: cannot listen on port " + parsed.get().port() + ": "
          + e.getCause().getMessage());
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("OnceOnly sandbox stopping: " + sandbox.stats());
      sandbox.close();
      stopped.countDown();
    }, "onceonly-sandbox-shutdown"));
    System.out.println("OnceOnly sandbox listening on " + sandbox.baseUrl() + " (dialect "
        + sandbox.dialect().wireName() + ", seed " + sandbox.seed() + ", " + parsed.get().faults()
        + (parsed.get().requiresToken() ? ", bearer token required" : "") + ")");
    System.out.println("Stats: GET " + sandbox.baseUrl() + SandboxHandler.STATS_PATH
        + "; stop with Ctrl+C.");
    stopped.await();
  }

  /** Builds a {@link SandboxServer}; each setter checks its argument at once. */
  public static final class Builder {
    private int port;
    private Dialect dialect = Dialect.FULL;
    private Faults faults = Faults.none();
    private @Nullable Long seed;
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.SYSTEM;
    private @Nullable String requiredToken;
    private Duration keyWindow = DEFAULT_KEY_WINDOW;

    private Builder() {}

    private Builder(SandboxServer server) {
      this.port = server.port;
      this.dialect = server.dialect;
      this.faults = server.faults;
      this.seed = server.seed;
      this.clock = server.clock;
      this.sleeper = server.sleeper;
      this.requiredToken = server.requiredToken;
      this.keyWindow = server.keyWindow;
    }

    /** The port on {@code 127.0.0.1}, from 0 to 65535; 0 (the default) picks a free one. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be from 0 to 65535, was: " + port);
      }
      this.port = port;
      return this;
    }

    /** Which server to imitate; {@link Dialect#FULL} by default. */
    public Builder dialect(Dialect dialect) {
      this.dialect = Objects.requireNonNull(dialect, "dialect");
      return this;
    }

    /** The faults to inject; {@link Faults#none()} by default. */
    public Builder faults(Faults faults) {
      this.faults = Objects.requireNonNull(faults, "faults");
      return this;
    }

    /** The seed of the fault draws, for runs that can be repeated; random by default. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** The clock of key windows and creation times; the system clock by default. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * How the sandbox waits out {@linkplain Faults#processingTime() processing} and
     * {@linkplain Faults#stallTime() stalls}; {@link Sleeper#SYSTEM} by default. A test can
     * inject one that waits for a latch instead, to hold a key in progress exactly as long as
     * it needs. It is called on the request's thread, which is interrupted when the sandbox
     * closes.
     */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /**
     * Requires every API request to carry {@code Authorization: Bearer <token>}, else
     * {@code 401}; {@code null} (the default) accepts any token or none.
     */
    public Builder requiredToken(@Nullable String token) {
      if (token != null && (token.isBlank() || !token.equals(token.strip()))) {
        throw new IllegalArgumentException("requiredToken must not be blank nor padded");
      }
      this.requiredToken = token;
      return this;
    }

    /** How long a key is remembered from its first use; 24 hours by default. */
    public Builder keyWindow(Duration keyWindow) {
      Objects.requireNonNull(keyWindow, "keyWindow");
      if (keyWindow.isNegative() || keyWindow.isZero()) {
        throw new IllegalArgumentException("keyWindow must be positive, was: " + keyWindow);
      }
      this.keyWindow = keyWindow;
      return this;
    }

    public SandboxServer build() {
      return new SandboxServer(this);
    }
  }
}

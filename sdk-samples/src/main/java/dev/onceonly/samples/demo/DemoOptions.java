package dev.onceonly.samples.demo;

import dev.onceonly.testkit.Flags;
import dev.onceonly.testkit.Dialect;
import dev.onceonly.testkit.Faults;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The flags of {@link ExactlyOnceDemo}: {@code --name value} or {@code --name=value}.
 *
 * @param creates logical creates per client, at least 1
 * @param threads threads calling at once, at least 1
 * @param dropRate the probability that the sandbox closes the connection after committing
 * @param errorRate the probability of a {@code 503} before any work
 * @param stallRate the probability that the answer is held past the read timeout, then dropped
 * @param dialect which server the sandbox imitates
 * @param seed the seed of the sandbox's fault draws; {@code null} picks one at random
 * @param async whether the SDK's side runs through {@code client.async()}: {@code threads}
 *     creates in flight at once, without a thread each
 */
record DemoOptions(
    int creates,
    int threads,
    double dropRate,
    double errorRate,
    double stallRate,
    Dialect dialect,
    @Nullable Long seed,
    boolean async) {

  static final int DEFAULT_CREATES = 2_000;
  static final int DEFAULT_THREADS = 16;
  static final double DEFAULT_DROP_RATE = 0.20;
  static final double DEFAULT_ERROR_RATE = 0.10;
  static final double DEFAULT_STALL_RATE = 0.05;
  private static final int MAX_THREADS = 512;

  DemoOptions {
    if (creates < 1) {
      throw new IllegalArgumentException("--creates must be at least 1, was: " + creates);
    }
    if (threads < 1 || threads > MAX_THREADS) {
      throw new IllegalArgumentException("--threads must be from 1 to " + MAX_THREADS + ", was: " + threads);
    }
    Objects.requireNonNull(dialect, "dialect");
    checkRate(dropRate, "--drop-rate");
    checkRate(errorRate, "--error-rate");
    checkRate(stallRate, "--stall-rate");
    if (dropRate + errorRate + stallRate > 1.0 + 1e-9) {
      throw new IllegalArgumentException("--drop-rate, --error-rate and --stall-rate must add up to at most 1, were: "
          + dropRate + " + " + errorRate + " + " + stallRate);
    }
  }

  /** The defaults: 2,000 creates over 16 threads, 20% drops, 10% {@code 503}, 5% stalls. */
  static DemoOptions defaults() {
    return new DemoOptions(DEFAULT_CREATES, DEFAULT_THREADS, DEFAULT_DROP_RATE, DEFAULT_ERROR_RATE,
        DEFAULT_STALL_RATE, Dialect.FULL, null, false);
  }

  /** The sandbox's faults: these rates, and stalls longer than the clients' read timeout. */
  Faults faults() {
    return Faults.builder()
        .dropRate(dropRate)
        .serverErrorRate(errorRate)
        .stallRate(stallRate)
        .stallTime(SdkCreateClient.STALL_TIME)
        .build();
  }

  private static boolean parseBoolean(String value) {
    return switch (value) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("needs true or false, was: " + value);
    };
  }

  private static void checkRate(double rate, String flag) {
    if (!(rate >= 0.0 && rate <= 1.0)) {
      throw new IllegalArgumentException(flag + " must be from 0 to 1, was: " + rate);
    }
  }

  static String usage() {
    return """
        Usage: ExactlyOnceDemo [flags]
        Starts a sandbox of the Transfers API that loses answers, makes the same transfers through
        it with the OnceOnly SDK and with a naive retrying client, and reports what the server
        recorded. Exits with 1 if the SDK's run duplicated or lost a transfer.

          --creates N        logical creates per client (default 2000)
          --threads T        threads calling at once (default 16); with --async, creates in
                             flight at once
          --async            the SDK's side through client.async(): no thread per create
          --drop-rate P      probability of closing the connection after the commit (default 0.2)
          --error-rate P     probability of a 503 before any work (default 0.1)
          --stall-rate P     probability of holding the answer 1.5 s, past the 1 s read timeout,
                             after the commit (default 0.05)
          --dialect NAME     full | dwolla | mangopay | ietf | stripe | gocardless | increase
                             (default full; the SDK uses the dialect's profile)
          --seed S           seed of the sandbox's fault draws (default random, printed)
          --help             print this help

        Rates are from 0 to 1 and add up to at most 1.
        """;
  }

  /**
   * Parses {@code args}; empty if {@code --help} was asked.
   *
   * @throws IllegalArgumentException naming the flag, if one is unknown, lacks its value or has a
   *     bad one
   */
  static Optional<DemoOptions> parse(String[] args) {
    Settings flags = new Settings();
    if (!Flags.parse(args, java.util.Set.of("--async"), (name, value) -> flags.set(name, value.trim()))) {
      return Optional.empty();
    }
    // Checked together, so that the order of the flags does not matter (rates must add up to 1).
    return Optional.of(new DemoOptions(flags.creates, flags.threads, flags.dropRate, flags.errorRate,
        flags.stallRate, flags.dialect, flags.seed, flags.async));
  }

  /** The flags as they are read, before they are checked together. */
  private static final class Settings {
    int creates = DEFAULT_CREATES;
    int threads = DEFAULT_THREADS;
    double dropRate = DEFAULT_DROP_RATE;
    double errorRate = DEFAULT_ERROR_RATE;
    double stallRate = DEFAULT_STALL_RATE;
    Dialect dialect = Dialect.FULL;
    @Nullable Long seed;
    boolean async;

    void set(String name, String value) {
      switch (name) {
        case "--creates" -> creates = Integer.parseInt(value);
        case "--threads" -> threads = Integer.parseInt(value);
        case "--drop-rate" -> dropRate = Double.parseDouble(value);
        case "--error-rate" -> errorRate = Double.parseDouble(value);
        case "--stall-rate" -> stallRate = Double.parseDouble(value);
        case "--dialect" -> dialect = Dialect.fromName(value);
        case "--seed" -> seed = Long.parseLong(value);
        case "--async" -> async = parseBoolean(value);
        default -> throw new IllegalArgumentException("unknown flag");
      }
    }
  }
}

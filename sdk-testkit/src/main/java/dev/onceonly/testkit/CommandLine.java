package dev.onceonly.testkit;

import dev.onceonly.testkit.Flags;
import java.time.Duration;
import java.util.Optional;

/**
 * The flags of {@link SandboxServer#main(String[])}: {@code --name value} or {@code --name=value}.
 * Each flag maps to one builder setter, which checks the value.
 */
final class CommandLine {

  /** The default port of the command line: a fixed one, so that a client can be pointed at it. */
  static final int DEFAULT_PORT = 8080;

  private CommandLine() {}

  static String usage() {
    return """
        Usage: SandboxServer [flags]
        A sandbox of the Transfers API on 127.0.0.1, for trying clients against real answers.

          --port N               port to listen on (default 8080; 0 picks a free one)
          --dialect NAME         full | dwolla | mangopay | ietf | stripe | gocardless | increase
                                 (default full)
          --seed N               seed of the fault draws (default random, printed at start)
          --error-rate P         probability of a 5xx before the work, nothing stored (default 0)
          --error-status N       status of those errors, 500..599 (default 503)
          --retry-after S        Retry-After seconds sent with those errors (default none)
          --drop-rate P          probability of closing the connection after the work (default 0)
          --reset-rate P         probability of resetting (TCP RST) after the work (default 0)
          --stall-rate P         probability of holding the answer, then closing (default 0)
          --stall-ms N           how long a stalled answer is held (default 15000)
          --processing-ms N      how long new work takes while its key is in progress (default 0)
          --token T              require "Authorization: Bearer T" (default: any token or none)
          --key-window-hours H   how long a key is remembered, may be fractional (default 24)
          --help                 print this help

        Fault rates are from 0 to 1 and add up to at most 1; they apply to POST /transfers only.
        Stats: GET /_sandbox/stats
        """;
  }

  /**
   * Parses {@code args}; empty if {@code --help} was asked.
   *
   * @throws IllegalArgumentException naming the flag, if a flag is unknown, lacks its value or
   *     has a bad one
   */
  static Optional<SandboxServer> parse(String[] args) {
    SandboxServer.Builder server = SandboxServer.builder().port(DEFAULT_PORT);
    Faults.Builder faults = Faults.builder();
    if (!Flags.parse(args, (name, value) -> apply(name, value, server, faults))) {
      return Optional.empty();
    }
    return Optional.of(server.faults(faults.build()).build());
  }

  private static void apply(String name, String value, SandboxServer.Builder server,
      Faults.Builder faults) {
    switch (name) {
      case "--port" -> server.port(Integer.parseInt(value));
      case "--dialect" -> server.dialect(Dialect.fromName(value));
      case "--seed" -> server.seed(Long.parseLong(value));
      case "--error-rate" -> faults.serverErrorRate(Double.parseDouble(value));
      case "--error-status" -> faults.serverErrorStatus(Integer.parseInt(value));
      case "--retry-after" -> faults.retryAfter(Duration.ofSeconds(Long.parseLong(value)));
      case "--drop-rate" -> faults.dropRate(Double.parseDouble(value));
      case "--reset-rate" -> faults.resetRate(Double.parseDouble(value));
      case "--stall-rate" -> faults.stallRate(Double.parseDouble(value));
      case "--stall-ms" -> faults.stallTime(Duration.ofMillis(Long.parseLong(value)));
      case "--processing-ms" -> faults.processingTime(Duration.ofMillis(Long.parseLong(value)));
      case "--token" -> server.requiredToken(value);
      case "--key-window-hours" -> server.keyWindow(hours(value));
      default -> throw new IllegalArgumentException("unknown flag");
    }
  }

  private static Duration hours(String value) {
    double hours = Double.parseDouble(value);
    if (!(hours > 0) || Double.isInfinite(hours)) {
      throw new IllegalArgumentException("must be a positive number of hours, was: " + value);
    }
    return Duration.ofMillis(Math.round(hours * 3_600_000));
  }
}

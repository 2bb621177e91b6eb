package dev.onceonly.samples.demo;

import dev.onceonly.testkit.RunningSandbox;
import dev.onceonly.testkit.SandboxServer;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The exactly-once demonstration. It starts a sandbox of the Transfers API on a free loopback
 * port that loses answers after committing them (by default 20% of connections closed after the
 * commit, 10% {@code 503} before any work, 5% answers stalled past the client's read timeout),
 * makes 2,000 transfers through it over 16 threads with the OnceOnly SDK, then makes the same
 * 2,000 through a fresh sandbox with the same faults and seed, with a naive client that retries
 * without an {@code Idempotency-Key}. It then prints what each server recorded:
 *
 * <pre>
 * mvn -q -B -ntp install -DskipTests &amp;&amp; mvn -q -B -ntp -pl sdk-samples exec:java
 * mvn -q -B -ntp -pl sdk-samples exec:java -Dexec.args="--creates 500 --dialect mangopay"
 * mvn -q -B -ntp -pl sdk-samples exec:java -Dexec.args="--async"
 * </pre>
 *
 * <p>With {@code --async} the SDK's side goes through {@code client.async()}: as many creates in
 * flight as there would be threads, none of them holding one; the naive client stays blocking.
 *
 * <p>Every number about transfers comes from the server's own records, matched by the
 * {@code metadata.operation_id} that each logical create carries (see {@link RunReport} for the
 * definitions). Every request is real HTTP over loopback, from a real thread pool. The exit
 * code is 0 when the SDK's run made every transfer exactly once, 1 when it duplicated or lost
 * one, and 2 for a bad flag. Run with {@code --help} for the flags.
 */
public final class ExactlyOnceDemo {

  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(2);
  private static final int WARM_UP_CREATES = 300;

  private ExactlyOnceDemo() {}

  public static void main(String[] args) throws InterruptedException {
    int code = run(args, System.out, System.err);
    if (code != 0) {
      System.exit(code);
    }
  }

  /**
   * Runs the demonstration with the command line {@code args}, printing the report to
   * {@code out} and progress and errors to {@code err}.
   *
   * @return the exit code: 0 if the SDK made every transfer exactly once, 1 if not, 2 for bad flags
   */
  static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
    Optional<DemoOptions> options;
    try {
      options = DemoOptions.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("ExactlyOnceDemo: " + e.getMessage());
      err.println("Run with --help for the flags.");
      return 2;
    }
    if (options.isEmpty()) {
      out.print(DemoOptions.usage());
      return 0;
    }
    Result result = demonstrate(options.get(), err);
    out.print(result.render());
    out.flush();
    return result.exitCode();
  }

  /** The two runs of one demonstration. */
  record Result(DemoOptions options, long seed, RunReport sdk, RunReport naive) {

    /** 0 if the SDK made every transfer exactly once, else 1; the naive client's run never counts. */
    int exitCode() {
      return sdk.exactlyOnce() ? 0 : 1;
    }

    /** The report, as printed. */
    String render() {
      StringBuilder text = new StringBuilder();
      Formatter f = new Formatter(text);
      f.line("OnceOnly: the exactly-once demonstration");
      f.line("%d creates per client over %d threads, against a sandbox (dialect %s, seed %d) that",
          options.creates(), options.threads(), options.dialect().wireName(), seed);
      f.line("closes %s of connections after committing, answers %s with 503 before any work, and",
          percent(options.dropRate()), percent(options.errorRate()));
      f.line("holds %s of answers %d ms, past the %d ms read timeout, after committing.",
          percent(options.stallRate()), SdkCreateClient.STALL_TIME.toMillis(),
          SdkCreateClient.READ_TIMEOUT.toMillis());
      f.line("Both clients: up to %d attempts per create, backoff %d-%d ms, warmed up unmeasured first.",
          SdkCreateClient.RETRY_POLICY.maxAttempts(), SdkCreateClient.RETRY_POLICY.initialBackoff().toMillis(),
          SdkCreateClient.RETRY_POLICY.maxBackoff().toMillis());
      if (options.async()) {
        f.line("The SDK's creates went through client.async(): %d in flight at once, no thread held by any.",
            options.threads());
      }
      f.line("");
      f.row("", sdk.client(), naive.client());
      f.row("creates asked", sdk.creates(), naive.creates());
      f.row("transfers on the server", sdk.transfersOnServer(), naive.transfersOnServer());
      f.row("duplicates", sdk.duplicates(), naive.duplicates());
      f.row("lost", sdk.lost(), naive.lost());
      f.row("outcome unknown", sdk.outcomeUnknown(), "-");
      f.row("  of which on the server", sdk.outcomeUnknownOnServer(), "-");
      f.row("failed", sdk.failed(), naive.failed());
      f.row("  of which on the server", sdk.failedOnServer(), naive.failedOnServer());
      f.row("attempts per create, mean", decimal(sdk.meanAttempts()), decimal(naive.meanAttempts()));
      f.row("attempts per create, max", sdk.maxAttempts(), naive.maxAttempts());
      f.row("recovered through /responses", sdk.recoveredThroughResponses(), "-");
      f.row("latency p50", millis(sdk.p50Nanos()), millis(naive.p50Nanos()));
      f.row("latency p99", millis(sdk.p99Nanos()), millis(naive.p99Nanos()));
      f.row("wall time", seconds(sdk.wallTime()), seconds(naive.wallTime()));
      f.line("");
      f.line("Counted from each sandbox's own records, by the operation_id every create carries:");
      f.line("duplicates are transfers beyond the first per operation; lost are creates reported done,");
      f.line("or failed for good, that the server has no transfer for.");
      f.line("");
      f.line(verdict(sdk));
      f.line(verdict(naive));
      for (String example : sdk.examples()) {
        f.line("  " + example);
      }
      return text.toString();
    }

    private static String verdict(RunReport run) {
      if (run.exactlyOnce() && run.outcomeUnknown() == 0) {
        return run.client() + ": every transfer made exactly once.";
      }
      if (run.exactlyOnce()) {
        return run.client() + ": nothing made twice, nothing lost; " + run.outcomeUnknown()
            + " outcome(s) unknown, for the caller to resume with their keys (" + run.outcomeUnknownOnServer()
            + " of them made so far).";
      }
      return String.format(Locale.ROOT, "%s: %d duplicate and %d lost transfers%s.", run.client(),
          run.duplicates(), run.lost(),
          run.failedOnServer() == 0 ? "" : ", and " + run.failedOnServer() + " reported failed yet made");
    }
  }

  /**
   * Runs the SDK and then the naive client through sandboxes with the options' faults, each
   * sandbox fresh so that each run's records are its own.
   *
   * @param progress where to print a progress line every 2 s, or {@code null}
   */
  static Result demonstrate(DemoOptions options, @Nullable PrintStream progress) throws InterruptedException {
    long seed = options.seed() != null ? options.seed() : new SecureRandom().nextLong();
    SandboxServer server = SandboxServer.builder()
        .dialect(options.dialect())
        .faults(options.faults())
        .seed(seed)
        .build();
    Function<String, CreateClient> sdkClients =
        baseUrl -> SdkCreateClient.forDemo(baseUrl, options.threads(), options.dialect().profile());
    Function<String, CreateClient> naiveClients = baseUrl -> new NaiveCreateClient(baseUrl, options.threads());
    // Unmeasured warm-up, without faults: the JIT compiles both clients (and the sandbox) before
    // either is timed, so that the first client measured is not the slower for going first.
    Workload warmUp = new Workload(Math.min(WARM_UP_CREATES, options.creates()), options.threads(),
        Clock.systemUTC(), null, PROGRESS_EVERY);
    SandboxServer faultless = SandboxServer.builder().dialect(options.dialect()).build();
    runOnce(faultless, warmUp, sdkClients, options.async());
    runOnce(faultless, warmUp, naiveClients, false);

    Workload workload = new Workload(options.creates(), options.threads(), Clock.systemUTC(), progress,
        PROGRESS_EVERY);
    RunReport sdk = runOnce(server, workload, sdkClients, options.async());
    RunReport naive = runOnce(server, workload, naiveClients, false);
    return new Result(options, seed, sdk, naive);
  }

  private static RunReport runOnce(SandboxServer server, Workload workload,
      Function<String, CreateClient> clients, boolean async) throws InterruptedException {
    try (RunningSandbox sandbox = server.start();
        CreateClient client = clients.apply(sandbox.baseUrl())) {
      long start = System.nanoTime();
      List<Outcome> outcomes = async ? workload.runAsync(client, sandbox.baseUrl()) : workload.run(client, sandbox.baseUrl());
      Duration wall = Duration.ofNanos(System.nanoTime() - start);
      return RunReport.of(client.name(), outcomes, sandbox.transfers(), wall);
    }
  }

  private static String percent(double rate) {
    return String.format(Locale.ROOT, "%.0f%%", rate * 100);
  }

  private static String decimal(double value) {
    return String.format(Locale.ROOT, "%.2f", value);
  }

  private static String millis(long nanos) {
    return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
  }

  private static String seconds(Duration duration) {
    return String.format(Locale.ROOT, "%.1f s", duration.toNanos() / 1e9);
  }

  /** Lines and two-column rows. */
  private record Formatter(StringBuilder text) {
    void line(String line) {
      text.append(line).append('\n');
    }

    void line(String format, Object... args) {
      line(String.format(Locale.ROOT, format, args));
    }

    void row(String label, Object left, Object right) {
      line("  %-30s %14s %14s", label, left, right);
    }
  }
}

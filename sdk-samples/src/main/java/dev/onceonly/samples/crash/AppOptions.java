package dev.onceonly.samples.crash;

import dev.onceonly.testkit.Flags;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The flags of {@link CrashWorkloadApp}: {@code --name value} or {@code --name=value}.
 *
 * @param baseUrl the API's root
 * @param journal the journal's JDBC URL ({@code jdbc:sqlite:FILE} or {@code jdbc:postgresql://...}),
 *     or {@code null} for the SDK's default journal in memory, which survives nothing
 * @param doneFile the application's own record of what it finished
 * @param prefix the business operations are {@code PREFIX-0} to {@code PREFIX-(ops-1)}
 * @param ops how many business operations
 * @param threads how many threads create at once
 * @param readTimeout the client's connect and read timeout, per attempt
 * @param maxElapsed the retry policy's deadline for one operation
 * @param resumeEvery how often the application looks for orphaned operations to resume
 * @param settleWithin how long the application keeps resuming before it gives up and reports
 *     what is left
 * @param drain whether to finish only when the journal holds no orphaned operation at all
 *     (another instance's included), not only when this application's own operations are settled
 * @param events where to log the journal's claims and settlements with their times, or
 *     {@code null}; for the tests, which check from it that no operation was resumed by two
 *     instances at once
 */
record AppOptions(
    String baseUrl,
    @Nullable String journal,
    Path doneFile,
    String prefix,
    int ops,
    int threads,
    Duration readTimeout,
    Duration maxElapsed,
    Duration resumeEvery,
    Duration settleWithin,
    boolean drain,
    @Nullable Path events) {

  static final int DEFAULT_OPS = 200;
  static final int DEFAULT_THREADS = 8;
  static final Duration DEFAULT_READ_TIMEOUT = Duration.ofMillis(300);
  static final Duration DEFAULT_MAX_ELAPSED = Duration.ofSeconds(4);
  static final Duration DEFAULT_RESUME_EVERY = Duration.ofMillis(200);
  static final Duration DEFAULT_SETTLE_WITHIN = Duration.ofSeconds(20);

  AppOptions {
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(doneFile, "doneFile");
    Objects.requireNonNull(prefix, "prefix");
    if (!prefix.matches("[A-Za-z0-9_]{1,20}")) {
      throw new IllegalArgumentException("--prefix must be 1 to 20 letters, digits or _, was: " + prefix);
    }
    if (ops < 1) {
      throw new IllegalArgumentException("--ops must be at least 1, was: " + ops);
    }
    if (threads < 1 || threads > 256) {
      throw new IllegalArgumentException("--threads must be from 1 to 256, was: " + threads);
    }
    positive(readTimeout, "--read-timeout-ms");
    positive(maxElapsed, "--max-elapsed-ms");
    positive(resumeEvery, "--resume-every-ms");
    positive(settleWithin, "--settle-within-ms");
    if (journal != null && !journal.startsWith("jdbc:sqlite:") && !journal.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("--journal must be memory, jdbc:sqlite:FILE or jdbc:postgresql://...");
    }
  }

  /** Every business operation, in order. */
  List<String> operations() {
    return operations(prefix, ops);
  }

  /** The names of {@code ops} business operations: {@code PREFIX-0} to {@code PREFIX-(ops-1)}. */
  static List<String> operations(String prefix, int ops) {
    List<String> all = new ArrayList<>(ops);
    for (int i = 0; i < ops; i++) {
      all.add(prefix + "-" + i);
    }
    return all;
  }

  /**
   * Parses {@code args}.
   *
   * @return empty if {@code --help} was asked
   * @throws IllegalArgumentException naming the flag that is wrong or missing
   */
  static Optional<AppOptions> parse(String[] args) {
    String[] baseUrl = {null};
    String[] journal = {null};
    String[] doneFile = {null};
    String[] prefix = {"op"};
    int[] ops = {DEFAULT_OPS};
    int[] threads = {DEFAULT_THREADS};
    long[] readTimeout = {DEFAULT_READ_TIMEOUT.toMillis()};
    long[] maxElapsed = {DEFAULT_MAX_ELAPSED.toMillis()};
    long[] resumeEvery = {DEFAULT_RESUME_EVERY.toMillis()};
    long[] settleWithin = {DEFAULT_SETTLE_WITHIN.toMillis()};
    boolean[] drain = {false};
    String[] events = {null};
    boolean go = Flags.parse(args, (name, value) -> {
      switch (name) {
        case "--base-url" -> baseUrl[0] = value;
        case "--journal" -> journal[0] = value.equals("memory") ? null : value;
        case "--done-file" -> doneFile[0] = value;
        case "--prefix" -> prefix[0] = value;
        case "--ops" -> ops[0] = Integer.parseInt(value);
        case "--threads" -> threads[0] = Integer.parseInt(value);
        case "--read-timeout-ms" -> readTimeout[0] = Long.parseLong(value);
        case "--max-elapsed-ms" -> maxElapsed[0] = Long.parseLong(value);
        case "--resume-every-ms" -> resumeEvery[0] = Long.parseLong(value);
        case "--settle-within-ms" -> settleWithin[0] = Long.parseLong(value);
        case "--drain" -> drain[0] = Boolean.parseBoolean(value);
        case "--events" -> events[0] = value;
        default -> throw new IllegalArgumentException("unknown flag");
      }
    });
    if (!go) {
      return Optional.empty();
    }
    if (baseUrl[0] == null) {
      throw new IllegalArgumentException("--base-url is required");
    }
    if (doneFile[0] == null) {
      throw new IllegalArgumentException("--done-file is required");
    }
    return Optional.of(new AppOptions(baseUrl[0], journal[0], Path.of(doneFile[0]), prefix[0], ops[0], threads[0],
        Duration.ofMillis(readTimeout[0]), Duration.ofMillis(maxElapsed[0]), Duration.ofMillis(resumeEvery[0]),
        Duration.ofMillis(settleWithin[0]), drain[0], events[0] == null ? null : Path.of(events[0])));
  }

  static String usage() {
    return """
        Usage: CrashWorkloadApp --base-url URL --done-file FILE [flags]
        Creates one transfer for each business operation PREFIX-0 .. PREFIX-(N-1), each with
        metadata.operation_id and the journal reference set to the operation's name, and appends
        each finished operation to FILE (fsynced). On start it first resumes what the journal
        holds, then asks the journal about every operation FILE does not list.

          --journal J              memory | jdbc:sqlite:FILE | jdbc:postgresql://... (default memory)
          --prefix P               operation names (default op)
          --ops N                  business operations (default 200)
          --threads T              threads creating at once (default 8)
          --read-timeout-ms MS     connect and read timeout per attempt (default 300)
          --max-elapsed-ms MS      deadline of one operation (default 4000)
          --resume-every-ms MS     how often to look for orphaned operations (default 200)
          --settle-within-ms MS    how long to keep resuming at the end (default 20000)
          --drain true|false       finish only when the journal has no orphan left, anyone's (default false)
          --events FILE            log the journal's claims and settlements, for the tests
          --help
        """;
  }

  private static void positive(Duration d, String flag) {
    Objects.requireNonNull(d, flag);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(flag + " must be positive, was: " + d.toMillis());
    }
  }
}

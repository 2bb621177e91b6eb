package dev.onceonly.samples.crash;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A main class of this module running in a JVM of its own, as an application instance that can
 * be killed: the same {@code java} as this process, this process's class path, and its standard
 * output and error in files (not pipes: {@code destroyForcibly()} closes a pipe's reading end,
 * and what the child printed just before the kill must still be read). Not thread-safe.
 */
final class ChildProcess implements AutoCloseable {

  /** Fast start-up over peak speed: the children live for seconds. */
  private static final List<String> JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m");

  private final String name;
  private final Process process;
  private final Path stdout;
  private final Path stderr;

  private ChildProcess(String name, Process process, Path stdout, Path stderr) {
    this.name = name;
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** Starts {@code mainClass} with {@code args}, its output in {@code dir/NAME.out} and {@code dir/NAME.err}. */
  static ChildProcess start(String name, Class<?> mainClass, List<String> args, Path dir) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin",
        "java").toString()));
    command.addAll(JVM_OPTIONS);
    command.add("-cp");
    command.add(classPath());
    command.add(mainClass.getName());
    command.addAll(args);
    Path out = dir.resolve(name + ".out");
    Path err = dir.resolve(name + ".err");
    try {
      Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      return new ChildProcess(name, process, out, err);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  /**
   * This process's class path: the URLs of the class loader that loaded this class (under
   * {@code mvn exec:java} that is Maven's loader for the project, and {@code java.class.path} is
   * Maven's own), else {@code java.class.path}.
   */
  static String classPath() {
    ClassLoader loader = ChildProcess.class.getClassLoader();
    if (loader instanceof URLClassLoader urls && urls.getURLs().length > 0) {
      List<String> entries = new ArrayList<>();
      for (URL url : urls.getURLs()) {
        try {
          entries.add(Path.of(url.toURI()).toString());
        } catch (URISyntaxException | IllegalArgumentException e) {
          entries.add(url.getPath());
        }
      }
      return String.join(File.pathSeparator, entries);
    }
    return System.getProperty("java.class.path");
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Waits until the child has printed a whole line starting with {@code prefix}.
   *
   * @return the line, or empty if the child ended or {@code timeout} passed first
   */
  Optional<String> awaitLine(String prefix, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Optional<String> line = line(prefix);
      if (line.isPresent()) {
        return line;
      }
      if (!process.isAlive()) {
        return line(prefix); // it may have printed the line and ended since
      }
      if (System.nanoTime() > deadline) {
        return Optional.empty();
      }
      Thread.sleep(5);
    }
  }

  /** The first whole line of its standard output that starts with {@code prefix}. */
  Optional<String> line(String prefix) {
    return lines().stream().filter(l -> l.startsWith(prefix)).findFirst();
  }

  /** The whole lines of its standard output so far (a line the kill cut short is left out). */
  List<String> lines() {
    String text = read(stdout);
    int end = text.lastIndexOf('\n');
    return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n"));
  }

  /** Its standard error so far, for messages. */
  String errors() {
    return read(stderr);
  }

  /** Kills it with SIGKILL ({@code kill -9}): no shutdown hook, no close; then waits for it to be gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException(name + " did not die within 30 s of SIGKILL");
    }
  }

  /**
   * Waits for it to end by itself.
   *
   * @return its exit code
   * @throws IllegalStateException if it is still running after {@code timeout} (it is then killed)
   */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      kill();
      throw new IllegalStateException(name + " did not finish within " + timeout.toSeconds() + " s; its output:\n"
          + String.join("\n", lines()) + "\n" + errors());
    }
    return process.exitValue();
  }

  /** The {@code name=value} counts of its {@code finished} line; empty if it printed none. */
  Map<String, Integer> finishedCounts() {
    Map<String, Integer> counts = new LinkedHashMap<>();
    line("finished").ifPresent(line -> {
      for (String part : line.split(" ")) {
        int eq = part.indexOf('=');
        if (eq > 0) {
          counts.put(part.substring(0, eq), Integer.parseInt(part.substring(eq + 1)));
        }
      }
    });
    return counts;
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "";
    }
  }
}

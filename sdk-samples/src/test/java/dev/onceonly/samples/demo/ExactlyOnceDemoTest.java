package dev.onceonly.samples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The demonstration end to end on a small run: its numbers come from the servers' records, the
 * SDK's run is exactly once, and the naive client's run, with drops on, is not.
 */
final class ExactlyOnceDemoTest {

  @Test
  void smallRunReportsExactlyOnceForSdkAndDuplicatesForNaiveClient() throws Exception {
    DemoOptions options = DemoOptions.parse(new String[] {"--creates", "200", "--seed", "11"}).orElseThrow();

    ExactlyOnceDemo.Result result = ExactlyOnceDemo.demonstrate(options, null);

    RunReport sdk = result.sdk();
    assertEquals(200, sdk.creates());
    assertEquals(0, sdk.duplicates(), sdk.toString());
    assertEquals(0, sdk.lost(), sdk.toString());
    assertEquals(0, sdk.failed(), sdk.toString());
    assertEquals(sdk.succeeded() + sdk.outcomeUnknownOnServer(), sdk.transfersOnServer(), sdk.toString());
    assertTrue(sdk.meanAttempts() > 1.0 && sdk.maxAttempts() > 1, "the faults made the SDK retry: " + sdk);
    assertTrue(sdk.p50Nanos() > 0 && sdk.p99Nanos() >= sdk.p50Nanos(), sdk.toString());
    assertTrue(sdk.exactlyOnce());
    assertEquals(0, result.exitCode());

    RunReport naive = result.naive();
    assertEquals(200, naive.creates());
    assertTrue(naive.duplicates() > 0, "the naive client retried dropped answers into duplicates: " + naive);
    assertEquals(0, naive.outcomeUnknown(), "the naive client has no such notion");
    assertEquals(naive.creates() - naive.lost() + naive.duplicates(), naive.transfersOnServer(), naive.toString());
    assertTrue(!naive.exactlyOnce());

    String report = result.render();
    assertRow(report, "creates asked", "200", "200");
    assertRow(report, "transfers on the server", sdk.transfersOnServer(), naive.transfersOnServer());
    assertRow(report, "duplicates", 0, naive.duplicates());
    assertRow(report, "lost", 0, naive.lost());
    assertRow(report, "outcome unknown", sdk.outcomeUnknown(), "-");
    assertRow(report, "attempts per create, max", sdk.maxAttempts(), naive.maxAttempts());
    assertRow(report, "recovered through /responses", sdk.recoveredThroughResponses(), "-");
    assertTrue(report.contains("seed 11"), report);
    assertTrue(report.contains("OnceOnly SDK: every transfer made exactly once"), report);
    assertTrue(report.contains("naive retry: " + naive.duplicates() + " duplicate"), report);
  }

  @Test
  void theSdkSideCanRunAsynchronouslyAndIsStillExactlyOnce() throws Exception {
    DemoOptions options = DemoOptions.parse(new String[] {"--creates", "200", "--seed", "11", "--async"})
        .orElseThrow();

    ExactlyOnceDemo.Result result = ExactlyOnceDemo.demonstrate(options, null);

    RunReport sdk = result.sdk();
    assertEquals(200, sdk.creates());
    assertEquals(0, sdk.duplicates(), sdk.toString());
    assertEquals(0, sdk.lost(), sdk.toString());
    assertEquals(0, sdk.failed(), sdk.toString());
    assertEquals(sdk.succeeded() + sdk.outcomeUnknownOnServer(), sdk.transfersOnServer(), sdk.toString());
    assertTrue(sdk.meanAttempts() > 1.0, "the faults made the SDK retry: " + sdk);
    assertEquals(0, result.exitCode());
    assertTrue(result.naive().duplicates() > 0, "the naive side is unchanged: " + result.naive());
    assertTrue(result.render().contains("went through client.async(): 16 in flight at once"), result.render());
  }

  @Test
  void helpPrintsFlagsAndExitsZero() throws Exception {
    Captured run = run("--help");

    assertEquals(0, run.code());
    for (String flag : new String[] {"--creates", "--threads", "--async", "--drop-rate", "--error-rate",
        "--stall-rate", "--dialect", "--seed", "--help"}) {
      assertTrue(run.out().contains(flag), flag);
    }
  }

  @Test
  void badFlagExitsTwoNamingIt() throws Exception {
    Captured run = run("--creates", "0");

    assertEquals(2, run.code());
    assertTrue(run.err().contains("--creates"), run.err());
    assertEquals("", run.out());
  }

  @Test
  void unknownFlagExitsTwo() throws Exception {
    Captured run = run("--drops", "0.5");

    assertEquals(2, run.code());
    assertTrue(run.err().contains("--drops: unknown flag"), run.err());
  }

  private static void assertRow(String report, String label, Object sdk, Object naive) {
    Pattern row = Pattern.compile("(?m)^\\s+" + Pattern.quote(label) + "\\s+" + Pattern.quote(String.valueOf(sdk))
        + "\\s+" + Pattern.quote(String.valueOf(naive)) + "$");
    assertTrue(row.matcher(report).find(), "row \"" + label + "\" with " + sdk + " and " + naive + " in:\n" + report);
  }

  private record Captured(int code, String out, String err) {}

  private static Captured run(String... args) throws InterruptedException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = ExactlyOnceDemo.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Captured(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}

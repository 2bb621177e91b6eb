package dev.onceonly.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.onceonly.testkit.RunningSandbox;
import dev.onceonly.testkit.SandboxServer;
import dev.onceonly.testkit.SandboxTransfer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each sample's {@code main} runs to the end: with no base URL (it starts its own sandbox, as
 * {@code exec:java} runs it), and against a sandbox whose URL it is given, where the server's
 * records show what it did.
 */
final class SamplesTest {

  private final RunningSandbox sandbox = SandboxServer.builder().build().start();

  @AfterEach
  void close() {
    sandbox.close();
  }

  @Test
  void quickstartCreatesOneTransferAndReadsItBack() throws Exception {
    String out = run(QuickstartSample::main, sandbox.baseUrl());

    assertEquals(1, sandbox.transferCount());
    assertEquals(2, sandbox.stats().requests(), "one POST and one GET");
    String id = sandbox.transfers().get(0).id();
    assertTrue(out.contains("Created transfer " + id) && out.contains("Read it back:     " + id), out);
  }

  @Test
  void ownKeySampleSendsItsKeyTwiceAndGetsOneTransfer() throws Exception {
    String out = run(OwnKeySample::main, sandbox.baseUrl());

    assertEquals(1, sandbox.transferCount());
    assertEquals(2, sandbox.stats().posts());
    assertEquals(1, sandbox.stats().replays());
    assertTrue(out.contains("Same transfer: the money moved once."), out);
  }

  @Test
  void retryPolicySampleMakesFiveTransfers() throws Exception {
    run(RetryPolicySample::main, sandbox.baseUrl());

    Set<String> invoices = sandbox.transfers().stream()
        .map(t -> t.metadata().get("invoice"))
        .collect(Collectors.toSet());
    assertEquals(Set.of("INV-101", "INV-102", "INV-103", "INV-104", "INV-105"), invoices);
    assertEquals(5, sandbox.transferCount());
  }

  @Test
  void resumeSampleAgainstAHealthyServerReplaysTheFirstTransfer() throws Exception {
    String out = run(ResumeAfterOutcomeUnknownSample::main, sandbox.baseUrl());

    assertEquals(1, sandbox.transferCount());
    assertTrue(sandbox.stats().replays() >= 1, "the resume was answered with a replay");
    SandboxTransfer made = sandbox.transfers().get(0);
    assertTrue(out.contains("The first call succeeded: transfer " + made.id()), out);
    assertTrue(out.contains("Resumed: transfer " + made.id()), out);
  }

  @Test
  void everySampleRunsWithItsOwnSandbox() throws Exception {
    assumeTrue(System.getenv(SampleApi.BASE_URL_ENV) == null, SampleApi.BASE_URL_ENV + " is set");

    assertTrue(run(QuickstartSample::main).contains("Read it back:"));
    assertTrue(run(OwnKeySample::main).contains("Same transfer: the money moved once."));
    String retries = run(RetryPolicySample::main);
    assertTrue(retries.contains("retrying in"), "its sandbox fails on purpose: " + retries);
    String resumed = run(ResumeAfterOutcomeUnknownSample::main);
    assertTrue(resumed.contains("Outcome unknown after 3 attempts"), resumed);
    assertTrue(resumed.contains("The server has 0 transfer(s) for INV-44 so far."), resumed);
    assertTrue(resumed.contains("The server has 1 transfer(s) for INV-44: exactly once."), resumed);
  }

  @Test
  void refundSampleRefundsThroughExecuteOnceAndReadsItBack() throws Exception {
    String out = run(RefundSample::main, sandbox.baseUrl());

    assertEquals(1, sandbox.transferCount());
    assertEquals(1, sandbox.refunds().size());
    String refund = sandbox.refunds().get(0).id();
    assertEquals(sandbox.transfers().get(0).id(), sandbox.refunds().get(0).transferId());
    assertEquals("40.00", sandbox.refunds().get(0).value());
    assertTrue(out.contains("Refund " + refund + " of 40.00 USD (pending)"), out);
    assertTrue(out.contains("Read it back: refund " + refund), out);
  }

  @Test
  void reconcileSampleAgainstAHealthyServerFindsTheTransferByItsMetadata() throws Exception {
    String out = run(ReconcileByMetadataSample::main, sandbox.baseUrl());

    assertEquals(1, sandbox.transferCount());
    assertTrue(out.contains("The create succeeded at once: transfer " + sandbox.transfers().get(0).id()), out);
    assertTrue(out.contains("was paid by transfer " + sandbox.transfers().get(0).id()), out);
  }

  @Test
  void theProfileAndReconciliationSamplesRunWithTheirOwnSandboxes() throws Exception {
    assumeTrue(System.getenv(SampleApi.BASE_URL_ENV) == null, SampleApi.BASE_URL_ENV + " is set");

    String stripe = run(StripeProfileSample::main);
    assertTrue(stripe.contains("The server made 3 transfer(s) for 3 creates"), stripe);
    assertTrue(stripe.contains(", 0 duplicate(s)."), stripe);
    assertTrue(!stripe.contains("replayed 0 answer(s)"), "half the answers were lost and replayed: " + stripe);

    String reconciled = run(ReconcileByMetadataSample::main);
    assertTrue(reconciled.contains("Outcome unknown for INV-"), reconciled);
    assertTrue(reconciled.contains("Not re-sent: Idempotency-Key "), reconciled);
    assertTrue(reconciled.contains("was paid by transfer "), reconciled);
    assertTrue(reconciled.contains("The server has 1 transfer(s) for INV-"), reconciled);

    assertTrue(run(RefundSample::main).contains("Read it back: refund re_"));
  }

  @FunctionalInterface
  private interface Main {
    void run(String[] args) throws Exception;
  }

  /** Runs a sample's main with {@code args} and returns what it printed. */
  private static String run(Main main, String... args) throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      main.run(args);
    } finally {
      System.setOut(original);
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    original.print(printed); // kept in the test's report
    return printed;
  }
}

package dev.onceonly.samples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.onceonly.IdempotencyKeyReusedException;
import dev.onceonly.Money;
import dev.onceonly.OutcomeUnknownException;
import dev.onceonly.PaymentsClient;
import dev.onceonly.PaymentsException;
import dev.onceonly.RequestOptions;
import dev.onceonly.RetryPolicy;
import dev.onceonly.okhttp.OkHttpPaymentsClient;
import dev.onceonly.testkit.Dialect;
import dev.onceonly.testkit.Faults;
import dev.onceonly.testkit.RunningSandbox;
import dev.onceonly.testkit.SandboxServer;
import dev.onceonly.testkit.SandboxStats;
import dev.onceonly.testkit.SandboxTransfer;
import dev.onceonly.transfers.Transfer;
import dev.onceonly.transfers.TransferCreateParams;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every provider profile against the sandbox dialect that speaks it, over real HTTP: with the
 * demonstration's faults (answers dropped after the commit, {@code 503}s, stalls), with keys
 * still in progress when they are retried (the sandbox's {@code 409}s), and with a key reused for
 * another transfer. Each logical create happens exactly once on the server, never twice.
 */
final class ExactlyOnceAcrossProfilesTest {

  private static final int THREADS = 16;
  private static final long SEED = 20_261_124L;

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = Dialect.class, names = {"STRIPE", "GOCARDLESS", "INCREASE", "DWOLLA", "MANGOPAY"})
  void droppedAnswersServerErrorsAndStallsNeverMakeADuplicate(Dialect dialect) throws Exception {
    int creates = 300;
    try (RunningSandbox sandbox = SandboxServer.builder().dialect(dialect).faults(DemoOptions.defaults().faults())
        .seed(SEED).build().start();
        SdkCreateClient client = SdkCreateClient.forDemo(sandbox.baseUrl(), THREADS, dialect.profile())) {
      List<Outcome> outcomes = new Workload(creates, THREADS, Clock.systemUTC(), null, Duration.ofSeconds(2))
          .run(client, sandbox.baseUrl());
      RunReport report = RunReport.of(client.name(), outcomes, sandbox.transfers(), Duration.ZERO);
      String context = dialect + ": " + report;

      assertEquals(creates, report.creates(), context);
      assertEquals(0, report.duplicates(), context);
      assertEquals(0, report.lost(), context);
      assertEquals(0, report.failed(), context);
      assertEquals(0, sandbox.stats().duplicateCreations(), context);
      assertTrue(report.maxAttempts() > 1, "the faults made the SDK retry: " + context);
      SandboxStats stats = sandbox.stats();
      switch (dialect) {
        case GOCARDLESS, MANGOPAY -> assertTrue(stats.conflicts() > 0, "settled through conflicts: " + stats);
        default -> assertTrue(stats.replays() > 0, "settled through replays: " + stats);
      }

      settle(client.client(), outcomes, sandbox);
      Map<String, List<SandboxTransfer>> byOperation = sandbox.transfers().stream()
          .collect(Collectors.groupingBy(t -> t.operationId().orElseThrow()));
      assertEquals(creates, byOperation.size(), context);
      assertEquals(creates, sandbox.transferCount(), context);
      for (Outcome outcome : outcomes) {
        if (outcome.kind() == ClientAnswer.Kind.SUCCEEDED) {
          assertEquals(outcome.answer().transferId(), byOperation.get(outcome.operationId()).get(0).id(), context);
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = Dialect.class, names = {"STRIPE", "GOCARDLESS", "INCREASE", "DWOLLA", "MANGOPAY"})
  void retriesThatMeetTheirKeyStillInProgressWaitItOut(Dialect dialect) throws Exception {
    // Each create takes 400 ms on the server, and the client gives up on an attempt after 150
    // ms: its retry arrives while the first request is still at work, and meets a 409.
    int creates = 24;
    RetryPolicy policy = RetryPolicy.builder().maxAttempts(10).initialBackoff(Duration.ofMillis(20))
        .maxBackoff(Duration.ofMillis(300)).maxElapsed(Duration.ofSeconds(20)).build();
    try (RunningSandbox sandbox = SandboxServer.builder().dialect(dialect)
        .faults(Faults.builder().processingTime(Duration.ofMillis(400)).build()).build().start();
        PaymentsClient client = OkHttpPaymentsClient.builder().baseUrl(sandbox.baseUrl())
            .readTimeout(Duration.ofMillis(150)).retryPolicy(policy).profile(dialect.profile()).build()) {
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<Future<Transfer>> results = new ArrayList<>();
      for (int i = 0; i < creates; i++) {
        TransferCreateParams params = params(sandbox, "op-" + i, "10.00");
        results.add(pool.submit(() -> createResumingUnknownOutcomes(client, params)));
      }
      List<String> ids = new ArrayList<>();
      for (Future<Transfer> result : results) {
        ids.add(result.get().id());
      }
      pool.shutdown();

      assertEquals(creates, sandbox.transferCount(), dialect.toString());
      assertTrue(sandbox.duplicatedOperations().isEmpty(), dialect.toString());
      assertEquals(creates, ids.stream().distinct().count(), dialect.toString());
      assertTrue(sandbox.stats().conflicts() > 0, "the retries met their keys in progress: " + sandbox.stats());
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = Dialect.class, names = {"STRIPE", "GOCARDLESS", "INCREASE", "DWOLLA", "MANGOPAY"})
  void aKeyReusedForAnotherTransferNeverMakesASecondOne(Dialect dialect) throws Exception {
    try (RunningSandbox sandbox = SandboxServer.builder().dialect(dialect).build().start();
        PaymentsClient client = OkHttpPaymentsClient.builder().baseUrl(sandbox.baseUrl())
            .retryPolicy(RetryPolicy.builder().maxAttempts(4).initialBackoff(Duration.ofMillis(10))
                .maxBackoff(Duration.ofMillis(50)).build())
            .profile(dialect.profile()).build()) {
      RequestOptions key = RequestOptions.builder().idempotencyKey(UUID.randomUUID().toString()).build();
      Transfer first = client.transfers().create(params(sandbox, "op-1", "10.00"), key);

      PaymentsException e = org.junit.jupiter.api.Assertions.assertThrows(PaymentsException.class,
          () -> client.transfers().create(params(sandbox, "op-2", "99.00"), key));

      if (dialect == Dialect.DWOLLA) {
        // Dwolla replays the first answer whatever the body, unmarked: the client sees another
        // transfer where it asked for its own and cannot tell more than that.
        assertInstanceOf(OutcomeUnknownException.class, e, e.toString());
      } else {
        assertInstanceOf(IdempotencyKeyReusedException.class, e, e.toString());
      }
      assertEquals(List.of(first.id()), sandbox.transfers().stream().map(SandboxTransfer::id).toList());
    }
  }

  /**
   * Creates, and resumes an unknown outcome with its key as the SDK documents (MangoPay's
   * {@code /responses} has nothing for a key still at work, and the polls can give up first).
   */
  private static Transfer createResumingUnknownOutcomes(PaymentsClient client, TransferCreateParams params) {
    try {
      return client.transfers().create(params);
    } catch (OutcomeUnknownException e) {
      RequestOptions resume = RequestOptions.builder().idempotencyKey(e.idempotencyKey().orElseThrow())
          .keyFirstUsedAt(e.keyFirstSentAt()).build();
      for (int tries = 0; ; tries++) {
        try {
          return client.transfers().create(params, resume);
        } catch (OutcomeUnknownException again) {
          if (tries == 5) {
            throw again;
          }
        }
      }
    }
  }

  static TransferCreateParams params(RunningSandbox sandbox, String operationId, String value) {
    return TransferCreateParams.builder()
        .source(sandbox.baseUrl() + "/funding-sources/707177c3-bf15-4e7e-b37c-55c3898d9bf4")
        .destination(sandbox.baseUrl() + "/funding-sources/04173e17-6398-4d36-a167-9d98c4b1f1c3")
        .amount(Money.of("USD", value))
        .metadata(SandboxTransfer.OPERATION_ID, operationId)
        .build();
  }

  /** Resumes every unknown outcome with its key, as the SDK documents; each ends with its one transfer. */
  private static void settle(PaymentsClient client, List<Outcome> outcomes, RunningSandbox sandbox) {
    for (Outcome outcome : outcomes) {
      if (outcome.kind() != ClientAnswer.Kind.OUTCOME_UNKNOWN) {
        continue;
      }
      RequestOptions resume = RequestOptions.builder().idempotencyKey(outcome.answer().idempotencyKey())
          .keyFirstUsedAt(outcome.startedAt()).build();
      Transfer settled = null;
      for (int tries = 0; tries < 5 && settled == null; tries++) {
        try {
          settled = client.transfers().create(outcome.params(), resume);
        } catch (OutcomeUnknownException again) {
          // the faults are still on: once more with the same key
        }
      }
      if (settled == null) {
        fail("could not settle " + outcome.operationId());
      }
      List<SandboxTransfer> made = sandbox.transfersWithOperationId(outcome.operationId());
      assertEquals(1, made.size(), outcome.operationId());
      assertEquals(made.get(0).id(), settled.id(), outcome.operationId());
    }
  }
}

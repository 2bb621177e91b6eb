package dev.onceonly.internal;

import static dev.onceonly.internal.FakeTransport.answer;
import static dev.onceonly.internal.FakeTransport.readTimeout;
import static dev.onceonly.internal.Fixtures.KEY;
import static dev.onceonly.internal.Fixtures.TRANSFER;
import static dev.onceonly.internal.Fixtures.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onceonly.OperationInfo;
import dev.onceonly.OperationOutcome;
import dev.onceonly.OutcomeUnknownException;
import dev.onceonly.PaymentsException;
import dev.onceonly.RequestOptions;
import dev.onceonly.RetryListener;
import dev.onceonly.RetryPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Listeners see each operation's start and end, paired; the SDK's log says what happened and never a secret. */
class ObservingOperationsTest {

  record End(OperationInfo op, OperationOutcome outcome, int attempts, int status, @Nullable PaymentsException error) {}

  final List<OperationInfo> starts = new ArrayList<>();
  final List<End> ends = new ArrayList<>();
  final RetryListener listener = new RetryListener() {
    @Override
    public void onOperationStart(OperationInfo operation) {
      starts.add(operation);
    }

    @Override
    public void onOperationEnd(OperationInfo operation, OperationOutcome outcome, int attempts, int statusCode,
        @Nullable PaymentsException error) {
      ends.add(new End(operation, outcome, attempts, statusCode, error));
    }
  };
  final FakeTransport transport = new FakeTransport();
  final Fixtures.Harness h = new Fixtures.Harness(transport, RetryPolicy.builder().maxAttempts(3).build(), listener);

  final List<LogRecord> logged = new ArrayList<>();
  final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      logged.add(record);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  final Logger jul = Logger.getLogger("dev.onceonly");
  Level previous;

  @BeforeEach
  void captureTheLog() {
    previous = jul.getLevel();
    jul.setLevel(Level.ALL);
    jul.addHandler(capture);
  }

  @AfterEach
  void restoreTheLog() {
    jul.removeHandler(capture);
    jul.setLevel(previous);
  }

  String text(LogRecord r) {
    return new java.util.logging.SimpleFormatter().formatMessage(r);
  }

  @Test
  void eachOperationStartsAndEndsOnceWithTheSameInfoAndItsOutcome() {
    transport.then(readTimeout(), answer(201, TRANSFER));
    h.transfers.create(params(), RequestOptions.builder().idempotencyKey(KEY).build());
    transport.instead(answer(200, TRANSFER));
    h.transfers.get("74c9129b-d14a-e511-80da-0aa34a9b2388");

    assertEquals(2, starts.size());
    assertEquals(2, ends.size());
    assertSame(starts.get(0), ends.get(0).op());
    assertEquals("transfers.create", starts.get(0).operation());
    assertEquals(KEY, starts.get(0).idempotencyKey());
    assertEquals(new End(starts.get(0), OperationOutcome.SUCCEEDED, 2, 201, null), ends.get(0));
    assertEquals("transfers.get", ends.get(1).op().operation());
    assertEquals(OperationOutcome.SUCCEEDED, ends.get(1).outcome());
    assertTrue(starts.get(1).id() > starts.get(0).id());
  }

  @Test
  void anUnknownOutcomeEndsAsUnknownAndIsLoggedAsAWarningWithTheKey() {
    transport.then(readTimeout(), readTimeout(), answer(404, "{}"));

    OutcomeUnknownException e = assertThrows(OutcomeUnknownException.class,
        () -> h.transfers.create(params(), RequestOptions.builder().idempotencyKey(KEY).build()));

    assertEquals(OperationOutcome.UNKNOWN, ends.get(0).outcome());
    assertSame(e, ends.get(0).error());
    List<LogRecord> warnings = logged.stream().filter(r -> r.getLevel() == Level.WARNING).toList();
    assertEquals(1, warnings.size());
    assertTrue(text(warnings.get(0)).contains(KEY), text(warnings.get(0)));
  }

  @Test
  void everyAttemptIsLoggedAtDebugWithoutTheTokenOrTheBody() {
    Fixtures.Harness six = new Fixtures.Harness(transport, RetryPolicy.defaults(), listener);
    transport.then(readTimeout(), answer(503, "Bearer tok_secret was here"), answer(201, TRANSFER));

    six.transfers.create(params(), RequestOptions.builder().idempotencyKey(KEY).build());

    List<String> debug = logged.stream().filter(r -> r.getLevel() == Level.FINE).map(this::text).toList();
    assertTrue(debug.stream().anyMatch(t -> t.startsWith("attempt 1 of POST https://api.example.test/transfers")
        && t.contains(KEY)), debug.toString());
    assertTrue(debug.stream().anyMatch(t -> t.startsWith("attempt 2") && t.contains("HTTP 503")), debug.toString());
    String all = logged.stream().map(this::text).reduce("", String::concat);
    assertTrue(!all.contains("tok_secret") && !all.contains("INV-42") && !all.contains("1337.00"), all);
  }

  @Test
  void aListenerThatThrowsAtTheStartOrTheEndChangesNothing() {
    Fixtures.Harness bad = new Fixtures.Harness(transport, RetryPolicy.defaults(), new RetryListener() {
      @Override
      public void onOperationStart(OperationInfo operation) {
        throw new IllegalStateException("boom");
      }

      @Override
      public void onOperationEnd(OperationInfo operation, OperationOutcome outcome, int attempts, int statusCode,
          @Nullable PaymentsException error) {
        throw new IllegalStateException("boom");
      }
    });
    transport.then(answer(201, TRANSFER));

    assertEquals("74c9129b-d14a-e511-80da-0aa34a9b2388", bad.transfers.create(params()).id());
  }
}

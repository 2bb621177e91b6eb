package dev.onceonly.internal;

import dev.onceonly.Money;
import dev.onceonly.OperationResult;
import dev.onceonly.RequestOptions;
import dev.onceonly.RetryBudget;
import dev.onceonly.RetryListener;
import dev.onceonly.RetryPolicy;
import dev.onceonly.http.HttpTransport;
import dev.onceonly.transfers.Transfer;
import dev.onceonly.transfers.TransferCreateParams;
import dev.onceonly.transfers.TransferService;
import dev.onceonly.transfers.TransferServiceAsync;
import java.net.URI;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Shared test data and a way to build the engine and service over any transport. */
final class Fixtures {
  static final URI BASE = URI.create("https://api.example.test/");
  static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  static final String KEY = "19051a62-3403-11e6-ac61-9e71128cae77";

  static final String TRANSFER = """
      {"id":"74c9129b-d14a-e511-80da-0aa34a9b2388","status":"pending",
       "amount":{"currency":"USD","value":"1337.00"},"created":"2026-11-23T10:15:30.123Z",
       "metadata":{"invoice":"INV-42"},
       "_links":{"self":{"href":"https://api.example.test/transfers/74c9129b-d14a-e511-80da-0aa34a9b2388"},
                 "source":{"href":"https://api.example.test/funding-sources/707177c3-bf15-4e7e-b37c-55c3898d9bf4"},
                 "destination":{"href":"https://api.example.test/funding-sources/04173e17-6398-4d36-a167-9d98c4b1f1c3"}}}""";

  static String envelope(int status, String resource) {
    return "{\"StatusCode\":\"" + status + "\",\"ContentLength\":\"" + resource.length()
        + "\",\"ContentType\":\"application/json; charset=utf-8\",\"Date\":\"Wed, 13 Jan 2016 22:25:56 GMT\","
        + "\"RequestURL\":\"https://api.example.test/transfers\",\"Resource\":" + resource + "}";
  }

  static TransferCreateParams params() {
    return TransferCreateParams.builder()
        .source("https://api.example.test/funding-sources/707177c3-bf15-4e7e-b37c-55c3898d9bf4")
        .destination("https://api.example.test/funding-sources/04173e17-6398-4d36-a167-9d98c4b1f1c3")
        .amount(Money.of("USD", "1337.00"))
        .metadata("invoice", "INV-42")
        .build();
  }

  /**
   * An engine and service over {@code transport}, with a fake clock, a recording sleeper and a
   * seeded jitter, driven by the blocking or the asynchronous driver. Either way
   * {@link #transfers} is called as a blocking service and every wait is in {@link #sleeper}: for
   * the asynchronous driver it joins the futures (each already done, since its waits, steps and
   * completions all run on the test thread) and throws what they hold.
   */
  static final class Harness {
    final FakeClock clock = new FakeClock(T0);
    final RecordingSleeper sleeper = new RecordingSleeper(clock);
    final RetryEngine engine;
    final TransferService transfers;

    Harness(HttpTransport transport, RetryPolicy policy) {
      this(transport, policy, RetryListener.NONE, Driver.BLOCKING);
    }

    Harness(HttpTransport transport, RetryPolicy policy, Driver driver) {
      this(transport, policy, RetryListener.NONE, driver);
    }

    Harness(HttpTransport transport, RetryPolicy policy, RetryListener listener) {
      this(transport, policy, listener, Driver.BLOCKING);
    }

    Harness(HttpTransport transport, RetryPolicy policy, RetryListener listener,
        dev.onceonly.journal.OperationJournal journal) {
      this(transport, policy, listener, Driver.BLOCKING, RetryBudget.defaults(), journal);
    }

    Harness(HttpTransport transport, RetryPolicy policy, RetryListener listener, Driver driver) {
      this(transport, policy, listener, driver, RetryBudget.defaults());
    }

    Harness(HttpTransport transport, RetryPolicy policy, RetryListener listener, Driver driver, RetryBudget budget) {
      this(transport, policy, listener, driver, budget, dev.onceonly.journal.OperationJournal.inMemory());
    }

    Harness(HttpTransport transport, RetryPolicy policy, RetryListener listener, Driver driver, RetryBudget budget,
        dev.onceonly.journal.OperationJournal journal) {
      ClientConfig config = new ClientConfig(BASE, TokenSource.of("tok_secret"), policy, listener, clock, sleeper,
          journal, null, budget, null, null);
      this.engine = new RetryEngine(transport, config, new SplittableRandom(42));
      this.operations = new DefaultOperations(engine);
      DefaultTransferService blocking = new DefaultTransferService(engine, BASE);
      if (driver == Driver.BLOCKING) {
        this.transfers = blocking;
      } else {
        Trampoline onTestThread = new Trampoline();
        AsyncRetryEngine async = new AsyncRetryEngine(engine, transport, new TestScheduler(sleeper, onTestThread),
            onTestThread, onTestThread);
        this.transfers = new Joining(new DefaultTransferServiceAsync(blocking, engine, () -> async));
      }
    }

    final DefaultOperations operations;
  }

  /** The asynchronous service called as a blocking one: each future joined, its exception thrown as is. */
  private record Joining(TransferServiceAsync async) implements TransferService {

    @Override
    public Transfer create(TransferCreateParams params, RequestOptions options) {
      return join(async.create(params, options));
    }

    @Override
    public OperationResult<Transfer> createWithResult(TransferCreateParams params, RequestOptions options) {
      return join(async.createWithResult(params, options));
    }

    @Override
    public Transfer get(String id) {
      return join(async.get(id));
    }

    @Override
    public Iterable<Transfer> list(dev.onceonly.transfers.TransferListParams params) {
      throw new UnsupportedOperationException("the lookup has no asynchronous form");
    }

    private static <T> T join(CompletableFuture<T> future) {
      if (!future.isDone()) {
        throw new AssertionError("the operation should have ended on the test thread");
      }
      try {
        return future.join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof RuntimeException r) {
          throw r;
        }
        if (e.getCause() instanceof Error error) {
          throw error;
        }
        throw e;
      }
    }
  }

  private Fixtures() {}
}

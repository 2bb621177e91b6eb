package dev.onceonly.okhttp;

import dev.onceonly.OperationResult;
import dev.onceonly.PaymentsClient;
import dev.onceonly.RequestOptions;
import dev.onceonly.transfers.Transfer;
import dev.onceonly.transfers.TransferCreateParams;
import dev.onceonly.transfers.TransferService;
import dev.onceonly.transfers.TransferServiceAsync;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How a test calls the client: blocking, or through {@link PaymentsClient#async()} with each
 * future waited for and its exception thrown as it is, so that one test body checks both.
 */
enum Calls {
  BLOCKING,
  ASYNC;

  /** The client's transfers, called this way. */
  TransferService transfers(PaymentsClient client) {
    return this == BLOCKING ? client.transfers() : new Waiting(client.async().transfers());
  }

  private record Waiting(TransferServiceAsync async) implements TransferService {

    @Override
    public Transfer create(TransferCreateParams params, RequestOptions options) {
      return await(async.create(params, options));
    }

    @Override
    public OperationResult<Transfer> createWithResult(TransferCreateParams params, RequestOptions options) {
      return await(async.createWithResult(params, options));
    }

    @Override
    public Transfer get(String id) {
      return await(async.get(id));
    }

    @Override
    public Iterable<Transfer> list(dev.onceonly.transfers.TransferListParams params) {
      throw new UnsupportedOperationException("the lookup has no asynchronous form");
    }

    private static <T> T await(CompletableFuture<T> future) {
      try {
        return future.get(60, TimeUnit.SECONDS); // a guard against a hang, not a measure
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException r) {
          throw r;
        }
        throw new AssertionError("not an SDK exception", e.getCause());
      } catch (InterruptedException | TimeoutException e) {
        throw new AssertionError(e);
      }
    }
  }
}

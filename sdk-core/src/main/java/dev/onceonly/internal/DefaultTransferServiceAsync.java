package dev.onceonly.internal;

import dev.onceonly.OperationResult;
import dev.onceonly.RequestOptions;
import dev.onceonly.transfers.Transfer;
import dev.onceonly.transfers.TransferCreateParams;
import dev.onceonly.transfers.TransferServiceAsync;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * {@link TransferServiceAsync} over the asynchronous driver: the requests and answer checks of
 * {@link DefaultTransferService}, built by the same code, driven without blocking. Thread-safe.
 */
final class DefaultTransferServiceAsync implements TransferServiceAsync {

  private final DefaultTransferService blocking;
  private final RetryEngine engine;
  private final Supplier<AsyncRetryEngine> driver;

  /** @param driver the driver, asked for at each call (the client makes it on first use) */
  DefaultTransferServiceAsync(DefaultTransferService blocking, RetryEngine engine, Supplier<AsyncRetryEngine> driver) {
    this.blocking = blocking;
    this.engine = engine;
    this.driver = driver;
  }

  @Override
  public CompletableFuture<Transfer> create(TransferCreateParams params) {
    return create(params, RequestOptions.none());
  }

  @Override
  public CompletableFuture<Transfer> create(TransferCreateParams params, RequestOptions options) {
    DefaultTransferService.Create create = blocking.prepareCreate(params, options);
    // Not createWithResult(...).thenApply(value): cancelling a derived future would not reach the operation.
    return driver.get().executeIdempotent(create.post(), create.key(), DefaultTransferService.CREATE, create.policy(),
        create.keyFirstUsedAt(), create.keyFromCaller(), create.reference(), create.reader(),
        created -> create.succeeded(created).value());
  }

  @Override
  public CompletableFuture<OperationResult<Transfer>> createWithResult(TransferCreateParams params,
      RequestOptions options) {
    DefaultTransferService.Create create = blocking.prepareCreate(params, options);
    return driver.get().executeIdempotent(create.post(), create.key(), DefaultTransferService.CREATE, create.policy(),
        create.keyFirstUsedAt(), create.keyFromCaller(), create.reference(), create.reader(), create::succeeded);
  }

  @Override
  public CompletableFuture<Transfer> get(String id) {
    Objects.requireNonNull(id, "id");
    return driver.get().executeSafe(blocking.getRequest(id), DefaultTransferService.GET, blocking.readPolicy(),
        TransferAnswers.forGet(id, engine.redactor()), Decider.Step.Done::value);
  }
}

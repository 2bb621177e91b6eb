package dev.onceonly.internal;

import dev.onceonly.OperationResult;
import dev.onceonly.RequestOptions;
import dev.onceonly.transfers.Transfer;
import dev.onceonly.transfers.TransferCreateParams;
import dev.onceonly.transfers.TransferService;
import java.net.URI;

/** Placeholder until the engine lands. */
final class DefaultTransferService implements TransferService {
  DefaultTransferService(RetryEngine engine, URI baseUrl) {}

  @Override
  public OperationResult<Transfer> createWithResult(TransferCreateParams params, RequestOptions options) {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public Transfer get(String id) {
    throw new UnsupportedOperationException("not yet");
  }
}

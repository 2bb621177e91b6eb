package dev.onceonly.internal;

import dev.onceonly.ApiRequest;
import dev.onceonly.OperationResult;
import dev.onceonly.Operations;
import dev.onceonly.PaymentsClient;
import dev.onceonly.http.HttpTransport;
import dev.onceonly.transfers.TransferService;

/**
 * The client every transport module returns: transport, then auth, then the idempotent retry
 * engine, then the resource services. Immutable and thread-safe.
 */
public final class DefaultPaymentsClient implements PaymentsClient {

  private final HttpTransport transport;
  private final RetryEngine engine;
  private final TransferService transfers;
  private final Operations operations;
  private final ApiCalls calls;

  public DefaultPaymentsClient(HttpTransport transport, ClientConfig config) {
    this.transport = transport;
    Origin origin = java.util.Objects.requireNonNull(Origin.of(config.baseUrl()), "baseUrl");
    HttpTransport authed = new AuthTransport(transport, config.bearerToken(), origin);
    this.engine = new RetryEngine(authed, config);
    this.transfers = new DefaultTransferService(engine, config.baseUrl());
    this.operations = new DefaultOperations(engine);
    this.calls = new ApiCalls(engine, config.baseUrl());
  }

  @Override
  public TransferService transfers() {
    return transfers;
  }

  @Override
  public Operations operations() {
    return operations;
  }

  @Override
  public <T> T execute(ApiRequest request, Class<T> responseType) {
    return calls.execute(request, responseType);
  }

  @Override
  public <T> OperationResult<T> executeWithResult(ApiRequest request, Class<T> responseType) {
    return calls.executeWithResult(request, responseType);
  }

  /** The engine, for integrations inside the SDK (resilience4j metrics). */
  public RetryEngine engine() {
    return engine;
  }

  @Override
  public void close() {
    engine.close(); // first: no operation starts another request, and those under way end truthfully
    transport.close();
  }
}

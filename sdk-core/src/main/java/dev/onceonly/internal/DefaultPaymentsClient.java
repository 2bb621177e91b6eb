package dev.onceonly.internal;

import dev.onceonly.ApiRequest;
import dev.onceonly.OperationResult;
import dev.onceonly.Operations;
import dev.onceonly.PaymentsClient;
import dev.onceonly.PaymentsClientAsync;
import dev.onceonly.RequestOptions;
import dev.onceonly.http.HttpTransport;
import dev.onceonly.transfers.TransferService;

/**
 * The client every transport module returns: transport, then auth, then the idempotent retry
 * engine, then the resource services, blocking and asynchronous. Immutable and thread-safe.
 */
public final class DefaultPaymentsClient implements PaymentsClient {

  private final HttpTransport transport;
  private final RetryEngine engine;
  private final java.net.URI baseUrl;
  private final TransferService transfers;
  private final Operations operations;
  /** Owns the asynchronous driver's threads: the parent's, for a view. */
  private final DefaultPaymentsClientAsync asyncOwner;
  private final PaymentsClientAsync async;
  /** Whether closing this client closes the transport: false for a view made by {@link #withOptions}. */
  private final boolean owner;
  private final ApiCalls calls;

  public DefaultPaymentsClient(HttpTransport transport, ClientConfig config) {
    this.transport = transport;
    Origin origin = java.util.Objects.requireNonNull(Origin.of(config.baseUrl()), "baseUrl");
    HttpTransport authed = new AuthTransport(transport, config.tokens(), origin);
    this.engine = new RetryEngine(authed, config);
    this.baseUrl = config.baseUrl();
    DefaultTransferService blocking = new DefaultTransferService(engine, baseUrl, RequestOptions.none());
    this.transfers = blocking;
    this.operations = new DefaultOperations(engine);
    this.asyncOwner = new DefaultPaymentsClientAsync(engine, authed, blocking, config);
    this.async = asyncOwner;
    this.owner = true;
    this.calls = new ApiCalls(engine, config.baseUrl());
  }

  private DefaultPaymentsClient(DefaultPaymentsClient parent, RequestOptions defaults) {
    this.transport = parent.transport;
    this.engine = parent.engine;
    this.baseUrl = parent.baseUrl;
    DefaultTransferService blocking = new DefaultTransferService(engine, baseUrl, defaults);
    this.transfers = blocking;
    this.operations = parent.operations;
    this.asyncOwner = parent.asyncOwner;
    this.async = parent.asyncOwner.withTransfers(blocking);
    this.calls = new ApiCalls(engine, baseUrl, defaults);
    this.owner = false;
  }

  @Override
  public PaymentsClient withOptions(RequestOptions defaults) {
    java.util.Objects.requireNonNull(defaults, "defaults");
    if (defaults.idempotencyKey().isPresent() || defaults.keyFirstUsedAt().isPresent() || defaults.reference().isPresent()) {
      throw new IllegalArgumentException("defaults must not hold an idempotencyKey, keyFirstUsedAt or reference:"
          + " those belong to one operation, not to a client");
    }
    return new DefaultPaymentsClient(this, defaults);
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
  public PaymentsClientAsync async() {
    return async;
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
    if (!owner) {
      return; // a view shares its parent's resources; the parent closes them
    }
    engine.close(); // first: no operation starts another request, and those under way end truthfully
    asyncOwner.close(); // then the waiting asynchronous ones end, and the client's own threads stop
    transport.close();
  }
}

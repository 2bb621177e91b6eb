package dev.onceonly.internal;

import dev.onceonly.PaymentsClient;
import dev.onceonly.PaymentsClientAsync;
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
  private final DefaultPaymentsClientAsync async;

  public DefaultPaymentsClient(HttpTransport transport, ClientConfig config) {
    this.transport = transport;
    Origin origin = java.util.Objects.requireNonNull(Origin.of(config.baseUrl()), "baseUrl");
    HttpTransport authed = new AuthTransport(transport, config.bearerToken(), origin);
    this.engine = new RetryEngine(authed, config);
    DefaultTransferService blocking = new DefaultTransferService(engine, config.baseUrl());
    this.transfers = blocking;
    this.async = new DefaultPaymentsClientAsync(engine, authed, blocking, config);
  }

  @Override
  public TransferService transfers() {
    return transfers;
  }

  @Override
  public PaymentsClientAsync async() {
    return async;
  }

  /** The engine, for integrations inside the SDK (resilience4j metrics). */
  public RetryEngine engine() {
    return engine;
  }

  @Override
  public void close() {
    engine.close(); // first: no operation starts another request, and those under way end truthfully
    async.close(); // then the waiting asynchronous ones end, and the client's own threads stop
    transport.close();
  }
}

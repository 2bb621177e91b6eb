package dev.onceonly.internal;

import dev.onceonly.Operations;
import dev.onceonly.PaymentsClient;
import dev.onceonly.RequestOptions;
import dev.onceonly.http.HttpTransport;
import dev.onceonly.transfers.TransferService;

/**
 * The client every transport module returns: transport, then auth, then the idempotent retry
 * engine, then the resource services. Immutable and thread-safe.
 */
public final class DefaultPaymentsClient implements PaymentsClient {

  private final HttpTransport transport;
  private final RetryEngine engine;
  private final java.net.URI baseUrl;
  private final TransferService transfers;
  private final Operations operations;
  /** Whether closing this client closes the transport: false for a view made by {@link #withOptions}. */
  private final boolean owner;

  public DefaultPaymentsClient(HttpTransport transport, ClientConfig config) {
    this.transport = transport;
    Origin origin = java.util.Objects.requireNonNull(Origin.of(config.baseUrl()), "baseUrl");
    HttpTransport authed = new AuthTransport(transport, config.tokens(), origin);
    this.engine = new RetryEngine(authed, config);
    this.baseUrl = config.baseUrl();
    this.transfers = new DefaultTransferService(engine, baseUrl, RequestOptions.none());
    this.operations = new DefaultOperations(engine);
    this.owner = true;
  }

  private DefaultPaymentsClient(DefaultPaymentsClient parent, RequestOptions defaults) {
    this.transport = parent.transport;
    this.engine = parent.engine;
    this.baseUrl = parent.baseUrl;
    this.transfers = new DefaultTransferService(engine, baseUrl, defaults);
    this.operations = parent.operations;
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
    transport.close();
  }
}

package dev.onceonly.internal;

import dev.onceonly.http.HttpRequest;
import dev.onceonly.http.HttpResponse;
import dev.onceonly.http.HttpTransport;

/** Placeholder until the idempotent retry engine lands: one attempt, no retries. */
public final class RetryEngine {
  private final HttpTransport transport;

  RetryEngine(HttpTransport transport, ClientConfig config) {
    this.transport = transport;
  }

  HttpResponse send(HttpRequest request) {
    return transport.execute(request);
  }
}

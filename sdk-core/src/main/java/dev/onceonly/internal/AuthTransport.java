package dev.onceonly.internal;

import dev.onceonly.http.HttpRequest;
import dev.onceonly.http.HttpResponse;
import dev.onceonly.http.HttpTransport;
import org.jspecify.annotations.Nullable;

/**
 * Adds {@code Authorization: Bearer ...} to every request, and only to requests for the API's
 * own origin, so that the token never follows a {@code Location} elsewhere.
 */
final class AuthTransport implements HttpTransport {

  private final HttpTransport delegate;
  private final @Nullable String authorization;
  private final String origin;

  AuthTransport(HttpTransport delegate, @Nullable String bearerToken, String origin) {
    this.delegate = delegate;
    this.authorization = bearerToken == null ? null : "Bearer " + bearerToken;
    this.origin = origin;
  }

  @Override
  public HttpResponse execute(HttpRequest request) {
    if (authorization != null && request.url().startsWith(origin)) {
      request = request.withHeader("Authorization", authorization);
    }
    return delegate.execute(request);
  }

  @Override
  public void close() {
    delegate.close();
  }
}

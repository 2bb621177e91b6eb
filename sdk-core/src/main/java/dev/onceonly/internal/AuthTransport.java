package dev.onceonly.internal;

import dev.onceonly.http.HttpRequest;
import dev.onceonly.http.HttpResponse;
import dev.onceonly.http.HttpTransport;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Adds {@code Authorization: Bearer ...} to every request, and only to requests for the API's
 * own origin (scheme, host and port, compared as {@link Origin} does), so that the token never
 * follows a {@code Location} elsewhere.
 */
final class AuthTransport implements HttpTransport {

  private final HttpTransport delegate;
  private final TokenSource tokens;
  private final Origin origin;
  /** The last URL judged to be on the API's origin: the engine sends the same few over and over. */
  private volatile String lastOwnUrl = "";

  AuthTransport(HttpTransport delegate, TokenSource tokens, Origin origin) {
    this.delegate = delegate;
    this.tokens = tokens;
    this.origin = origin;
  }

  @Override
  public HttpResponse execute(HttpRequest request, Duration timeout) {
    return delegate.execute(authorize(request), timeout);
  }

  @Override
  public CompletableFuture<HttpResponse> executeAsync(HttpRequest request, Duration timeout) {
    return delegate.executeAsync(authorize(request), timeout);
  }

  private HttpRequest authorize(HttpRequest request) {
    if (tokens.isSet() && isOwnOrigin(request.url())) {
      // Read per attempt: a rotating token is fresh on every request, retries included.
      return request.withHeader("Authorization", "Bearer " + tokens.next());
    }
    return request;
  }

  private boolean isOwnOrigin(String url) {
    if (url.equals(lastOwnUrl)) {
      return true;
    }
    boolean own = origin.equals(Origin.of(url));
    if (own) {
      lastOwnUrl = url;
    }
    return own;
  }

  @Override
  public void close() {
    delegate.close();
  }
}

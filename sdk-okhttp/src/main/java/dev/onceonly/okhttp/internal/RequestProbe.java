package dev.onceonly.okhttp.internal;

import okhttp3.Call;
import okhttp3.EventListener;

/**
 * Records, for one exchange, whether OkHttp started to write the request. Attached to the
 * {@link okhttp3.Request} as a tag; {@link #eventListenerFactory} marks it from OkHttp's events.
 *
 * <p>This is how the transport tells "certainly never left" from "may have reached the server":
 * if the request headers never started being written, the server cannot have seen the request,
 * whatever the exception (refused connect, DNS, TLS handshake, connect timeout, no route). Once
 * they started, any failure leaves the outcome unknown. Reading events rather than exception
 * types is robust against OkHttp's wrapping, fast fallback between addresses, and interceptors.
 */
final class RequestProbe {

  private volatile boolean requestStarted;

  /** Whether OkHttp started writing the request (its headers) for this exchange. */
  boolean requestStarted() {
    return requestStarted;
  }

  private void markRequestStarted() {
    requestStarted = true;
  }

  /**
   * A factory that keeps the client's own listeners (a caller's {@code OkHttpClient} may have
   * some) and adds the one that marks the probe of each call.
   */
  static EventListener.Factory eventListenerFactory(EventListener.Factory delegate) {
    return call -> {
      EventListener theirs = delegate.create(call);
      return theirs == EventListener.NONE ? MARKER : theirs.plus(MARKER);
    };
  }

  /** Stateless: the state lives in the probe tagged on each call's request. */
  private static final EventListener MARKER = new EventListener() {
    @Override
    public void requestHeadersStart(Call call) {
      mark(call);
    }

    @Override
    public void requestBodyStart(Call call) {
      mark(call);
    }

    private void mark(Call call) {
      RequestProbe probe = call.request().tag(RequestProbe.class);
      if (probe != null) {
        probe.markRequestStarted();
      }
    }
  };
}

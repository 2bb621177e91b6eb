package dev.onceonly.okhttp.internal;

import java.util.List;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * Keeps OkHttp from silently re-sending a request on a {@code 503} with {@code Retry-After: 0}.
 *
 * <p>OkHttp repeats such a request once by itself, even with {@code retryOnConnectionFailure}
 * off. For a {@code POST} that is an extra attempt the engine neither counts nor reports, so the
 * engine would no longer be the only place that decides what is sent again. The
 * {@linkplain #HIDE network interceptor} (the innermost one) moves a 503's {@code Retry-After}
 * aside before OkHttp's follow-up logic sees it; the {@linkplain #RESTORE application
 * interceptor} (the innermost one) puts it back, so the engine and the caller's application
 * interceptors see the server's answer unchanged. Only a caller's network interceptors see the
 * header under its temporary name.
 */
final class NoSilentRetries {

  static final String HIDDEN = "OnceOnly-Hidden-Retry-After";
  private static final String RETRY_AFTER = "Retry-After";

  /** Added last to the network interceptors. */
  static final Interceptor HIDE = chain -> {
    Response response = chain.proceed(chain.request());
    if (response.code() != 503) {
      return response;
    }
    return move(response, RETRY_AFTER, HIDDEN);
  };

  /** Added last to the application interceptors. */
  static final Interceptor RESTORE = chain -> move(chain.proceed(chain.request()), HIDDEN, RETRY_AFTER);

  private NoSilentRetries() {}

  private static Response move(Response response, String from, String to) {
    List<String> values = response.headers(from);
    if (values.isEmpty()) {
      return response;
    }
    Response.Builder builder = response.newBuilder().removeHeader(from);
    for (String value : values) {
      builder.addHeader(to, value);
    }
    return builder.build();
  }
}

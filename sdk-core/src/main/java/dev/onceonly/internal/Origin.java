package dev.onceonly.internal;

import java.net.URI;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A URL's origin (RFC 6454): scheme and host compared without case, and the port with the
 * scheme's default filled in, so that {@code https://LocalHost/} and {@code https://localhost:443/}
 * are the same origin. The bearer token goes only to the API's own origin, and a
 * {@code Location} is followed only there; both checks use this one definition.
 */
public record Origin(String scheme, String host, int port) {

  /**
   * The origin of {@code url}, or {@code null} when it is not an absolute http(s) URL with a
   * host.
   */
  public static @Nullable Origin of(URI url) {
    String scheme = url.getScheme();
    String host = url.getHost();
    if (scheme == null || host == null) {
      return null;
    }
    scheme = scheme.toLowerCase(Locale.ROOT);
    int port = url.getPort();
    if (port == -1) {
      port = switch (scheme) {
        case "http" -> 80;
        case "https" -> 443;
        default -> -1;
      };
    }
    if (port == -1) {
      return null;
    }
    return new Origin(scheme, host.toLowerCase(Locale.ROOT), port);
  }

  /** The origin of {@code url} text, or {@code null} when it does not parse as such a URL. */
  public static @Nullable Origin of(String url) {
    try {
      return of(new URI(url));
    } catch (java.net.URISyntaxException e) {
      return null;
    }
  }

  @Override
  public String toString() {
    return scheme + "://" + host + ":" + port;
  }
}

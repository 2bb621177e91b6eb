package dev.onceonly.okhttp.internal;

import dev.onceonly.http.HttpTransport;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The SDK's version, read once from {@code dev/onceonly/internal/version.properties} (written by
 * sdk-core's build), and the {@code User-Agent} made from it.
 */
public final class SdkVersion {

  static final String RESOURCE = "dev/onceonly/internal/version.properties";
  private static final String VERSION = load();

  private SdkVersion() {}

  /** Such as {@code 0.1.0}; {@code unknown} when the resource is missing or was not filtered. */
  public static String version() {
    return VERSION;
  }

  /** {@code onceonly-java/<version>}. */
  public static String userAgent() {
    return "onceonly-java/" + VERSION;
  }

  private static String load() {
    ClassLoader loader = HttpTransport.class.getClassLoader();
    try (InputStream in = loader == null
        ? ClassLoader.getSystemResourceAsStream(RESOURCE)
        : loader.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return "unknown";
      }
      Properties properties = new Properties();
      properties.load(in);
      String version = properties.getProperty("version", "").strip();
      // An unfiltered placeholder (a build that skipped resource filtering) is not a version.
      return version.isEmpty() || version.contains("${") ? "unknown" : version;
    } catch (IOException | IllegalArgumentException e) {
      return "unknown";
    }
  }
}

package dev.onceonly.samples;

import dev.onceonly.testkit.RunningSandbox;
import dev.onceonly.testkit.SandboxServer;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Where a sample sends its requests: the base URL given as the first command-line argument,
 * else the one in the {@value #BASE_URL_ENV} environment variable, else a sandbox started in
 * this process, which {@link #close()} stops. So each sample runs as it is:
 *
 * <pre>
 * mvn -q -pl sdk-samples exec:java -Dexec.mainClass=dev.onceonly.samples.QuickstartSample
 * mvn -q -pl sdk-samples exec:java -Dexec.mainClass=dev.onceonly.samples.QuickstartSample -Dexec.args=http://127.0.0.1:8080
 * </pre>
 *
 * <p>Not thread-safe; one per sample run.
 */
public final class SampleApi implements AutoCloseable {

  /** The environment variable that names the API's base URL when no argument does. */
  public static final String BASE_URL_ENV = "ONCEONLY_BASE_URL";

  /** The environment variable that holds the bearer token; the sandbox takes any. */
  public static final String TOKEN_ENV = "PAYMENTS_TOKEN";

  /** The token sent when {@value #TOKEN_ENV} is unset: the sandbox accepts any token. */
  static final String SANDBOX_TOKEN = "tok_sandbox_samples";

  /** The funding sources the samples move money between. */
  private static final String SOURCE = "/funding-sources/707177c3-bf15-4e7e-b37c-55c3898d9bf4";
  private static final String DESTINATION = "/funding-sources/04173e17-6398-4d36-a167-9d98c4b1f1c3";

  private final String baseUrl;
  private final @Nullable RunningSandbox sandbox;

  private SampleApi(String baseUrl, @Nullable RunningSandbox sandbox) {
    this.baseUrl = baseUrl;
    this.sandbox = sandbox;
  }

  /** The API named by {@code args} or the environment, else a sandbox with no faults. */
  public static SampleApi fromArgs(String[] args) {
    return fromArgs(args, SandboxServer.builder().build());
  }

  /**
   * The API named by {@code args} or the environment, else a sandbox started from
   * {@code sandboxConfig}.
   */
  public static SampleApi fromArgs(String[] args, SandboxServer sandboxConfig) {
    Objects.requireNonNull(sandboxConfig, "sandboxConfig");
    String given = args.length > 0 ? args[0] : System.getenv(BASE_URL_ENV);
    if (given != null && !given.isBlank()) {
      return new SampleApi(trimSlash(given.strip()), null);
    }
    RunningSandbox sandbox = sandboxConfig.start();
    System.out.println("(No base URL given: started a sandbox at " + sandbox.baseUrl()
        + "; pass a base URL as the first argument or in " + BASE_URL_ENV + " to use another server.)");
    return new SampleApi(sandbox.baseUrl(), sandbox);
  }

  /**
   * The bearer token: {@value #TOKEN_ENV} from the environment, else a token for the sandbox
   * (which keeps each token's keys apart and accepts any). Never printed.
   */
  public String bearerToken() {
    String token = System.getenv(TOKEN_ENV);
    return token == null || token.isBlank() ? SANDBOX_TOKEN : token.strip();
  }

  /** The API root, such as {@code http://127.0.0.1:8080}, without a trailing slash. */
  public String baseUrl() {
    return baseUrl;
  }

  /** The sandbox this object started, if it started one. */
  public Optional<RunningSandbox> sandbox() {
    return Optional.ofNullable(sandbox);
  }

  /** A funding source's URL on this API. */
  public String source() {
    return baseUrl + SOURCE;
  }

  /** A destination funding source's URL on this API. */
  public String destination() {
    return baseUrl + DESTINATION;
  }

  /** Stops the sandbox, if this object started one. */
  @Override
  public void close() {
    if (sandbox != null) {
      sandbox.close();
    }
  }

  private static String trimSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}

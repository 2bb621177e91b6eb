package dev.onceonly.samples.bench;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import dev.onceonly.Money;
import dev.onceonly.PaymentsClient;
import dev.onceonly.okhttp.OkHttpPaymentsClient;
import dev.onceonly.transfers.Transfer;
import dev.onceonly.transfers.TransferCreateParams;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one {@code POST /transfers} costs through the SDK, against the same request made with
 * OkHttp by hand, both against the same {@link LoopbackServer} that answers at once.
 *
 * <ul>
 *   <li>{@link #rawOkHttp}: what a careful caller writes without the SDK. The same JSON bytes
 *       (serialised once, up front), the same headers ({@code Content-Type}, {@code Accept},
 *       {@code Authorization} and a fresh UUID {@code Idempotency-Key}), the response decoded
 *       with Moshi into a small record whose fields stay strings.
 *   <li>{@link #sdkCreate}: {@code client.transfers().create(params)} with the default retry
 *       policy. Per call the SDK also serialises the body, keeps the key's ledger entry, runs
 *       the retry engine, buffers and checks the response, and decodes a {@link Transfer} with
 *       typed values ({@code BigDecimal}, {@code Instant}, an enum).
 * </ul>
 * Both use OkHttp clients with the same settings: a connection pool that keeps up to 32 idle
 * connections (OkHttp's default keeps 5, and at 16 threads on a small machine connections are
 * then closed and reopened all the time, which would measure TCP handshakes and the server's
 * thread starts rather than the clients), 5 s connect, 10 s read and write timeouts, no OkHttp
 * retries, no redirects. Each benchmark has its own server and client, set up once per fork.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class CreateOverhead {

  static final String TOKEN = "bench-token-0123456789";
  static final String SOURCE =
      "https://api.example.test/funding-sources/707177c3-bf15-4e7e-b37c-55c3898d9bf4";
  static final String DESTINATION =
      "https://api.example.test/funding-sources/04173e17-6398-4d36-a167-9d98c4b1f1c3";

  /** The parameters of every create: the protocol's example. */
  static final TransferCreateParams PARAMS = TransferCreateParams.builder()
      .source(SOURCE)
      .destination(DESTINATION)
      .amount(Money.of("USD", "1337.00"))
      .metadata("invoice", "INV-42")
      .build();

  /** The body the raw client sends: the very bytes the SDK writes for {@link #PARAMS}. */
  static final byte[] BODY = ("{\"_links\":{\"source\":{\"href\":\"" + SOURCE + "\"},"
      + "\"destination\":{\"href\":\"" + DESTINATION + "\"}},"
      + "\"amount\":{\"currency\":\"USD\",\"value\":\"1337.00\"},"
      + "\"metadata\":{\"invoice\":\"INV-42\"}}").getBytes(java.nio.charset.StandardCharsets.UTF_8);

  private static final MediaType JSON = MediaType.get("application/json");
  private static final String AUTHORIZATION = "Bearer " + TOKEN;

  /** What the raw client decodes: the fields a caller needs, as Moshi reads them. */
  public record RawTransfer(String id, String status, RawAmount amount, String created, Map<String, String> metadata) {}

  public record RawAmount(String currency, String value) {}

  private LoopbackServer server;
  private OkHttpClient raw;
  private HttpUrl transfersUrl;
  private JsonAdapter<RawTransfer> adapter;
  private OkHttpClient sdkPool;
  private PaymentsClient sdk;

  /**
   * The raw client: the SDK's settings (see {@code OkHttpPaymentsClient.Builder} and
   * {@code OkHttpTransport}) over a pool of its own.
   */
  static OkHttpClient rawClient() {
    return new OkHttpClient.Builder()
        .connectionPool(pool())
        .connectTimeout(Duration.ofSeconds(5))
        .readTimeout(Duration.ofSeconds(10))
        .writeTimeout(Duration.ofSeconds(10))
        .retryOnConnectionFailure(false)
        .followRedirects(false)
        .followSslRedirects(false)
        .build();
  }

  /**
   * The SDK's client: its defaults, over an OkHttp client that only brings the pool (the SDK
   * applies its own timeouts and turns off OkHttp's retries and redirects). The caller closes the
   * client and evicts the pool.
   */
  static PaymentsClient sdkClient(String baseUrl, OkHttpClient poolOnly) {
    return OkHttpPaymentsClient.builder().baseUrl(baseUrl).bearerToken(TOKEN).okHttpClient(poolOnly).build();
  }

  static OkHttpClient poolOnly() {
    return new OkHttpClient.Builder().connectionPool(pool()).build();
  }

  private static ConnectionPool pool() {
    return new ConnectionPool(32, 5, TimeUnit.MINUTES);
  }

  @Setup(Level.Trial)
  public void setUp() {
    server = LoopbackServer.start();
    raw = rawClient();
    transfersUrl = HttpUrl.get(server.baseUrl() + "transfers");
    adapter = new Moshi.Builder().build().adapter(RawTransfer.class);
    sdkPool = poolOnly();
    sdk = sdkClient(server.baseUrl(), sdkPool);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    sdk.close();
    for (OkHttpClient client : new OkHttpClient[] {raw, sdkPool}) {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
    // Printed into JMH's log: keep-alive at work shows as about one connection per thread.
    System.out.println("loopback server: " + server.requests() + " requests on "
        + server.connections() + " connections");
    server.close();
  }

  @Benchmark
  public RawTransfer rawOkHttp() throws IOException {
    return rawCreate(raw, transfersUrl, adapter);
  }

  @Benchmark
  public Transfer sdkCreate() {
    return sdk.transfers().create(PARAMS);
  }

  static RawTransfer rawCreate(OkHttpClient client, HttpUrl url, JsonAdapter<RawTransfer> adapter)
      throws IOException {
    Request request = new Request.Builder()
        .url(url)
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .header("Authorization", AUTHORIZATION)
        .header("Idempotency-Key", UUID.randomUUID().toString())
        .post(RequestBody.create(BODY, JSON))
        .build();
    try (Response response = client.newCall(request).execute()) {
      if (response.code() != 201) {
        throw new IOException("expected 201, got " + response.code());
      }
      RawTransfer transfer = adapter.fromJson(response.body().source());
      if (transfer == null) {
        throw new IOException("no transfer in the response");
      }
      return transfer;
    }
  }
}

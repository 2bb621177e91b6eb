package dev.onceonly.samples.bench;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import dev.onceonly.PaymentsClient;
import dev.onceonly.RetryListener;
import dev.onceonly.RetryPolicy;
import dev.onceonly.Sleeper;
import dev.onceonly.http.HttpRequest;
import dev.onceonly.http.HttpResponse;
import dev.onceonly.http.HttpTransport;
import dev.onceonly.internal.ClientConfig;
import dev.onceonly.internal.DefaultPaymentsClient;
import dev.onceonly.internal.TransferJson;
import dev.onceonly.okhttp.internal.OkHttpTransport;
import dev.onceonly.transfers.Transfer;
import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The SDK's create path taken apart, for finding where {@link CreateOverhead#sdkCreate} spends
 * its time and bytes. Not part of {@link BenchMain}'s run; run it with JMH's own main:
 * {@code java -cp ... org.openjdk.jmh.Main CreateBreakdown -prof gc}.
 *
 * <ul>
 *   <li>{@link #transport}: the OkHttp transport alone, a request built once (a fresh key each
 *       time), the response buffered;
 *   <li>{@link #transportAndDecode}: the same plus decoding the transfer;
 *   <li>{@link #encode} and {@link #decode}: the JSON mapping alone, no I/O;
 *   <li>{@link #sdkWithoutNetwork}: {@code create} through the whole SDK (service, engine, key
 *       ledger, auth, JSON) over an in-memory transport that answers the same {@code 201} at
 *       once: what the SDK itself costs per create, without OkHttp or sockets;
 *   <li>{@link #rawPlusBusyWork}: the raw OkHttp create plus {@link #busyTokens} tokens of
 *       JMH's {@code Blackhole.consumeCPU}, no allocation: how much a given amount of extra CPU
 *       per create costs the raw client, to compare with what the SDK's own CPU costs it.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class CreateBreakdown {

  private static final java.time.Duration ATTEMPT = java.time.Duration.ofSeconds(30);

  private static final byte[] RESPONSE = LoopbackServer.TRANSFER_JSON.getBytes(java.nio.charset.StandardCharsets.UTF_8);

  /** Tokens of busy work for {@link #rawPlusBusyWork}; 0 makes it the raw create. */
  @Param("0")
  public int busyTokens;

  private LoopbackServer server;
  private PaymentsClient inMemory;
  private OkHttpClient raw;
  private HttpUrl transfersUrl;
  private JsonAdapter<CreateOverhead.RawTransfer> adapter;
  private OkHttpTransport transport;
  private String url;

  @Setup(Level.Trial)
  public void setUp() {
    server = LoopbackServer.start();
    transport = new OkHttpTransport(CreateOverhead.rawClient(), true, 10L * 1024 * 1024);
    url = server.baseUrl() + "transfers";
    raw = CreateOverhead.rawClient();
    transfersUrl = HttpUrl.get(url);
    adapter = new Moshi.Builder().build().adapter(CreateOverhead.RawTransfer.class);
    HttpResponse created = new HttpResponse(201, Map.of(
        "Content-Type", List.of("application/json; charset=utf-8"),
        "Location", List.of(server.baseUrl() + "transfers/74c9129b-d14a-e511-80da-0aa34a9b2388"),
        "Content-Length", List.of(Integer.toString(RESPONSE.length))), RESPONSE);
    HttpTransport answersAtOnce = new HttpTransport() {
      @Override
      public HttpResponse execute(HttpRequest request, java.time.Duration timeout) {
        return created;
      }

      @Override
      public void close() {}
    };
    inMemory = new DefaultPaymentsClient(answersAtOnce, new ClientConfig(ClientConfig.parseBaseUrl(server.baseUrl()),
        CreateOverhead.TOKEN, RetryPolicy.defaults(), RetryListener.NONE, Clock.systemUTC(), Sleeper.SYSTEM));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    transport.close();
    raw.dispatcher().executorService().shutdown();
    raw.connectionPool().evictAll();
    server.close();
  }

  @Benchmark
  public HttpResponse transport() {
    return transport.execute(request(), ATTEMPT);
  }

  @Benchmark
  public Transfer transportAndDecode() {
    return TransferJson.decodeTransfer(transport.execute(request(), ATTEMPT).body());
  }

  @Benchmark
  public CreateOverhead.RawTransfer rawPlusBusyWork() throws IOException {
    Blackhole.consumeCPU(busyTokens);
    return CreateOverhead.rawCreate(raw, transfersUrl, adapter);
  }

  @Benchmark
  public Transfer sdkWithoutNetwork() {
    return inMemory.transfers().create(CreateOverhead.PARAMS);
  }

  @Benchmark
  public byte[] encode() {
    return TransferJson.encodeCreate(CreateOverhead.PARAMS);
  }

  @Benchmark
  public Transfer decode() {
    return TransferJson.decodeTransfer(RESPONSE);
  }

  private HttpRequest request() {
    Map<String, String> headers = new LinkedHashMap<>(8);
    headers.put("Content-Type", "application/json");
    headers.put("Accept", "application/json");
    headers.put("Idempotency-Key", UUID.randomUUID().toString());
    headers.put("Authorization", "Bearer " + CreateOverhead.TOKEN);
    return new HttpRequest("POST", url, headers, CreateOverhead.BODY);
  }
}

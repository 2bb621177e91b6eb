package dev.onceonly.samples.bench;

import dev.onceonly.http.HttpRequest;
import dev.onceonly.http.HttpResponse;
import dev.onceonly.internal.TransferJson;
import dev.onceonly.okhttp.internal.OkHttpTransport;
import dev.onceonly.transfers.Transfer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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
 * The SDK's create path taken apart, for finding where {@link CreateOverhead#sdkCreate} spends
 * its time and bytes. Not part of {@link BenchMain}'s run; run it with JMH's own main:
 * {@code java -cp ... org.openjdk.jmh.Main CreateBreakdown -prof gc}.
 *
 * <ul>
 *   <li>{@link #transport}: the OkHttp transport alone, a request built once (a fresh key each
 *       time), the response buffered;
 *   <li>{@link #transportAndDecode}: the same plus decoding the transfer;
 *   <li>{@link #encode} and {@link #decode}: the JSON mapping alone, no I/O.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class CreateBreakdown {

  private static final byte[] RESPONSE = LoopbackServer.TRANSFER_JSON.getBytes(java.nio.charset.StandardCharsets.UTF_8);

  private LoopbackServer server;
  private OkHttpTransport transport;
  private String url;

  @Setup(Level.Trial)
  public void setUp() {
    server = LoopbackServer.start();
    transport = new OkHttpTransport(CreateOverhead.rawClient(), true, 10L * 1024 * 1024);
    url = server.baseUrl() + "transfers";
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    transport.close();
    server.close();
  }

  @Benchmark
  public HttpResponse transport() {
    return transport.execute(request());
  }

  @Benchmark
  public Transfer transportAndDecode() {
    return TransferJson.decodeTransfer(transport.execute(request()).body());
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

package dev.onceonly.samples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.squareup.moshi.Moshi;
import dev.onceonly.PaymentsClient;
import dev.onceonly.transfers.Transfer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

class LoopbackServerTest {

  @Test
  void answersPipelinedRequestsOnOneConnection() throws IOException {
    try (LoopbackServer server = LoopbackServer.start()) {
      URI base = URI.create(server.baseUrl());
      String body = "{\"a\":1}";
      String requests = "POST /transfers HTTP/1.1\r\nHost: x\r\ncontent-LENGTH: " + body.length() + "\r\n\r\n" + body
          + "GET /elsewhere HTTP/1.1\r\nHost: x\r\n\r\n"
          + "POST /transfers HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n";
      try (Socket socket = new Socket(base.getHost(), base.getPort())) {
        OutputStream out = socket.getOutputStream();
        // in pieces, so that heads and bodies straddle reads
        byte[] bytes = requests.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < bytes.length; i += 7) {
          out.write(bytes, i, Math.min(7, bytes.length - i));
          out.flush();
        }
        String answers = readAnswers(socket.getInputStream(), 3);
        assertEquals(3, count(answers, "HTTP/1.1 "), answers);
        assertTrue(answers.startsWith("HTTP/1.1 201 Created\r\n"), answers);
        assertTrue(answers.contains("HTTP/1.1 404 Not Found\r\n"), answers);
        assertTrue(answers.endsWith(LoopbackServer.TRANSFER_JSON), answers);
      }
      assertEquals(3, server.requests());
      assertEquals(2, server.transfers());
      assertEquals(1, server.connections());
    }
  }

  @Test
  void rawClientAndSdkReadTheSameTransferOverKeptAliveConnections() throws IOException {
    try (LoopbackServer server = LoopbackServer.start()) {
      OkHttpClient raw = CreateOverhead.rawClient();
      OkHttpClient pool = CreateOverhead.poolOnly();
      try (PaymentsClient sdk = CreateOverhead.sdkClient(server.baseUrl(), pool)) {
        for (int i = 0; i < 3; i++) {
          CreateOverhead.RawTransfer r = CreateOverhead.rawCreate(raw, HttpUrl.get(server.baseUrl() + "transfers"),
              new Moshi.Builder().build().adapter(CreateOverhead.RawTransfer.class));
          assertEquals("74c9129b-d14a-e511-80da-0aa34a9b2388", r.id());
          assertEquals("1337.00", r.amount().value());
          assertEquals(Map.of("invoice", "INV-42"), r.metadata());

          Transfer t = sdk.transfers().create(CreateOverhead.PARAMS);
          assertEquals(r.id(), t.id());
          assertEquals(new BigDecimal("1337.00"), t.amount().value());
          assertEquals(Instant.parse(r.created()), t.created());
        }
      } finally {
        raw.connectionPool().evictAll();
        pool.connectionPool().evictAll();
      }
      assertEquals(6, server.transfers());
      assertEquals(2, server.connections()); // one per client: keep-alive works
    }
  }

  @Test
  void rawBodyIsTheSdksBody() {
    assertEquals(new String(dev.onceonly.internal.TransferJson.encodeCreate(CreateOverhead.PARAMS), StandardCharsets.UTF_8),
        new String(CreateOverhead.BODY, StandardCharsets.UTF_8));
  }

  private static String readAnswers(InputStream in, int answers) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    while (count(all.toString(StandardCharsets.UTF_8), "HTTP/1.1 ") < answers
        || !all.toString(StandardCharsets.UTF_8).endsWith("}")) {
      int n = in.read(buf);
      if (n < 0) {
        break;
      }
      all.write(buf, 0, n);
    }
    return all.toString(StandardCharsets.UTF_8);
  }

  private static int count(String text, String what) {
    int n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }
}

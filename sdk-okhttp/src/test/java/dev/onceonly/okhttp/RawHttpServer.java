package dev.onceonly.okhttp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP/1.1 server on a raw {@link ServerSocket}, for answers no well-behaved server
 * gives: a body trickled a byte at a time, two responses to one request on a keep-alive
 * connection. Each connection is served on its own thread, requests one after another; the
 * handler writes whatever bytes it likes. Records every request it read.
 */
final class RawHttpServer implements AutoCloseable {

  /** One request as read off the wire. */
  record Request(int index, String method, String target, Map<String, String> headers, byte[] body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  /** Writes the answer to {@code request} (or nothing, or more than one). */
  @FunctionalInterface
  interface Handler {
    void handle(Request request, OutputStream out) throws IOException, InterruptedException;
  }

  final List<Request> requests = new CopyOnWriteArrayList<>();
  private final ServerSocket server;
  private final Handler handler;
  private final AtomicInteger count = new AtomicInteger();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  RawHttpServer(Handler handler) throws IOException {
    this.handler = handler;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::acceptLoop, "raw-http-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /**
   * Waits until {@code n} requests were read (at most 10 s), for a client that can get its
   * answer before the server has finished reading its last request: a retry answered by an
   * answer already waiting in the socket.
   */
  List<Request> awaitRequests(int n) throws InterruptedException {
    for (int i = 0; i < 1_000 && requests.size() < n; i++) {
      Thread.sleep(10); // waiting for a condition, not measuring time
    }
    return requests;
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getLocalPort() + "/";
  }

  int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        sockets.add(socket);
        Thread t = new Thread(() -> serve(socket), "raw-http-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket socket) {
    try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
      while (true) {
        Request request = read(in);
        if (request == null) {
          return;
        }
        requests.add(request);
        handler.handle(request, out);
        out.flush();
      }
    } catch (IOException | InterruptedException e) {
      // the client went away, or the server is closing
    }
  }

  private Request read(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b == -1) {
        return null;
      }
      head.write(b);
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    String[] start = lines[0].split(" ");
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
      }
    }
    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    byte[] body = in.readNBytes(length);
    return new Request(count.getAndIncrement(), start[0], start[1], headers, body);
  }

  /** A complete response with a JSON body. */
  static byte[] response(int status, String reason, String json, String... headers) {
    StringBuilder sb = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason).append("\r\n");
    for (int i = 0; i < headers.length; i += 2) {
      sb.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
    }
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    sb.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n\r\n");
    byte[] head = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = new byte[head.length + body.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(body, 0, all, head.length, body.length);
    return all;
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}

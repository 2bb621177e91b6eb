package dev.onceonly.samples.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The smallest HTTP/1.1 server the overhead benchmark needs: on {@code 127.0.0.1}, keep-alive,
 * one thread per connection, answering {@code POST /transfers} with one fixed {@code 201}
 * transfer and anything else with a fixed {@code 404}.
 *
 * <p>It exists so that the server costs as little as possible and the same for every client:
 * in steady state it allocates nothing per request (one read buffer per connection, the answers
 * built once), it never parses a header it does not need (only {@code Content-Length}, to find
 * where the next request starts), and it writes each answer with one {@code write}, with
 * {@code TCP_NODELAY} on. It is not a general HTTP server: no chunked request bodies, no
 * {@code Expect: 100-continue}, heads up to {@value #MAX_HEAD} bytes.
 *
 * <p>Thread-safe. The owner must {@link #close()} it.
 */
public final class LoopbackServer implements AutoCloseable {

  /** The transfer every {@code POST /transfers} gets, as in the protocol's example. */
  public static final String TRANSFER_JSON = "{"
      + "\"id\":\"74c9129b-d14a-e511-80da-0aa34a9b2388\","
      + "\"status\":\"pending\","
      + "\"amount\":{\"currency\":\"USD\",\"value\":\"1337.00\"},"
      + "\"created\":\"2026-11-23T10:15:30.123Z\","
      + "\"metadata\":{\"invoice\":\"INV-42\"},"
      + "\"_links\":{"
      + "\"self\":{\"href\":\"http://127.0.0.1/transfers/74c9129b-d14a-e511-80da-0aa34a9b2388\"},"
      + "\"source\":{\"href\":\"https://api.example.test/funding-sources/707177c3-bf15-4e7e-b37c-55c3898d9bf4\"},"
      + "\"destination\":{\"href\":\"https://api.example.test/funding-sources/04173e17-6398-4d36-a167-9d98c4b1f1c3\"}"
      + "}}";

  static final int MAX_HEAD = 8192;
  private static final byte[] POST_TRANSFERS = ascii("POST /transfers ");
  private static final byte[] CONTENT_LENGTH = ascii("content-length:");

  private final ServerSocket listener;
  private final byte[] created;
  private final byte[] notFound;
  private final Thread acceptor;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final LongAdder requests = new LongAdder();
  private final LongAdder transfers = new LongAdder();
  private final LongAdder connections = new LongAdder();
  private final AtomicBoolean closed = new AtomicBoolean();

  private LoopbackServer(ServerSocket listener) {
    this.listener = listener;
    String base = "http://127.0.0.1:" + listener.getLocalPort();
    byte[] body = TRANSFER_JSON.getBytes(StandardCharsets.UTF_8);
    this.created = concat(ascii("HTTP/1.1 201 Created\r\n"
        + "Content-Type: application/json; charset=utf-8\r\n"
        + "Location: " + base + "/transfers/74c9129b-d14a-e511-80da-0aa34a9b2388\r\n"
        + "Content-Length: " + body.length + "\r\n"
        + "\r\n"), body);
    byte[] missing = ascii("{\"code\":\"NotFound\",\"message\":\"no such route\"}");
    this.notFound = concat(ascii("HTTP/1.1 404 Not Found\r\n"
        + "Content-Type: application/json\r\n"
        + "Content-Length: " + missing.length + "\r\n"
        + "\r\n"), missing);
    this.acceptor = new Thread(this::acceptLoop, "loopback-accept");
    this.acceptor.setDaemon(true);
  }

  /** Starts a server on a free port of {@code 127.0.0.1}. */
  public static LoopbackServer start() {
    try {
      ServerSocket listener = new ServerSocket();
      listener.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0), 128);
      LoopbackServer server = new LoopbackServer(listener);
      server.acceptor.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the loopback server", e);
    }
  }

  /** {@code http://127.0.0.1:<port>/}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + listener.getLocalPort() + "/";
  }

  /** Requests answered so far. */
  public long requests() {
    return requests.sum();
  }

  /** Of those, the {@code POST /transfers} answered with the transfer. */
  public long transfers() {
    return transfers.sum();
  }

  /** Connections accepted so far: with keep-alive working, about one per client thread. */
  public long connections() {
    return connections.sum();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      listener.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (Socket socket : open) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  private void acceptLoop() {
    while (!closed.get()) {
      Socket socket;
      try {
        socket = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      connections.increment();
      open.add(socket);
      Thread thread = new Thread(() -> serve(socket), "loopback-conn-" + connections.sum());
      thread.setDaemon(true);
      thread.start();
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      socket.setTcpNoDelay(true);
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      byte[] buf = new byte[MAX_HEAD];
      int start = 0; // where the unanswered request starts in buf
      int end = 0; // where the bytes read so far end
      while (true) {
        int headEnd = indexOfHeadEnd(buf, start, end);
        if (headEnd < 0) {
          if (start > 0) { // make room: move the partial request to the front
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
          }
          if (end == buf.length) {
            return; // a head too large: not something a benchmark client sends
          }
          int n = in.read(buf, end, buf.length - end);
          if (n < 0) {
            return;
          }
          end += n;
          continue;
        }
        long bodyLength = contentLength(buf, start, headEnd);
        boolean transfer = startsWith(buf, start, headEnd, POST_TRANSFERS);
        start = headEnd;
        // Skip the body: what is buffered, then what is still to come.
        long buffered = Math.min(bodyLength, end - start);
        start += (int) buffered;
        long remaining = bodyLength - buffered;
        while (remaining > 0) {
          int n = in.read(buf, 0, (int) Math.min(buf.length, remaining));
          if (n < 0) {
            return;
          }
          remaining -= n;
        }
        if (start == end) {
          start = 0;
          end = 0;
        }
        requests.increment();
        if (transfer) {
          transfers.increment();
          out.write(created);
        } else {
          out.write(notFound);
        }
        out.flush();
      }
    } catch (IOException e) {
      // the client went away, or close(): either way this connection is over
    } finally {
      open.remove(socket);
    }
  }

  /** The index just past the {@code \r\n\r\n} that ends a head starting at {@code from}, or -1. */
  static int indexOfHeadEnd(byte[] buf, int from, int to) {
    for (int i = from; i + 3 < to; i++) {
      if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n') {
        return i + 4;
      }
    }
    return -1;
  }

  /** The {@code Content-Length} in the head {@code [from, to)}, or 0 when there is none. */
  static long contentLength(byte[] buf, int from, int to) {
    for (int i = from; i < to; i++) {
      if ((i == from || buf[i - 1] == '\n') && startsWithIgnoreCase(buf, i, to, CONTENT_LENGTH)) {
        long value = 0;
        for (int j = i + CONTENT_LENGTH.length; j < to && buf[j] != '\r'; j++) {
          if (buf[j] >= '0' && buf[j] <= '9') {
            value = value * 10 + (buf[j] - '0');
          }
        }
        return value;
      }
    }
    return 0;
  }

  private static boolean startsWith(byte[] buf, int from, int to, byte[] prefix) {
    if (to - from < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (buf[from + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean startsWithIgnoreCase(byte[] buf, int from, int to, byte[] lowerPrefix) {
    if (to - from < lowerPrefix.length) {
      return false;
    }
    for (int i = 0; i < lowerPrefix.length; i++) {
      int b = buf[from + i];
      if (b >= 'A' && b <= 'Z') {
        b += 'a' - 'A';
      }
      if (b != lowerPrefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] all = new byte[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}

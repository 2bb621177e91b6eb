package dev.onceonly.samples.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback HTTP/1.1 server that answers every request after a fixed delay, on one thread:
 * non-blocking sockets and a queue of answers due, so that a thousand requests waiting at once
 * cost it no thread each, and the threads counted in the concurrency benchmark are the client's.
 *
 * <p>{@code POST /transfers} gets {@link LoopbackServer}'s {@code 201} transfer, anything else a
 * {@code 404}; keep-alive; heads up to {@value LoopbackServer#MAX_HEAD} bytes, no chunked request
 * bodies. The delay is measured from the moment a whole request has been read. Thread-safe to
 * start, query and close.
 */
public final class DelayedAnswerServer implements AutoCloseable {

  private static final byte[] POST_TRANSFERS = "POST /transfers ".getBytes(StandardCharsets.US_ASCII);

  private final ServerSocketChannel listener;
  private final Selector selector;
  private final long delayNanos;
  private final byte[] created;
  private final byte[] notFound;
  private final Thread loop;
  private final AtomicLong requests = new AtomicLong();
  private volatile boolean closed;

  /** One answer due at a time. */
  private record Due(long atNanos, Connection connection, byte[] answer) {}

  /** A connection's bytes read and not yet parsed, and answered bytes not yet written. */
  private static final class Connection {
    final SocketChannel channel;
    byte[] in = new byte[LoopbackServer.MAX_HEAD];
    int inLength;
    final Deque<ByteBuffer> out = new ArrayDeque<>();

    Connection(SocketChannel channel) {
      this.channel = channel;
    }
  }

  private DelayedAnswerServer(Duration delay) throws IOException {
    this.delayNanos = delay.toNanos();
    this.selector = Selector.open();
    this.listener = ServerSocketChannel.open();
    listener.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0), 4096);
    listener.configureBlocking(false);
    listener.register(selector, SelectionKey.OP_ACCEPT);
    String base = "http://127.0.0.1:" + listener.socket().getLocalPort();
    byte[] body = LoopbackServer.TRANSFER_JSON.getBytes(StandardCharsets.UTF_8);
    this.created = concat(("HTTP/1.1 201 Created\r\nContent-Type: application/json; charset=utf-8\r\n"
        + "Location: " + base + "/transfers/74c9129b-d14a-e511-80da-0aa34a9b2388\r\n"
        + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII), body);
    this.notFound = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    this.loop = new Thread(this::run, "delayed-answer-server");
    this.loop.setDaemon(true);
  }

  /** Starts a server on a free port of {@code 127.0.0.1} that answers after {@code delay}. */
  public static DelayedAnswerServer start(Duration delay) {
    try {
      DelayedAnswerServer server = new DelayedAnswerServer(delay);
      server.loop.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the delayed-answer server", e);
    }
  }

  /** {@code http://127.0.0.1:<port>/}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + listener.socket().getLocalPort() + "/";
  }

  /** Requests read so far. */
  public long requests() {
    return requests.get();
  }

  @Override
  public void close() {
    closed = true;
    selector.wakeup();
    try {
      loop.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    PriorityQueue<Due> due = new PriorityQueue<>((a, b) -> Long.compare(a.atNanos(), b.atNanos()));
    ByteBuffer readBuffer = ByteBuffer.allocate(16 * 1024);
    try {
      while (!closed) {
        long now = System.nanoTime();
        while (!due.isEmpty() && due.peek().atNanos() - now <= 0) {
          Due next = due.poll();
          next.connection().out.add(ByteBuffer.wrap(next.answer()));
          flush(next.connection());
        }
        long waitMillis = due.isEmpty() ? 0 : Math.max(1, (due.peek().atNanos() - now + 999_999) / 1_000_000);
        selector.select(waitMillis);
        for (SelectionKey key : selector.selectedKeys()) {
          if (!key.isValid()) {
            continue;
          }
          if (key.isAcceptable()) {
            SocketChannel channel = listener.accept();
            if (channel != null) {
              channel.configureBlocking(false);
              channel.socket().setTcpNoDelay(true);
              channel.register(selector, SelectionKey.OP_READ, new Connection(channel));
            }
            continue;
          }
          Connection connection = (Connection) key.attachment();
          if (key.isReadable()) {
            read(key, connection, readBuffer, due);
          }
          if (key.isValid() && key.isWritable()) {
            flush(connection);
          }
        }
        selector.selectedKeys().clear();
      }
    } catch (IOException e) {
      // the server is going away
    } finally {
      for (SelectionKey key : selector.keys()) {
        try {
          key.channel().close();
        } catch (IOException ignored) {
          // closing anyway
        }
      }
      try {
        selector.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  private void read(SelectionKey key, Connection c, ByteBuffer buffer, PriorityQueue<Due> due) {
    int n;
    try {
      buffer.clear();
      n = c.channel.read(buffer);
    } catch (IOException e) {
      n = -1;
    }
    if (n < 0) {
      close(key, c);
      return;
    }
    buffer.flip();
    if (c.inLength + n > c.in.length) {
      c.in = java.util.Arrays.copyOf(c.in, Math.max(c.in.length * 2, c.inLength + n));
    }
    buffer.get(c.in, c.inLength, n);
    c.inLength += n;
    int start = 0;
    while (true) {
      int headEnd = LoopbackServer.indexOfHeadEnd(c.in, start, c.inLength);
      if (headEnd < 0) {
        break;
      }
      long bodyLength = LoopbackServer.contentLength(c.in, start, headEnd);
      if (c.inLength - headEnd < bodyLength) {
        break; // the body is still coming
      }
      boolean transfer = startsWith(c.in, start, POST_TRANSFERS);
      start = headEnd + (int) bodyLength;
      requests.incrementAndGet();
      due.add(new Due(System.nanoTime() + delayNanos, c, transfer ? created : notFound));
    }
    System.arraycopy(c.in, start, c.in, 0, c.inLength - start);
    c.inLength -= start;
    if (c.inLength >= LoopbackServer.MAX_HEAD * 4) {
      close(key, c); // a head that never ends: not a benchmark client
    }
  }

  private void flush(Connection c) {
    SelectionKey key = c.channel.keyFor(selector);
    try {
      while (!c.out.isEmpty()) {
        ByteBuffer next = c.out.peek();
        c.channel.write(next);
        if (next.hasRemaining()) {
          break;
        }
        c.out.poll();
      }
      if (key != null && key.isValid()) {
        key.interestOps(c.out.isEmpty() ? SelectionKey.OP_READ : SelectionKey.OP_READ | SelectionKey.OP_WRITE);
      }
    } catch (IOException e) {
      if (key != null) {
        close(key, c);
      }
    }
  }

  private static void close(SelectionKey key, Connection c) {
    key.cancel();
    try {
      c.channel.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  private static boolean startsWith(byte[] buf, int from, byte[] prefix) {
    if (buf.length - from < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (buf[from + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] all = new byte[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}

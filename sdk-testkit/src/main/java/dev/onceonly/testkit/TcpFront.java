package dev.onceonly.testkit;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The sandbox's listening socket. It accepts each client connection itself and relays its bytes,
 * both ways, to the JDK {@code HttpServer} behind it on another loopback port.
 *
 * <p>Why: the JDK server does not expose its sockets, so a handler there can close a connection
 * (a FIN) but never reset it. Owning the client's socket here lets a fault end the connection
 * either way: {@link #end(InetSocketAddress, boolean)} finds the client connection by the address
 * the {@code HttpServer} saw (this relay's own end of the inner connection) and closes it, with
 * {@code SO_LINGER 0} for a reset, which makes the kernel send an RST.
 *
 * <p>Half-closes are passed on, so a client that shuts down its output after the request still
 * gets its answer. Thread-safe; two relay threads per open connection.
 */
final class TcpFront implements Closeable {

  private static final int BACKLOG = 128;

  private final ServerSocket listener;
  private final InetSocketAddress upstream;
  private final ExecutorService executor;
  // The open connections, by the local port of their inner socket (unique while it is open).
  private final ConcurrentMap<Integer, Link> links = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private TcpFront(ServerSocket listener, InetSocketAddress upstream, ExecutorService executor) {
    this.listener = listener;
    this.upstream = upstream;
    this.executor = executor;
  }

  /**
   * Listens on {@code port} of the loopback address (0 for any free port) and relays to
   * {@code upstream}, using {@code executor} for the accept loop and the relay threads.
   */
  static TcpFront start(int port, InetSocketAddress upstream, ExecutorService executor)
      throws IOException {
    ServerSocket listener = new ServerSocket();
    try {
      listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), BACKLOG);
      TcpFront front = new TcpFront(listener, upstream, executor);
      executor.execute(front::acceptLoop);
      return front;
    } catch (IOException | RuntimeException e) {
      closeQuietly(listener);
      throw e;
    }
  }

  int port() {
    return listener.getLocalPort();
  }

  /**
   * Ends the client connection whose inner side {@code innerRemote} is, without an answer: with
   * a FIN, or with an RST if {@code reset}. Does nothing if that connection is already gone.
   */
  void end(InetSocketAddress innerRemote, boolean reset) {
    Link link = links.get(innerRemote.getPort());
    if (link != null) {
      link.end(reset);
    }
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(listener);
    for (Link link : List.copyOf(links.values())) {
      link.end(false);
    }
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        if (closed || listener.isClosed()) {
          return;
        }
        continue; // one failed accept (a client gave up early) does not stop the server
      }
      try {
        executor.execute(() -> open(client));
      } catch (RejectedExecutionException e) {
        closeQuietly(client); // shutting down
      }
    }
  }

  private void open(Socket client) {
    Socket inner = new Socket();
    try {
      client.setTcpNoDelay(true);
      inner.setTcpNoDelay(true);
      inner.connect(upstream);
    } catch (IOException e) {
      closeQuietly(client);
      closeQuietly(inner);
      return;
    }
    Link link = new Link(client, inner);
    // Registered before any byte reaches the HttpServer, so its handler always finds the link.
    links.put(link.innerPort, link);
    if (closed) {
      link.end(false);
      return;
    }
    try {
      executor.execute(() -> link.relay(inner, client));
    } catch (RejectedExecutionException e) {
      link.end(false);
      return;
    }
    link.relay(client, inner);
  }

  /** One client connection and its inner twin. */
  private final class Link {
    final Socket client;
    final Socket inner;
    final int innerPort;
    private final AtomicInteger openDirections = new AtomicInteger(2);

    Link(Socket client, Socket inner) {
      this.client = client;
      this.inner = inner;
      this.innerPort = inner.getLocalPort();
    }

    /** Copies {@code from} to {@code to} until {@code from} ends, then passes its FIN on. */
    void relay(Socket from, Socket to) {
      byte[] buffer = new byte[8192];
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        for (int n; (n = in.read(buffer)) != -1; ) {
          out.write(buffer, 0, n);
          out.flush();
        }
        to.shutdownOutput();
      } catch (IOException e) {
        end(false); // either side failed or was ended: nothing more can flow
      } finally {
        if (openDirections.decrementAndGet() == 0) {
          end(false);
        }
      }
    }

    void end(boolean reset) {
      if (reset) {
        try {
          client.setSoLinger(true, 0); // close() now discards unsent data and sends an RST
        } catch (SocketException e) {
          // already closed: the client has its end of stream already
        }
      }
      closeQuietly(client);
      closeQuietly(inner);
      links.remove(innerPort, this);
    }
  }

  private static void closeQuietly(Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException e) {
      // closing is best effort: the peer sees the connection end either way
    }
  }
}

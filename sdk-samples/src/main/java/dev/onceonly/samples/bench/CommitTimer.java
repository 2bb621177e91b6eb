package dev.onceonly.samples.bench;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A {@link DataSource} that counts and times the commits made through it: a connection's
 * {@code commit()} (how the PostgreSQL journal commits) and a statement's
 * {@code execute("COMMIT")} (how the SQLite journal's writer commits its group). The journal
 * benchmark divides them by the creates made, to say how many commits a create costs and how
 * long each takes: with {@code synchronous=FULL} or {@code synchronous_commit=on}, a commit is
 * where the fsync is. Everything else is passed through unchanged. Thread-safe.
 */
final class CommitTimer {

  private final LongAdder commits = new LongAdder();
  private final LongAdder commitNanos = new LongAdder();

  /** {@code dataSource}, its commits counted by this timer. */
  DataSource wrap(DataSource dataSource) {
    return proxy(DataSource.class, dataSource, (method, args) -> {
      Object result = invoke(dataSource, method, args);
      return method.getName().equals("getConnection") ? connection((Connection) result) : result;
    });
  }

  long commits() {
    return commits.sum();
  }

  long commitNanos() {
    return commitNanos.sum();
  }

  private Connection connection(Connection connection) {
    return proxy(Connection.class, connection, (method, args) -> {
      if (method.getName().equals("commit")) {
        return timed(() -> invoke(connection, method, args));
      }
      Object result = invoke(connection, method, args);
      return method.getName().equals("createStatement") ? statement((Statement) result) : result;
    });
  }

  private Statement statement(Statement statement) {
    return proxy(Statement.class, statement, (method, args) -> {
      if (method.getName().equals("execute") && args != null && args.length == 1
          && "COMMIT".equalsIgnoreCase(String.valueOf(args[0]).strip())) {
        return timed(() -> invoke(statement, method, args));
      }
      return invoke(statement, method, args);
    });
  }

  private @Nullable Object timed(Call call) throws Throwable {
    long start = System.nanoTime();
    try {
      return call.run();
    } finally {
      commitNanos.add(System.nanoTime() - start);
      commits.increment();
    }
  }

  @FunctionalInterface
  private interface Call {
    @Nullable Object run() throws Throwable;
  }

  @FunctionalInterface
  private interface Handler {
    @Nullable Object handle(Method method, Object @Nullable [] args) throws Throwable;
  }

  private static <T> T proxy(Class<T> type, T target, Handler handler) {
    InvocationHandler h = (self, method, args) -> handler.handle(method, args);
    return type.cast(Proxy.newProxyInstance(CommitTimer.class.getClassLoader(), new Class<?>[] {type}, h));
  }

  private static @Nullable Object invoke(Object target, Method method, Object @Nullable [] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}

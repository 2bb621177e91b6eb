package dev.onceonly.journal;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteDataSource;

/**
 * A real SQLite DataSource with one thing changed, for what a test cannot get from SQLite
 * itself: metadata that names another database product, or a disk that is slow to commit.
 */
public final class WrappedSqliteDataSource implements DataSource {

  private final SQLiteDataSource sqlite;
  private final @Nullable String product;
  private final Duration beforeCommit;

  private WrappedSqliteDataSource(SQLiteDataSource sqlite, @Nullable String product, Duration beforeCommit) {
    this.sqlite = sqlite;
    this.product = product;
    this.beforeCommit = beforeCommit;
  }

  /** SQLite whose connections' metadata says they are {@code product}. */
  static WrappedSqliteDataSource renamed(SQLiteDataSource sqlite, String product) {
    return new WrappedSqliteDataSource(sqlite, product, Duration.ZERO);
  }

  /** SQLite that waits {@code delay} before each {@code COMMIT} statement, as a slow disk would. */
  static WrappedSqliteDataSource slowCommits(SQLiteDataSource sqlite, Duration delay) {
    return new WrappedSqliteDataSource(sqlite, null, delay);
  }

  /** As pools have: the journal names a journal it cannot open by it. */
  public String getUrl() {
    return sqlite.getUrl();
  }

  @Override
  public Connection getConnection() throws SQLException {
    Connection c = sqlite.getConnection();
    InvocationHandler connection = (proxy, m, args) -> {
      Object result = invoke(m, c, args);
      if (m.getName().equals("getMetaData") && product != null) {
        DatabaseMetaData meta = (DatabaseMetaData) result;
        return proxy(DatabaseMetaData.class, (p, m2, a2) ->
            m2.getName().equals("getDatabaseProductName") ? product : invoke(m2, meta, a2));
      }
      if (m.getName().equals("createStatement") && !beforeCommit.isZero()) {
        Statement s = (Statement) result;
        return proxy(Statement.class, (p, m2, a2) -> {
          if (m2.getName().startsWith("execute") && a2 != null && "COMMIT".equals(a2[0])) {
            Thread.sleep(beforeCommit.toMillis());
          }
          return invoke(m2, s, a2);
        });
      }
      return result;
    };
    return proxy(Connection.class, connection);
  }

  private static <T> T proxy(Class<T> type, InvocationHandler handler) {
    return type.cast(Proxy.newProxyInstance(WrappedSqliteDataSource.class.getClassLoader(), new Class<?>[] {type},
        handler));
  }

  private static @Nullable Object invoke(Method m, Object target, Object @Nullable [] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  @Override
  public Connection getConnection(String username, String password) {
    throw new UnsupportedOperationException();
  }

  @Override
  public @Nullable PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {}

  @Override
  public void setLoginTimeout(int seconds) {}

  @Override
  public int getLoginTimeout() {
    return 0;
  }

  @Override
  public Logger getParentLogger() {
    return Logger.getGlobal();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    throw new SQLException("not a wrapper");
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return false;
  }
}

package dev.onceonly.journal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The one thread that writes a SQLite journal, with group commit.
 *
 * <p>Callers hand it a unit of work and wait on their own future. The thread takes every unit
 * queued at that moment, runs them in one {@code BEGIN IMMEDIATE} transaction on its dedicated
 * connection, commits once (one fsync with {@code synchronous=FULL}), and only then completes
 * the futures. While that commit runs, new units queue up and go into the next one, so sixteen
 * callers cost a few fsyncs, not sixteen, and none is answered before the commit that holds its
 * write.
 *
 * <p>If one unit of a batch fails, the transaction is rolled back (nothing of it was committed)
 * and each unit is run again alone, so that one bad write does not fail its neighbours. If the
 * batch cannot start (the file is locked past the busy timeout) or its commit fails, every unit
 * of it fails.
 */
final class SqliteWriter {

  /** A unit of work on the writer's connection, inside its transaction. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  /** Why a unit of work failed, for the caller to turn into a {@link JournalException}. */
  static final class Failure extends Exception {
    private static final long serialVersionUID = 1L;

    enum Kind {
      /** Rolled back or never started: nothing of it is in the journal. */
      NOT_WRITTEN,
      /** The commit itself failed: it may or may not be in the journal. */
      OUTCOME_UNKNOWN,
      /** The writer was closed before the unit ran: nothing of it is in the journal. */
      CLOSED
    }

    final Kind kind;

    Failure(Kind kind, @Nullable Throwable cause) {
      super(kind.name(), cause, false, false);
      this.kind = kind;
    }
  }

  /** Large enough never to split a burst from the callers' threads; small enough to bound a transaction. */
  static final int MAX_BATCH = 1024;

  private static final class Op<T> {
    final Work<T> work;
    final CompletableFuture<T> done = new CompletableFuture<>();

    Op(Work<T> work) {
      this.work = work;
    }

    @SuppressWarnings("unchecked")
    void complete(@Nullable Object result) {
      done.complete((T) result);
    }

    void fail(Failure.Kind kind, @Nullable Throwable cause) {
      done.completeExceptionally(new Failure(kind, cause));
    }
  }

  /** Queued by {@link #close}; nothing is queued after it. */
  private static final Op<Void> STOP = new Op<>(c -> null);

  private final Connection connection;
  private final LinkedBlockingQueue<Op<?>> queue = new LinkedBlockingQueue<>();
  private final Object submitLock = new Object();
  private boolean closed; // guarded by submitLock
  private final Thread thread;
  private final AtomicLong submitted = new AtomicLong();
  /** Writes queued behind and not yet done. */
  private final AtomicLong behind = new AtomicLong();
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong commits = new AtomicLong();
  private final AtomicLong writes = new AtomicLong();

  /** Starts the thread; from now on it owns {@code connection} and closes it when it stops. */
  SqliteWriter(Connection connection, String threadName) {
    this.connection = connection;
    this.thread = new Thread(this::loop, threadName);
    // A daemon: an application that forgets close() must still be able to exit. Nothing is
    // lost by it: a write is acknowledged only after its commit.
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Runs {@code work} in the writer's next transaction and returns its result once that
   * transaction is committed. Waits without giving up on interrupt (the write may be committing:
   * answering early would say "not written" of a write that may be there); the interrupt status
   * is restored before returning.
   */
  <T> T submit(Work<T> work) throws Failure {
    Op<T> op = new Op<>(work);
    synchronized (submitLock) {
      if (closed) {
        throw new Failure(Failure.Kind.CLOSED, null);
      }
      queue.add(op);
      submitted.incrementAndGet();
    }
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return op.done.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          throw (Failure) e.getCause();
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Queues {@code work} for the writer's next transaction and returns at once, without waiting
   * for its commit; {@code onFailure} hears if it is not written. For writes whose loss a crash
   * may cause without harm (see {@link JdbcOperationJournal.Builder#settleSuccessInBackground}).
   * Returns false if the writer is closed.
   */
  boolean submitBehind(Work<?> work, java.util.function.Consumer<Failure> onFailure) {
    Op<?> op = new Op<>(work);
    op.done.whenComplete((result, failure) -> {
      behind.decrementAndGet();
      if (failure != null) {
        onFailure.accept(failure instanceof Failure f ? f : new Failure(Failure.Kind.NOT_WRITTEN, failure));
      }
    });
    synchronized (submitLock) {
      if (closed) {
        return false;
      }
      behind.incrementAndGet();
      queue.add(op);
      submitted.incrementAndGet();
    }
    return true;
  }

  /** Waits until every write queued behind (by {@link #submitBehind}) so far is committed or failed. */
  void flushBehind() throws Failure {
    if (behind.get() > 0) {
      Op<Void> barrier = new Op<>(c -> null);
      synchronized (submitLock) {
        if (closed) {
          return;
        }
        queue.add(barrier);
      }
      try {
        barrier.done.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException e) {
        throw (Failure) e.getCause();
      }
    }
  }

  /**
   * Stops taking work, lets the thread finish what was queued, and waits up to {@code wait} for
   * it. Work still queued after that (the file stayed locked) fails as {@link Failure.Kind#CLOSED};
   * a batch already running is left to finish or fail on its own, and the thread closes the
   * connection after it. Never throws.
   */
  void close(Duration wait) {
    synchronized (submitLock) {
      if (closed) {
        return;
      }
      closed = true;
      queue.add(STOP);
    }
    try {
      thread.join(Math.max(1, wait.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      List<Op<?>> abandoned = new ArrayList<>();
      queue.drainTo(abandoned);
      boolean stopWasQueued = abandoned.remove(STOP);
      for (Op<?> op : abandoned) {
        op.fail(Failure.Kind.CLOSED, null);
      }
      if (stopWasQueued) {
        queue.add(STOP);
      }
    }
  }

  /** Units of work accepted so far. */
  long submitted() {
    return submitted.get();
  }

  /** Units of work queued and not yet taken into a transaction. */
  int queued() {
    return queue.size();
  }

  /** Batches taken from the queue so far (each is then run, in one transaction or, after a failure, one per unit). */
  long batches() {
    return batches.get();
  }

  /** Transactions committed so far. */
  long commits() {
    return commits.get();
  }

  /** Units of work acknowledged as committed so far. */
  long writes() {
    return writes.get();
  }

  private void loop() {
    List<Op<?>> batch = new ArrayList<>();
    try {
      while (true) {
        Op<?> first;
        try {
          first = queue.take();
        } catch (InterruptedException e) {
          continue; // no one but a stray caller interrupts this thread; it stops on STOP only
        }
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        boolean stop = batch.remove(STOP);
        batches.incrementAndGet();
        if (!batch.isEmpty()) {
          execute(batch);
        }
        batch.clear();
        if (stop) {
          return;
        }
      }
    } finally {
      try {
        connection.close();
      } catch (SQLException | RuntimeException ignored) {
        // Nothing to tell anyone: every acknowledged write was committed before this.
      }
    }
  }

  private void execute(List<Op<?>> batch) {
    try {
      if (!transact(batch) && batch.size() > 1) {
        for (Op<?> op : batch) {
          transact(List.of(op));
        }
      }
    } catch (Throwable t) { // an Error: the callers must not wait forever on it
      rollbackQuietly();
      for (Op<?> op : batch) {
        op.fail(Failure.Kind.OUTCOME_UNKNOWN, t);
      }
    }
  }

  /**
   * Runs {@code ops} in one transaction and completes their futures, except when one of several
   * units failed: then the transaction is rolled back, no future is completed, and this returns
   * false so that each is run alone.
   */
  private boolean transact(List<Op<?>> ops) {
    try {
      exec("BEGIN IMMEDIATE");
    } catch (SQLException | RuntimeException e) {
      for (Op<?> op : ops) {
        op.fail(Failure.Kind.NOT_WRITTEN, e);
      }
      return true;
    }
    Object[] results = new Object[ops.size()];
    for (int i = 0; i < ops.size(); i++) {
      try {
        results[i] = ops.get(i).work.run(connection);
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly();
        if (ops.size() == 1) {
          ops.get(0).fail(Failure.Kind.NOT_WRITTEN, e);
          return true;
        }
        return false;
      }
    }
    try {
      exec("COMMIT");
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly();
      for (Op<?> op : ops) {
        op.fail(Failure.Kind.OUTCOME_UNKNOWN, e);
      }
      return true;
    }
    commits.incrementAndGet();
    writes.addAndGet(ops.size());
    for (int i = 0; i < ops.size(); i++) {
      ops.get(i).complete(results[i]);
    }
    return true;
  }

  private void exec(String sql) throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute(sql);
    }
  }

  /** Ends the transaction if SQLite has not already (some errors roll it back themselves). */
  private void rollbackQuietly() {
    try {
      exec("ROLLBACK");
    } catch (SQLException | RuntimeException ignored) {
      // "no transaction is active": SQLite rolled it back already.
    }
  }
}

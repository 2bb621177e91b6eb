package dev.onceonly.samples.bench;

import dev.onceonly.journal.JournalEntry;
import dev.onceonly.journal.JournalState;
import dev.onceonly.journal.OperationJournal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A journal whose {@link #settle} returns at once and is carried out behind the caller, on a few
 * threads of its own: what the SDK could do if a create did not wait for its settle to be
 * committed. That is safe for exactly-once (a settle lost in a crash leaves the entry pending,
 * and the next resume sends the same key and bytes, which the server answers with the stored
 * response), and it takes one of the two commits a create waits for off its path. Benchmark
 * only: it exists to measure that proposal, not to be used. Thread-safe.
 */
final class SettleBehind implements OperationJournal {

  private final OperationJournal journal;
  private final ExecutorService settlers;

  SettleBehind(OperationJournal journal, int threads) {
    this.journal = journal;
    AtomicInteger count = new AtomicInteger();
    this.settlers = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "settle-behind-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public String describe() {
    return journal.describe() + ", settled behind the caller";
  }

  @Override
  public JournalEntry begin(JournalEntry entry) {
    return journal.begin(entry);
  }

  @Override
  public void settle(String idempotencyKey, JournalState state, int statusCode, byte[] response) {
    settlers.execute(() -> journal.settle(idempotencyKey, state, statusCode, response));
  }

  @Override
  public Optional<JournalEntry> find(String idempotencyKey) {
    return journal.find(idempotencyKey);
  }

  @Override
  public Optional<JournalEntry> findByReference(String reference) {
    return journal.findByReference(reference);
  }

  @Override
  public List<JournalEntry> pending() {
    return journal.pending();
  }

  @Override
  public List<JournalEntry> claim(String owner, Instant now, Duration lease, int max) {
    return journal.claim(owner, now, lease, max);
  }

  @Override
  public void release(String idempotencyKey, String owner) {
    journal.release(idempotencyKey, owner);
  }

  @Override
  public int purgeSettled(Instant cutoff) {
    return journal.purgeSettled(cutoff);
  }

  /** Waits for the settles handed over so far, then closes the journal it wraps. */
  @Override
  public void close() {
    settlers.shutdown();
    try {
      settlers.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    journal.close();
  }
}

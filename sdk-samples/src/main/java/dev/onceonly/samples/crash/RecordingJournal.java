package dev.onceonly.samples.crash;

import dev.onceonly.journal.JournalEntry;
import dev.onceonly.journal.JournalState;
import dev.onceonly.journal.OperationJournal;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * An {@link OperationJournal} that writes down, with the time, every claim it grants and every
 * settle and release it is asked for, then does what the journal it wraps does. The crash tests
 * give it to the application so that they can check, from several processes' logs, that no
 * operation was resumed by two instances at once.
 *
 * <p>One line per event, {@code MICROS EVENT KEY DETAIL}, where {@code MICROS} is the wall clock
 * in microseconds since the epoch (processes on one machine share it):
 * <ul>
 *   <li>{@code begin KEY REFERENCE}: written before the wrapped journal is asked to write the
 *       operation ahead (a create's first step, and a resume's);
 *   <li>{@code claim - OWNER}: written before the wrapped journal is asked for a claim, so every
 *       owner that may hold a lease is in the log before it holds one;
 *   <li>{@code claimed KEY OWNER LEASE_MILLIS REFERENCE} ({@code -} for no reference): written
 *       after the wrapped journal granted the claim, so the lease began before this time;
 *   <li>{@code settle KEY STATE} and {@code release KEY OWNER}: written before the wrapped
 *       journal is asked, so the work on the key ended after this time;
 *   <li>{@code resumed - -}: written by the application ({@link #resumed()}) after
 *       {@code resumePending()} returned, so every claim of that run had been worked by then.
 *       (A claimed operation that another process settled in the meantime is not settled again,
 *       so its claim ends without a line of its own.)
 * </ul>
 * An interval from {@code claimed} to the next {@code settle}, {@code release} or
 * {@code resumed} of a key in one log therefore lies inside the time the instance worked on the
 * key under its claim: two such intervals for one key in two logs that overlap are two
 * instances resuming it at once, for certain. Each line is
 * handed to the operating system before the journal call goes on, so a {@code kill -9} loses at
 * most a line being written. Thread-safe.
 */
final class RecordingJournal implements OperationJournal {

  private final OperationJournal journal;
  private final FileOutputStream log;

  RecordingJournal(OperationJournal journal, Path logFile) {
    this.journal = journal;
    try {
      this.log = new FileOutputStream(logFile.toFile(), true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open " + logFile, e);
    }
  }

  private synchronized void note(String event, String key, String detail) {
    Instant now = Instant.now();
    long micros = ChronoUnit.MICROS.between(Instant.EPOCH, now);
    try {
      log.write((micros + " " + event + " " + key + " " + detail + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the journal's event log", e);
    }
  }

  /** Notes that a {@code resumePending()} run has returned. */
  void resumed() {
    note("resumed", "-", "-");
  }

  @Override
  public boolean durable() {
    return journal.durable();
  }

  @Override
  public String describe() {
    return journal.describe();
  }

  @Override
  public JournalEntry begin(JournalEntry entry) {
    String reference = entry.reference();
    note("begin", entry.idempotencyKey(), reference == null ? "-" : reference);
    return journal.begin(entry);
  }

  @Override
  public void settle(String idempotencyKey, JournalState state, int statusCode, byte[] response) {
    note("settle", idempotencyKey, state.name());
    journal.settle(idempotencyKey, state, statusCode, response);
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
    note("claim", "-", owner);
    List<JournalEntry> claimed = journal.claim(owner, now, lease, max);
    for (JournalEntry entry : claimed) {
      String reference = entry.reference();
      note("claimed", entry.idempotencyKey(),
          owner + " " + lease.toMillis() + " " + (reference == null ? "-" : reference));
    }
    return claimed;
  }

  @Override
  public void release(String idempotencyKey, String owner) {
    note("release", idempotencyKey, owner);
    journal.release(idempotencyKey, owner);
  }

  @Override
  public int purgeSettled(Instant cutoff) {
    return journal.purgeSettled(cutoff);
  }

  @Override
  public void close() {
    try {
      log.close();
    } catch (IOException ignored) {
      // every line was written already
    }
    journal.close();
  }
}

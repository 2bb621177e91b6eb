package dev.onceonly.internal;

import dev.onceonly.journal.JournalEntry;
import dev.onceonly.journal.JournalException;
import dev.onceonly.journal.JournalState;
import dev.onceonly.journal.OperationJournal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An in-memory journal that says it is durable (so the engine writes it ahead, as it would a
 * database), and that can be told to fail its writes. For tests of the engine's use of a journal;
 * the real databases are tested in {@code dev.onceonly.journal}.
 */
final class TestJournal implements OperationJournal {

  final OperationJournal memory = OperationJournal.inMemory();
  volatile boolean failBegin;
  volatile boolean failSettle;
  int begins;
  int settles;

  @Override
  public String describe() {
    return "test journal";
  }

  @Override
  public synchronized JournalEntry begin(JournalEntry entry) {
    begins++;
    if (failBegin) {
      throw new JournalException("test journal: disk full", describe(), null, null);
    }
    return memory.begin(entry);
  }

  @Override
  public synchronized JournalEntry begin(JournalEntry entry, @org.jspecify.annotations.Nullable String owner,
      @org.jspecify.annotations.Nullable Instant leaseUntil) {
    begins++;
    if (failBegin) {
      throw new JournalException("test journal: disk full", describe(), null, null);
    }
    return memory.begin(entry, owner, leaseUntil);
  }

  @Override
  public synchronized void settle(String key, JournalState state, int statusCode, byte[] response) {
    settles++;
    if (failSettle) {
      throw new JournalException("test journal: connection lost", describe(), key, null);
    }
    memory.settle(key, state, statusCode, response);
  }

  @Override
  public Optional<JournalEntry> find(String key) {
    return memory.find(key);
  }

  @Override
  public Optional<JournalEntry> findByReference(String reference) {
    return memory.findByReference(reference);
  }

  @Override
  public List<JournalEntry> pending() {
    return memory.pending();
  }

  @Override
  public List<JournalEntry> claim(String owner, Instant now, Duration lease, int max) {
    return memory.claim(owner, now, lease, max);
  }

  @Override
  public void release(String key, String owner) {
    memory.release(key, owner);
  }

  @Override
  public int purgeSettled(Instant cutoff) {
    return memory.purgeSettled(cutoff);
  }

  @Override
  public void close() {}
}

package dev.onceonly.journal;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Where a client writes each idempotent operation ahead of its first attempt, and settles it
 * when a final answer arrives. After a crash, a client on the same journal lists the operations
 * still pending and resumes them with the same key and the same bytes.
 *
 * <p>The contract every implementation keeps:
 * <ul>
 *   <li>{@link #begin} is durable when it returns: if the process dies a moment later, a new
 *       process sees the entry. The client sends nothing for an operation whose entry was not
 *       written.
 *   <li>An entry is settled at most once, by {@link #settle}; settling an entry that is not
 *       pending changes nothing.
 *   <li>{@link #claim} hands a pending entry to one owner at a time, until its lease ends or the
 *       owner {@linkplain #release releases} it: two processes sharing a journal never resume
 *       the same operation at once, and an owner that dies leaves its entries to another after
 *       the lease.
 *   <li>Every failure is a {@link JournalException} naming the journal, never a raw
 *       {@code SQLException} or {@code IOException}.
 * </ul>
 * Implementations are thread-safe. Instants come from the caller's clock, so that tests and
 * simulations control time.
 */
public interface OperationJournal extends AutoCloseable {

  /**
   * A journal in this process's memory: what a client uses when given none. It survives nothing,
   * not even a restart. It is not {@linkplain #durable() durable}, so a client writes to it only
   * when an operation ends without an answer: it then remembers when each such key was first
   * sent (a resume in this process is never sent past its window) and what to resume. Bounded:
   * 100,000 pending and 10,000 settled entries at most, the oldest dropped first.
   */
  static OperationJournal inMemory() {
    return new InMemoryOperationJournal();
  }

  /**
   * Whether the journal survives the process. A durable journal is written ahead of every
   * operation's first request and settled at its end. One that is not (the in-memory journal) is
   * written only when an operation ends without an answer, and then holds what a caller may
   * resume in this process: writing it ahead would protect nothing, as it dies with the process.
   */
  default boolean durable() {
    return true;
  }

  /** A short, secret-free description of where the journal lives, for messages and logs. */
  String describe();

  /**
   * Writes {@code entry} (which must be {@link JournalState#PENDING}) ahead of the first attempt,
   * durably. If the journal already holds an entry for the key (the same operation resumed),
   * nothing is written and the entry already held is returned, so the earlier
   * {@code firstSentAt} wins.
   *
   * @return the entry the journal now holds for the key
   * @throws JournalException if it could not be written; the client then sends nothing
   */
  JournalEntry begin(JournalEntry entry);

  /**
   * As {@link #begin(JournalEntry)}, with the new entry leased to {@code owner} until
   * {@code leaseUntil}: the client writing an operation ahead holds it while it runs, so that
   * another instance's {@link #claim} does not resume it at the same time. An entry already held
   * keeps its lease. The writer {@linkplain #release releases} it when the operation ends
   * without settling. The default ignores the lease (a journal that one process uses alone).
   */
  default JournalEntry begin(JournalEntry entry, @Nullable String owner, @Nullable Instant leaseUntil) {
    return begin(entry);
  }

  /**
   * Settles the pending entry for {@code idempotencyKey} as {@code state}
   * ({@link JournalState#SUCCEEDED}, {@link JournalState#FAILED} or {@link JournalState#EXPIRED})
   * with the final answer, and drops any lease on it. Does nothing if there is no such pending
   * entry.
   *
   * @param statusCode the final answer's status (0 for {@code EXPIRED})
   * @param response the final answer's body (empty for {@code EXPIRED})
   * @throws JournalException if it could not be written
   */
  void settle(String idempotencyKey, JournalState state, int statusCode, byte[] response);

  /** The entry for {@code idempotencyKey}, in whatever state. */
  Optional<JournalEntry> find(String idempotencyKey);

  /**
   * The newest entry the caller gave {@code reference} to, in whatever state: how an application
   * finds out, after a crash, what became of its own job or invoice without having stored the key.
   */
  Optional<JournalEntry> findByReference(String reference);

  /** Every pending entry, oldest {@code firstSentAt} first, leased or not. */
  List<JournalEntry> pending();

  /**
   * Claims up to {@code max} pending entries for {@code owner} until {@code now + lease}: those
   * no one holds, and those whose lease has ended. Oldest first.
   *
   * @throws IllegalArgumentException if {@code max < 1} or {@code lease} is not positive
   */
  List<JournalEntry> claim(String owner, Instant now, Duration lease, int max);

  /** Gives up {@code owner}'s lease on {@code idempotencyKey}, if it holds one. */
  void release(String idempotencyKey, String owner);

  /**
   * Deletes settled entries whose key expired before {@code cutoff}: past its window a key can
   * no longer be resumed, so its entry only takes room.
   *
   * @return how many were deleted
   */
  int purgeSettled(Instant cutoff);

  /** Releases the journal's own resources (not a {@code DataSource} the caller owns). Never throws. */
  @Override
  void close();
}

package dev.onceonly;

import java.util.List;
import java.util.Optional;

/**
 * The client's operation journal, as an application sees it: what is still pending after a
 * crash, and the way to settle it. Get it from {@link PaymentsClient#operations()}.
 *
 * <p>Run {@link #resumePending()} when the application starts (before it redoes any unfinished
 * work of its own) and then on a schedule (every few minutes): each pending operation is sent
 * again with its original key and its original body bytes while its key is inside its window,
 * and settled through the same engine (a replay, {@code GET /responses/{key}}, {@code 409}
 * polling). Past the window it is never re-sent; it is reported
 * {@link ResumeStatus#EXPIRED} for reconciliation. With a journal shared by several instances
 * (PostgreSQL), each operation is resumed by one instance at a time.
 *
 * <p>Thread-safe. With the default in-memory journal, only this process's operations are known.
 */
public interface Operations {

  /** Every operation written ahead and not yet settled, oldest first. */
  List<PendingOperation> pending();

  /**
   * Resumes every pending operation this instance can claim, one after another, and reports what
   * each came to. Operations still unknown stay pending for the next run. Never throws for one
   * operation's failure; a journal that cannot be read throws
   * {@link dev.onceonly.journal.JournalException}.
   */
  ResumeReport resumePending();

  /**
   * What became of the operation the caller gave {@code reference} to
   * ({@code RequestOptions.Builder.reference}), as far as the journal knows: settled (with the
   * transfer, for a transfer create), pending ({@link ResumeStatus#STILL_UNKNOWN}), or
   * {@linkplain Optional#empty() nothing}, which means it was never written ahead, so nothing of
   * it was sent.
   */
  Optional<ResumedOperation> find(String reference);
}

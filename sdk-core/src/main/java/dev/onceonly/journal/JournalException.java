package dev.onceonly.journal;

import dev.onceonly.PaymentsException;
import org.jspecify.annotations.Nullable;

/**
 * The operation journal could not be read or written: a corrupt or locked file, a full disk, a
 * database that is down or lost its connection, a schema written by a newer version of this SDK.
 *
 * <p>When it happens before an operation's first attempt, nothing was sent. The message names
 * the journal ({@link #journal()}) and never holds a request body or a credential.
 */
public class JournalException extends PaymentsException {

  private final String journal;

  public JournalException(String message, String journal, @Nullable String idempotencyKey, @Nullable Throwable cause) {
    super(message, idempotencyKey, cause);
    this.journal = journal;
  }

  /** Where the journal lives, as {@link OperationJournal#describe()} says it. */
  public String journal() {
    return journal;
  }
}

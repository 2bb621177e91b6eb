package dev.onceonly.samples.crash;

import dev.onceonly.journal.JdbcOperationJournal;
import dev.onceonly.journal.JournalEntry;
import dev.onceonly.journal.JournalState;
import dev.onceonly.journal.OperationJournal;
import dev.onceonly.testkit.SandboxTransfer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What an application's life with crashes came to, judged from the server's records (the
 * sandbox's transfers, by {@code metadata.operation_id}), the application's done file and, when
 * it had one, its durable journal.
 *
 * <ul>
 *   <li><b>duplicates</b>: transfers on the server beyond the first of each operation;
 *   <li><b>lost</b>: operations the server has no transfer for (and that the server did not
 *       refuse), and operations whose transfer the application does not know: its done file
 *       lacks the operation, or names a transfer the server does not hold for it;
 *   <li><b>refused</b>: operations the server refused, as the done file records them;
 *   <li><b>pending left</b> and <b>expired</b>: entries of the journal still pending at the end
 *       (none should be), and operations whose newest entry expired unsettled (to reconcile);
 *       {@code -1} without a durable journal.
 * </ul>
 *
 * @param operations the business operations
 * @param transfersOnServer every transfer on the server
 * @param duplicates see above
 * @param lost see above
 * @param refused see above
 * @param pendingLeft see above
 * @param expired see above
 * @param examples a few operations that went wrong, with what went wrong
 */
record CrashVerdict(
    int operations,
    int transfersOnServer,
    int duplicates,
    int lost,
    int refused,
    int pendingLeft,
    int expired,
    List<String> examples) {

  private static final int MAX_EXAMPLES = 5;

  CrashVerdict {
    examples = List.copyOf(examples);
  }

  /** Nothing made twice, nothing lost, nothing left pending. */
  boolean exactlyOnce() {
    return duplicates == 0 && lost == 0 && pendingLeft <= 0;
  }

  /**
   * Judges the operations {@code operations} after the application's last run.
   *
   * @param onServer every transfer the server holds
   * @param doneFile the application's done file
   * @param journalUrl its journal's JDBC URL, or {@code null} if it had none that survives
   */
  static CrashVerdict judge(List<String> operations, List<SandboxTransfer> onServer, Path doneFile,
      @Nullable String journalUrl) {
    Map<String, List<String>> idsByOperation = new HashMap<>();
    for (SandboxTransfer transfer : onServer) {
      idsByOperation.computeIfAbsent(transfer.operationId().orElse("(none)"), k -> new ArrayList<>())
          .add(transfer.id());
    }
    int duplicates = 0;
    for (List<String> ids : idsByOperation.values()) {
      duplicates += ids.size() - 1;
    }
    Map<String, String> done = DoneFile.read(doneFile);
    List<String> examples = new ArrayList<>();
    int lost = 0;
    int refused = 0;
    for (String op : operations) {
      List<String> ids = idsByOperation.getOrDefault(op, List.of());
      String recorded = done.get(op);
      if (ids.size() > 1) {
        note(examples, op + " made " + ids.size() + " times");
      }
      if (recorded != null && recorded.startsWith(DoneFile.FAILED)) {
        refused++;
        if (!ids.isEmpty()) {
          lost++;
          note(examples, op + " recorded as refused (" + recorded + "), yet made");
        }
      } else if (ids.isEmpty()) {
        lost++;
        note(examples, op + " not made" + (recorded == null ? "" : ", yet recorded as done with " + recorded));
      } else if (recorded == null) {
        lost++;
        note(examples, op + " made (" + ids.get(0) + ") but not known to the application");
      } else if (!ids.contains(recorded)) {
        lost++;
        note(examples, op + " recorded as " + recorded + ", which the server does not hold for it");
      }
    }
    int pendingLeft = -1;
    int expired = -1;
    if (journalUrl != null) {
      try (OperationJournal journal = JdbcOperationJournal.create(CrashWorkloadApp.dataSource(journalUrl))) {
        List<JournalEntry> pending = journal.pending();
        pendingLeft = 0;
        for (JournalEntry entry : pending) {
          if (entry.reference() != null && operations.contains(entry.reference())) {
            pendingLeft++;
            note(examples, entry.reference() + " still pending in the journal (" + entry.idempotencyKey() + ")");
          }
        }
        expired = 0;
        for (String op : operations) {
          Optional<JournalEntry> newest = journal.findByReference(op);
          if (newest.isPresent() && newest.get().state() == JournalState.EXPIRED) {
            expired++;
          }
        }
      }
    }
    return new CrashVerdict(operations.size(), onServer.size(), duplicates, lost, refused, pendingLeft, expired,
        examples);
  }

  private static void note(List<String> examples, String what) {
    if (examples.size() < MAX_EXAMPLES) {
      examples.add(what);
    }
  }
}

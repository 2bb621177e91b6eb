package dev.onceonly.internal;

import dev.onceonly.ApiException;
import dev.onceonly.IdempotencyKeyExpiredException;
import dev.onceonly.Operations;
import dev.onceonly.PaymentsException;
import dev.onceonly.PendingOperation;
import dev.onceonly.ResumeReport;
import dev.onceonly.ResumeStatus;
import dev.onceonly.ResumedOperation;
import dev.onceonly.http.HttpRequest;
import dev.onceonly.http.HttpResponse;
import dev.onceonly.journal.JournalEntry;
import dev.onceonly.journal.JournalException;
import dev.onceonly.journal.JournalState;
import dev.onceonly.journal.OperationJournal;
import dev.onceonly.transfers.Transfer;
import dev.onceonly.transfers.TransferCreateParams;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * {@link Operations} over the client's journal and engine. Resuming claims pending entries in
 * batches under a lease (so that two instances sharing a journal never resume one operation at
 * once), re-sends each with its journaled key, headers and exact body bytes through the same
 * engine, and lets the journaling decider settle it. Entries that stay unknown keep their lease
 * until the run ends, so that one run takes each entry at most once. Thread-safe.
 */
final class DefaultOperations implements Operations {

  private static final System.Logger LOG = System.getLogger("dev.onceonly.journal");
  /** One at a time: each claim's lease then covers one resume, however long the ones before took. */
  private static final int BATCH = 1;

  private final RetryEngine engine;
  private final OperationJournal journal;
  /** Who holds a lease: one name per client instance, the engine's. */
  private final String owner;

  DefaultOperations(RetryEngine engine) {
    this.engine = engine;
    this.journal = engine.journal();
    this.owner = engine.owner();
  }

  /**
   * How long a claim holds: the client's setting, else longer than any resume of one operation
   * can take (its deadline, one attempt cut at it, and 30 s to spare).
   */
  private Duration lease() {
    Duration set = engine.resumeLease();
    return set != null ? set
        : engine.policy().maxElapsed().plus(engine.policy().attemptTimeout()).plusSeconds(30);
  }

  @Override
  public List<PendingOperation> pending() {
    return journal.pending().stream()
        .map(e -> new PendingOperation(e.idempotencyKey(), e.method(), e.url(), e.firstSentAt(), e.keyExpiresAt(),
            e.reference()))
        .toList();
  }

  @Override
  public ResumeReport resumePending() {
    List<ResumedOperation> report = new ArrayList<>();
    Set<String> taken = new HashSet<>();
    List<String> keptLeases = new ArrayList<>();
    try {
      while (true) {
        List<JournalEntry> claimed = journal.claim(owner, engine.clock().instant(), lease(), BATCH);
        List<JournalEntry> fresh = claimed.stream().filter(e -> taken.add(e.idempotencyKey())).toList();
        if (fresh.isEmpty()) {
          break;
        }
        for (JournalEntry entry : fresh) {
          ResumedOperation resumed = resume(entry);
          report.add(resumed);
          if (resumed.status() == ResumeStatus.STILL_UNKNOWN) {
            keptLeases.add(entry.idempotencyKey()); // not again in this run
          }
        }
      }
    } finally {
      for (String key : keptLeases) {
        try {
          journal.release(key, owner);
        } catch (RuntimeException e) {
          // the lease ends by itself
        }
      }
    }
    return new ResumeReport(report);
  }

  @Override
  public Optional<ResumedOperation> find(String reference) {
    Objects.requireNonNull(reference, "reference");
    return journal.findByReference(reference).map(this::asIs);
  }

  /** What the journal says of {@code entry}, without sending anything. */
  private ResumedOperation asIs(JournalEntry entry) {
    return switch (entry.state()) {
      case PENDING -> new ResumedOperation(entry.idempotencyKey(), ResumeStatus.STILL_UNKNOWN, entry.reference(), null,
          null, 0);
      case SUCCEEDED -> new ResumedOperation(entry.idempotencyKey(), ResumeStatus.SUCCEEDED, entry.reference(),
          transferOf(entry), null, entry.statusCode());
      case FAILED -> new ResumedOperation(entry.idempotencyKey(), ResumeStatus.FAILED, entry.reference(), null, null,
          entry.statusCode());
      case EXPIRED -> new ResumedOperation(entry.idempotencyKey(), ResumeStatus.EXPIRED, entry.reference(), null, null, 0);
    };
  }

  private @Nullable Transfer transferOf(JournalEntry entry) {
    if (!DefaultTransferService.CREATE.equals(entry.operation()) || entry.response() == null) {
      return null;
    }
    try {
      return TransferJson.decodeTransfer(entry.response());
    } catch (TransferJson.JsonProblem e) {
      return null;
    }
  }

  /** Re-sends one pending operation with its key and bytes, or expires it; never throws. */
  private ResumedOperation resume(JournalEntry entry) {
    String key = entry.idempotencyKey();
    Instant now = engine.clock().instant();
    if (!now.isBefore(entry.keyExpiresAt().minus(engine.policy().keyExpiryMargin()))) {
      // Past its window the server would take the key as new: never re-sent.
      try {
        journal.settle(key, JournalState.EXPIRED, 0, HttpResponse.emptyBody());
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "{0} could not mark Idempotency-Key {1} expired: {2}",
            journal.describe(), key, e.getMessage());
      }
      return new ResumedOperation(key, ResumeStatus.EXPIRED, entry.reference(), null, null, 0);
    }
    HttpRequest post = new HttpRequest(entry.method(), entry.url(), entry.headers(), entry.body());
    try {
      if (DefaultTransferService.CREATE.equals(entry.operation())) {
        TransferCreateParams params = TransferJson.decodeCreateRequest(entry.body());
        AnswerReader<Transfer> reader = params != null ? TransferAnswers.forCreate(params, engine.redactor())
            : TransferAnswers.forAnyTransfer(engine.redactor());
        Decider.Step.Done<Transfer> done = engine.executeIdempotent(post, key, entry.operation(), engine.policy(),
            entry.firstSentAt(), true, entry.reference(), reader);
        return new ResumedOperation(key, ResumeStatus.SUCCEEDED, entry.reference(), done.value(), done.journalError(),
            done.response().statusCode());
      }
      Decider.Step.Done<HttpResponse> done = engine.executeIdempotent(post, key, entry.operation(), engine.policy(),
          entry.firstSentAt(), true, entry.reference(), AnswerReader.Answer::matches);
      return new ResumedOperation(key, ResumeStatus.SUCCEEDED, entry.reference(), null, done.journalError(),
          done.response().statusCode());
    } catch (IdempotencyKeyExpiredException e) {
      return new ResumedOperation(key, ResumeStatus.EXPIRED, entry.reference(), null, e, 0);
    } catch (ApiException e) {
      return new ResumedOperation(key, ResumeStatus.FAILED, entry.reference(), null, e, e.statusCode());
    } catch (JournalException e) {
      return new ResumedOperation(key, ResumeStatus.STILL_UNKNOWN, entry.reference(), null, e, 0);
    } catch (PaymentsException e) {
      return new ResumedOperation(key, ResumeStatus.STILL_UNKNOWN, entry.reference(), null, e, 0);
    } catch (RuntimeException e) {
      return new ResumedOperation(key, ResumeStatus.STILL_UNKNOWN, entry.reference(), null,
          new PaymentsException("resuming Idempotency-Key " + key + " failed unexpectedly (" + e.getClass().getName()
              + ")", key, e), 0);
    }
  }

  /** For tests: who this instance claims as. */
  String owner() {
    return owner;
  }
}

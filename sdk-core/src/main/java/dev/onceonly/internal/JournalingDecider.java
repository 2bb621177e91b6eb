package dev.onceonly.internal;

import dev.onceonly.ApiException;
import dev.onceonly.IdempotencyKeyExpiredException;
import dev.onceonly.IdempotencyKeyReusedException;
import dev.onceonly.PaymentsException;
import dev.onceonly.ReplayStatus;
import dev.onceonly.RequestNotSentException;
import dev.onceonly.StopReason;
import dev.onceonly.http.HttpRequest;
import dev.onceonly.http.HttpResponse;
import dev.onceonly.journal.JournalEntry;
import dev.onceonly.journal.JournalException;
import dev.onceonly.journal.JournalState;
import dev.onceonly.journal.OperationJournal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Writes an idempotent operation to the journal before its first request, and settles it when
 * the operation ends with the server's final answer. A decorator over the decision core, so that
 * every driver (blocking or asynchronous) journals the same way.
 *
 * <ul>
 *   <li>Before anything is sent: {@link OperationJournal#begin}. If the journal cannot be written,
 *       the operation fails with {@link JournalException} and nothing is sent. If it already holds
 *       the key (the same operation again, or a resume), its first-sent time wins, the operation
 *       counts as possibly sent before, and an answer it holds is returned without a request.
 *   <li>A success: settled {@link JournalState#SUCCEEDED} with the answer. The server's refusal:
 *       {@link JournalState#FAILED}. Nothing sent, for an entry this call wrote: {@code FAILED} too
 *       (nothing exists). A key past its window: {@link JournalState#EXPIRED}. An unknown outcome,
 *       a closed client, an interrupt, a crash: left {@link JournalState#PENDING} for a resume.
 *   <li>Settling never changes the outcome: if the journal fails then, the operation's answer
 *       still goes to the caller, the problem is logged and reported with it
 *       ({@link #journalProblem()}), and the entry stays pending until a resume settles it.
 * </ul>
 */
final class JournalingDecider<T> implements Decider<T> {

  private static final System.Logger LOG = System.getLogger("dev.onceonly.journal");

  private final OperationJournal journal;
  private final String key;
  private final Instant proposedFirst;
  private final HttpRequest post;
  private final String operation;
  private final @Nullable String reference;
  private final Duration keyWindow;
  private final String owner;
  private final Duration leaseFor;
  private @Nullable JournalEntry held;
  private boolean lazy;
  private final boolean keyUsedBefore;
  private final boolean keyMinted;
  private final IdempotentDecider<T> inner;
  private final AnswerReader<T> reader;
  private boolean ours;
  private boolean settledOrLeft;
  private @Nullable PaymentsException journalProblem;

  /**
   * @param inner the decision core; its first-sent time is set here before it starts
   * @param post the request, as journaled (its body the exact bytes sent)
   * @param operation what it is, such as {@code transfers.create}
   * @param proposedFirst when the key was first sent, as far as the caller knows (now, for a new one)
   * @param keyUsedBefore whether the caller says the key was sent before (it gave {@code keyFirstUsedAt})
   * @param keyMinted whether the SDK minted the key for this call (then no one else can hold it)
   */
  JournalingDecider(OperationJournal journal, IdempotentDecider<T> inner, String key, HttpRequest post, String operation,
      @Nullable String reference, Duration keyWindow, Instant proposedFirst, boolean keyUsedBefore, boolean keyMinted,
      AnswerReader<T> reader, String owner, Duration leaseFor) {
    this.owner = owner;
    this.leaseFor = leaseFor;
    this.journal = journal;
    this.inner = inner;
    this.key = key;
    this.post = post;
    this.operation = operation;
    this.reference = reference;
    this.keyWindow = keyWindow;
    this.proposedFirst = proposedFirst;
    this.keyUsedBefore = keyUsedBefore;
    this.keyMinted = keyMinted;
    this.reader = reader;
  }

  /** The entry to write, for a given first-sent time: made only when it is written. */
  private JournalEntry entry(Instant firstSent) {
    return entry(key, post, operation, reference, firstSent, keyWindow);
  }

  /** A pending entry for {@code post}. */
  static JournalEntry entry(String key, HttpRequest post, String operation, @Nullable String reference,
      Instant firstSent, Duration keyWindow) {
    return JournalEntry.pending(key, operation, post.method(), post.url(), post.headers(),
        post.body() == null ? HttpResponse.emptyBody() : post.body(), firstSent, firstSent.plus(keyWindow), reference);
  }

  /**
   * Whether an operation that ended with {@code e} is still open: it may exist, and no final
   * answer settled it (an unknown outcome, a closed client, an interrupt), as opposed to the
   * server's refusal, nothing sent, or a key too old to send.
   */
  static boolean leavesOpen(PaymentsException e) {
    return !(e instanceof ApiException) && !(e instanceof RequestNotSentException)
        && !(e instanceof IdempotencyKeyExpiredException) && !(e instanceof JournalException);
  }

  /** Writes an open operation to a journal that is not durable; its failure loses only that memory. */
  static void rememberOpen(OperationJournal journal, JournalEntry entry) {
    try {
      journal.begin(entry);
    } catch (RuntimeException ignored) {
      // an in-memory journal that fails loses only this process's memory of the key
    }
  }

  /** Why the entry could not be settled after the operation ended, if it could not. */
  @Nullable PaymentsException journalProblem() {
    return journalProblem;
  }

  /** When the key was first sent, once {@link #start} has run. */
  Instant firstSentAt() {
    return inner.firstSentAt();
  }

  @Override
  public Step<T> start(Instant now) {
    if (journal.durable()) {
      JournalEntry intended = entry(proposedFirst);
      try {
        // Leased to this client while it runs, so that another instance's resume leaves it be;
        // if this process dies, the lease ends soon after the operation's deadline.
        held = journal.begin(intended, owner, now.plus(leaseFor));
      } catch (JournalException e) {
        return new Step.Fail<>(withKey(e, "could not write the operation ahead"), null, false);
      } catch (RuntimeException e) {
        return new Step.Fail<>(new JournalException(journal.describe() + " could not write the operation ahead ("
            + e.getClass().getName() + "); nothing was sent for Idempotency-Key " + key,
            journal.describe(), key, e), null, false);
      }
      // Whether the entry the journal holds is the one this call just wrote (a durable journal
      // reads it back, to the millisecond), rather than an earlier call's with the same key.
      ours = held.state() == JournalState.PENDING && !keyUsedBefore && (keyMinted || held == intended
          || (held.firstSentAt().toEpochMilli() == intended.firstSentAt().toEpochMilli()
              && java.util.Arrays.equals(held.body(), intended.body())));
    } else {
      // Not durable: written only if the operation ends without an answer. A minted key is new,
      // so there is nothing to look up.
      lazy = true;
      if (!keyMinted) {
        try {
          held = journal.find(key).orElse(null);
        } catch (RuntimeException e) {
          held = null; // a journal that cannot answer knows nothing: the caller's word stands
        }
      }
      ours = held == null && !keyUsedBefore;
    }
    if (held != null && held.state() == JournalState.SUCCEEDED && held.response() != null) {
      // The journal already holds this key's answer: no request needed.
      HttpResponse stored = new HttpResponse(held.statusCode(), Map.of(), held.response());
      AnswerReader.Answer<T> answer = reader.read(stored);
      if (answer.verdict() == AnswerReader.Verdict.MATCHES && answer.value() != null) {
        settledOrLeft = true;
        return new Step.Done<>(answer.value(), stored, 0, ReplayStatus.REPLAYED);
      }
      if (answer.verdict() == AnswerReader.Verdict.CONTRADICTS) {
        settledOrLeft = true;
        return new Step.Fail<>(new IdempotencyKeyReusedException(held.statusCode(), null,
            "the journal holds another request's answer for Idempotency-Key " + key + " ("
                + answer.detail() + "): the key was used for another operation", key), null, false);
      }
    }
    Instant first = held != null && held.firstSentAt().isBefore(proposedFirst) ? held.firstSentAt() : proposedFirst;
    boolean usedBefore = keyUsedBefore || (held != null && !ours);
    inner.firstSent(usedBefore ? first : null, now);
    return observe(inner.start(now));
  }

  @Override
  public @Nullable Duration beginAttempt(Instant now) {
    return inner().beginAttempt(now);
  }

  @Override
  public Step<T> onResponse(HttpResponse response, Instant now) {
    return observe(inner().onResponse(response, now));
  }

  @Override
  public Step<T> onFailure(RuntimeException failure, Instant now) {
    return observe(inner().onFailure(failure, now));
  }

  @Override
  public Step<T> stop(StopReason reason, Instant now) {
    return observe(inner().stop(reason, now));
  }

  @Override
  public Step<T> abort(StopReason reason, RuntimeException cause, Instant now) {
    return observe(inner().abort(reason, cause, now));
  }

  @Override
  public int attempts() {
    return inner.attempts();
  }

  private IdempotentDecider<T> inner() {
    return inner;
  }

  /** Settles the entry when {@code step} ends the operation with a final answer. */
  private Step<T> observe(Step<T> step) {
    if (settledOrLeft) {
      return step;
    }
    boolean heldPending = held != null && held.state() == JournalState.PENDING;
    if (lazy && !heldPending) {
      // Nothing written for this operation yet: write it only if it ends without an answer.
      if (step instanceof Step.Fail<T> fail) {
        settledOrLeft = true;
        if (leavesOpen(fail.error()) && (inner.attempts() > 0 || keyUsedBefore)) {
          rememberOpen(journal, entry(inner.firstSentAt()));
        }
      } else if (step instanceof Step.Done<T>) {
        settledOrLeft = true;
      }
      return step;
    }
    if (step instanceof Step.Done<T> done) {
      settledOrLeft = true;
      settle(JournalState.SUCCEEDED, done.response().statusCode(), done.response().body());
      if (journalProblem != null) {
        return new Step.Done<>(done.value(), done.response(), done.attempts(), done.replay(), journalProblem);
      }
    } else if (step instanceof Step.Fail<T> fail) {
      settledOrLeft = true;
      PaymentsException e = fail.error();
      if (e instanceof ApiException api) {
        settle(JournalState.FAILED, api.statusCode(), HttpResponse.emptyBody()); // the server's verdict
      } else if (e instanceof RequestNotSentException && ours) {
        settle(JournalState.FAILED, 0, HttpResponse.emptyBody()); // nothing of it ever left
      } else if (e instanceof IdempotencyKeyExpiredException) {
        settle(JournalState.EXPIRED, 0, HttpResponse.emptyBody());
      } else if (held != null && held.state() == JournalState.PENDING && !(e instanceof JournalException)) {
        // Anything else (an unknown outcome, a closed client, an interrupt): left pending, so
        // that a resume settles it; this client's running lease on it is given up.
        try {
          journal.release(key, owner);
        } catch (RuntimeException ignored) {
          // the lease ends by itself, soon after the operation's deadline
        }
      }
    }
    return step;
  }

  private void settle(JournalState state, int status, byte[] response) {
    try {
      journal.settle(key, state, status, response);
    } catch (RuntimeException e) {
      journalProblem = e instanceof JournalException j ? j
          : new JournalException(journal.describe() + " could not settle the operation (" + e.getClass().getName() + ")",
              journal.describe(), key, e);
      LOG.log(System.Logger.Level.WARNING, "{0} could not settle Idempotency-Key {1} as {2}: {3}; the operation"
          + " stays pending until a resume settles it", journal.describe(), key, state,
          e.getMessage());
    }
  }

  private JournalException withKey(JournalException e, String what) {
    if (e.idempotencyKey().isPresent()) {
      return e;
    }
    return new JournalException(e.getMessage() + " (" + what + "; nothing was sent for Idempotency-Key "
        + key + ")", e.journal(), key, e);
  }
}

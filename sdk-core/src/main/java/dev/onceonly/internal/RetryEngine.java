package dev.onceonly.internal;

import dev.onceonly.AttemptEvent;
import dev.onceonly.OperationInfo;
import dev.onceonly.OperationOutcome;
import dev.onceonly.IdempotencyProfile;
import dev.onceonly.OperationResult;
import dev.onceonly.PaymentsException;
import dev.onceonly.ReplayStatus;
import dev.onceonly.RetryListener;
import dev.onceonly.RetryPolicy;
import dev.onceonly.Sleeper;
import dev.onceonly.StopReason;
import dev.onceonly.http.HttpRequest;
import dev.onceonly.http.HttpResponse;
import dev.onceonly.http.HttpTransport;
import dev.onceonly.journal.JournalEntry;
import dev.onceonly.journal.OperationJournal;
import io.github.resilience4j.retry.Retry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The idempotent retry engine: a decorator over the transport that turns one logical operation
 * into as many HTTP requests as it takes, and no more than it is safe to make.
 *
 * <p>What to send, when, and how an operation ends is decided by a {@link Decider}
 * ({@link IdempotentDecider} for a {@code POST} with a key, {@link ReadDecider} for a
 * {@code GET}); this class is the blocking driver that carries the decisions out on the
 * calling thread: it sleeps through the injected {@link Sleeper}, sends each request within the
 * decider's time bound, checks between requests whether the client was closed or the thread
 * interrupted, and reports every attempt to the {@link RetryListener} and to resilience4j, both
 * guarded so that user code cannot change an outcome. Nothing but a
 * {@link PaymentsException} leaves it.
 *
 * <p>Thread-safe: each operation keeps its state in its own decider.
 */
public final class RetryEngine {

  /** The name of the resilience4j {@code Retry}, for metrics. */
  public static final String RETRY_NAME = "onceonly";

  private final HttpTransport transport;
  private final URI baseUrl;
  private final Origin apiOrigin;
  private final RetryPolicy policy;
  private final Clock clock;
  private final Sleeper sleeper;
  private final RetryListener listener;
  /** Whether a caller's listener is there to hear each operation's start. */
  private final boolean observed;
  private final Backoff backoff;
  private final RandomGenerator random;
  private final Redactor redactor;
  private final OperationJournal journal;
  private final @Nullable Duration resumeLease;
  private final Resilience4jEvents events;
  private final RetryBudgetTracker budget;
  private final IdempotencyProfile profile;
  private volatile boolean closed;
  /** This client's name as a holder of journal leases. */
  private final String owner = "onceonly-" + java.util.UUID.randomUUID();

  RetryEngine(HttpTransport transport, ClientConfig config) {
    this(transport, config, () -> ThreadLocalRandom.current().nextLong());
  }

  RetryEngine(HttpTransport transport, ClientConfig config, RandomGenerator random) {
    this.transport = transport;
    this.baseUrl = config.baseUrl();
    this.apiOrigin = java.util.Objects.requireNonNull(Origin.of(baseUrl), "baseUrl");
    this.profile = config.profile();
    this.policy = withProfileWindow(config.retryPolicy(), profile);
    this.clock = config.clock();
    this.sleeper = config.sleeper();
    this.listener = LoggingListener.around(config.listener());
    this.observed = config.listener() != RetryListener.NONE;
    this.backoff = new Backoff(policy, random);
    this.random = random;
    this.redactor = new Redactor(config.tokens());
    this.journal = config.journal();
    this.resumeLease = config.resumeLease();
    this.events = new Resilience4jEvents(RETRY_NAME, policy.maxAttempts());
    this.budget = new RetryBudgetTracker(config.retryBudget());
  }

  /**
   * The policy as the profile narrows it: the key window is the shorter of the policy's and the
   * profile's, so that a key is never re-sent after the server may have forgotten it.
   *
   * @throws IllegalArgumentException if the policy's safety margin does not fit in the profile's window
   */
  static RetryPolicy withProfileWindow(RetryPolicy policy, IdempotencyProfile profile) {
    java.time.Duration window = profile.keyWindow().orElse(null);
    if (window == null || window.compareTo(policy.keyWindow()) >= 0) {
      return policy;
    }
    try {
      return policy.newBuilder().keyWindow(window).build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the " + profile.name() + " profile's key window of " + window
          + " does not fit the retry policy: " + e.getMessage(), e);
    }
  }

  /** How the API speaks idempotency. */
  IdempotencyProfile profile() {
    return profile;
  }

  /** Where operations are written ahead. */
  OperationJournal journal() {
    return journal;
  }

  /** How long a resume holds each operation it claims, if the client says. */
  @Nullable Duration resumeLease() {
    return resumeLease;
  }

  /** This client's name as a holder of journal leases: its running operations' and its resumes'. */
  String owner() {
    return owner;
  }

  /** The policy every operation follows. */
  RetryPolicy policy() {
    return policy;
  }

  /** The clock of deadlines and key windows. */
  Clock clock() {
    return clock;
  }

  /** The resilience4j {@code Retry} that publishes this engine's attempts. */
  public Retry retry() {
    return events.retry();
  }

  /** Scrubs credentials from server text. */
  Redactor redactor() {
    return redactor;
  }

  /** From now on, no operation sends another request; those under way end truthfully. */
  void close() {
    closed = true;
  }

  /**
   * Runs one idempotent operation: {@code post} carries the key and the body bytes, sent as they
   * are on every attempt. The operation is written to the journal before its first request and
   * settled when it ends with the server's final answer.
   *
   * @param operation what it is, such as {@code transfers.create}, for the journal
   * @param keyFirstUsedAt when the caller says it first sent the key, if it did
   * @param keyFromCaller whether the key came from the caller (a replay then cannot be ruled out)
   * @param reference the caller's reference for the operation, stored in the journal
   * @param reader reads and checks a success answer against this request
   */
  <T> Decider.Step.Done<T> executeIdempotent(HttpRequest post, String key, String operation, RetryPolicy policy,
      @Nullable Instant keyFirstUsedAt, boolean keyFromCaller, @Nullable String reference, AnswerReader<T> reader) {
    Instant now = clock.instant();
    Decider<T> decider = idempotentDecider(post, key, operation, policy, keyFirstUsedAt, keyFromCaller, reference,
        reader, now);
    try {
      return drive(decider, now, operation, post, key);
    } catch (PaymentsException e) {
      failed(decider, key, post, operation, reference, e);
      throw e;
    }
  }

  /** Runs a safe read ({@code GET}), retried on transient failures. */
  <T> Decider.Step.Done<T> executeSafe(HttpRequest get, String operation, RetryPolicy policy, AnswerReader<T> reader) {
    Instant now = clock.instant();
    return drive(readDecider(get, policy, reader, now), now, operation, get, null);
  }

  // ---- shared with the asynchronous driver (AsyncRetryEngine), so that both drive the same deciders ----

  /**
   * The decider of one idempotent operation, journaled as the client's journal wants: the
   * decision core itself on the cheap path (a minted key, a journal that is not durable; the
   * driver then calls {@link #failed}), else the core behind the journaling decorator, which does
   * it all.
   */
  <T> Decider<T> idempotentDecider(HttpRequest post, String key, String operation, RetryPolicy policy,
      @Nullable Instant keyFirstUsedAt, boolean keyFromCaller, @Nullable String reference, AnswerReader<T> reader,
      Instant now) {
    if (policy != this.policy) {
      policy = withProfileWindow(policy, profile); // a call's own policy, narrowed as the client's is
    }
    IdempotentDecider<T> core = new IdempotentDecider<>(policy, backoffFor(policy), budget, redactor, baseUrl,
        apiOrigin, post, key, keyFromCaller, keyFirstUsedAt, reader, now);
    if (profile != IdempotencyProfile.standard()) {
      core.profile(profile); // the standard profile is the decider's own default: nothing to set per create
    }
    if (!journal.durable() && !keyFromCaller && keyFirstUsedAt == null) {
      // The common case, made cheap: a minted key and a journal that dies with the process. There
      // is nothing to look up or write ahead; the journal learns of the operation only if it ends
      // without an answer, as what a caller may resume.
      return core;
    }
    Instant first = keyFirstUsedAt == null || keyFirstUsedAt.isAfter(now) ? now : keyFirstUsedAt;
    return new JournalingDecider<>(journal, core, key, post, operation, reference, policy.keyWindow(), first,
        keyFirstUsedAt != null, !keyFromCaller, reader, owner, policy.maxElapsed().plus(policy.attemptTimeout()));
  }

  /**
   * An idempotent operation ended with {@code e}: on the cheap path (its decider is the bare
   * core), the journal learns of it if it is still open.
   */
  void failed(Decider<?> decider, String key, HttpRequest post, String operation, @Nullable String reference,
      PaymentsException e) {
    if (decider instanceof IdempotentDecider<?> core && JournalingDecider.leavesOpen(e) && core.attempts() > 0) {
      JournalingDecider.rememberOpen(journal, JournalingDecider.entry(key, post, operation, reference,
          core.firstSentAt(), core.policy.keyWindow()));
    }
  }

  /** The decider of one safe read. */
  <T> ReadDecider<T> readDecider(HttpRequest get, RetryPolicy policy, AnswerReader<T> reader, Instant now) {
    return new ReadDecider<>(policy, backoffFor(policy), budget, redactor, get, reader, now);
  }

  boolean isClosed() {
    return closed;
  }

  /** One operation's context for the resilience4j events. */
  Retry.AsyncContext<Object> startEvents() {
    return events.start();
  }

  /** The client's backoff for its own policy; a call with another policy gets one of its own. */
  private Backoff backoffFor(RetryPolicy callPolicy) {
    return callPolicy == policy ? backoff : new Backoff(callPolicy, random);
  }

  /** Tells the listener about a successful operation; a listener's exception is ignored. */
  void reportSuccess(OperationResult<?> result) {
    try {
      listener.onSuccess(result);
    } catch (RuntimeException | LinkageError | AssertionError ignored) {
      // a listener must not change the outcome of a money-moving call
    }
  }

  private <T> Decider.Step.Done<T> drive(
      Decider<T> decider, Instant start, String operation, HttpRequest first, @Nullable String key) {
    Retry.AsyncContext<Object> r4j = events.start();
    OperationInfo op = opening(operation, first, key);
    Decider.Step<T> step = decider.start(start);
    while (true) {
      if (step instanceof Decider.Step.Done<T> done) {
        Resilience4jEvents.succeeded(r4j);
        closing(op, operation, first, key, done, done.attempts());
        return done;
      }
      if (step instanceof Decider.Step.Fail<T> fail) {
        if (fail.event() != null) {
          notify(fail.event());
        }
        Resilience4jEvents.failed(r4j, fail.error(), fail.retried());
        closing(op, operation, first, key, fail, decider.attempts());
        throw fail.error();
      }
      Decider.Step.Send<T> send = (Decider.Step.Send<T>) step;
      if (send.event() != null) {
        notify(send.event());
        Resilience4jEvents.retrying(r4j, send.event().cause(), send.waitMillis());
      }
      step = attempt(decider, send);
    }
  }

  /** Waits, then sends one request within its bound; returns what the decider makes of it. */
  private <T> Decider.Step<T> attempt(Decider<T> decider, Decider.Step.Send<T> send) {
    if (closed) {
      return decider.stop(StopReason.CLIENT_CLOSED, clock.instant());
    }
    if (send.waitMillis() > 0) {
      try {
        sleeper.sleep(Duration.ofMillis(send.waitMillis()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return decider.stop(StopReason.INTERRUPTED, clock.instant());
      } catch (RuntimeException e) {
        return decider.stop(StopReason.INTERRUPTED, clock.instant()); // a sleeper that broke: stop waiting
      }
    }
    if (closed) {
      return decider.stop(StopReason.CLIENT_CLOSED, clock.instant());
    }
    if (Thread.currentThread().isInterrupted()) {
      return decider.stop(StopReason.INTERRUPTED, clock.instant());
    }
    Duration bound = decider.beginAttempt(clock.instant());
    if (bound == null) {
      return decider.stop(StopReason.DEADLINE, clock.instant());
    }
    HttpResponse response;
    try {
      response = transport.execute(send.request(), bound);
    } catch (RuntimeException e) {
      if (closed && e.getClass() == PaymentsException.class) {
        return decider.stop(StopReason.CLIENT_CLOSED, clock.instant()); // refused by a closed transport: not sent
      }
      if (closed && !(e instanceof PaymentsException)) {
        return decider.abort(StopReason.CLIENT_CLOSED, e, clock.instant()); // cut off under way
      }
      return decider.onFailure(e, clock.instant());
    }
    return decider.onResponse(response, clock.instant());
  }

  /**
   * An operation starts: its {@link OperationInfo}, made only for a caller's listener (else only
   * when the log needs it at the end, by {@link #closing}), and told to the listener.
   */
  @Nullable OperationInfo opening(String operation, HttpRequest first, @Nullable String key) {
    OperationInfo op = observed ? OperationInfo.next(operation, first.method(), first.url(), key) : null;
    if (op != null) {
      started(op);
    }
    return op;
  }

  /** An operation ended with {@code end} (a Done or a Fail): told to the listener and the log. */
  void closing(@Nullable OperationInfo op, String operation, HttpRequest first, @Nullable String key,
      Decider.Step<?> end, int attempts) {
    if (end instanceof Decider.Step.Done<?> done) {
      if (op != null || LoggingListener.LOG.isLoggable(System.Logger.Level.DEBUG)) {
        ended(op != null ? op : OperationInfo.next(operation, first.method(), first.url(), key),
            done.replay() == ReplayStatus.REPLAYED ? OperationOutcome.REPLAYED : OperationOutcome.SUCCEEDED,
            attempts, done.response().statusCode(), null);
      }
    } else if (end instanceof Decider.Step.Fail<?> fail) {
      ended(op != null ? op : OperationInfo.next(operation, first.method(), first.url(), key),
          OperationOutcome.of(fail.error()), attempts, statusOf(fail), fail.error());
    }
  }

  private void started(OperationInfo op) {
    try {
      listener.onOperationStart(op);
    } catch (RuntimeException | LinkageError | AssertionError ignored) {
      // a listener must not change the outcome of a money-moving call
    }
  }

  private void ended(OperationInfo op, OperationOutcome outcome, int attempts, int status,
      @Nullable PaymentsException error) {
    try {
      listener.onOperationEnd(op, outcome, attempts, status, error);
    } catch (RuntimeException | LinkageError | AssertionError ignored) {
      // a listener must not change the outcome of a money-moving call
    }
  }

  static int statusOf(Decider.Step.Fail<?> fail) {
    if (fail.error() instanceof dev.onceonly.ApiException api) {
      return api.statusCode();
    }
    return fail.event() == null ? 0 : fail.event().statusCode();
  }

  /** Tells the listener about an attempt; a listener's exception is ignored. */
  void notify(AttemptEvent event) {
    try {
      listener.onAttempt(event);
    } catch (RuntimeException | LinkageError | AssertionError ignored) {
      // a listener must not change the outcome of a money-moving call
    }
  }
}

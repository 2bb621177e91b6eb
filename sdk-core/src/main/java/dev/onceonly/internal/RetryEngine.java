package dev.onceonly.internal;

import dev.onceonly.AttemptEvent;
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
  private final Backoff backoff;
  private final Redactor redactor;
  private final KeyLedger ledger;
  private final Resilience4jEvents events;
  private final RetryBudgetTracker budget;
  private volatile boolean closed;

  RetryEngine(HttpTransport transport, ClientConfig config) {
    this(transport, config, () -> ThreadLocalRandom.current().nextLong());
  }

  RetryEngine(HttpTransport transport, ClientConfig config, RandomGenerator random) {
    this.transport = transport;
    this.baseUrl = config.baseUrl();
    this.apiOrigin = java.util.Objects.requireNonNull(Origin.of(baseUrl), "baseUrl");
    this.policy = config.retryPolicy();
    this.clock = config.clock();
    this.sleeper = config.sleeper();
    this.listener = config.listener();
    this.backoff = new Backoff(policy, random);
    this.redactor = new Redactor(config.bearerToken());
    this.ledger = new KeyLedger(policy.keyWindow());
    this.events = new Resilience4jEvents(RETRY_NAME, policy.maxAttempts());
    this.budget = new RetryBudgetTracker(config.retryBudget());
  }

  /** The keys this engine may be asked to resume (for tests). */
  KeyLedger ledger() {
    return ledger;
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

  /** What a successful operation produced. */
  record Completed<T>(T value, HttpResponse response, int attempts, ReplayStatus replay) {}

  /**
   * Runs one idempotent operation: {@code post} carries the key and the body bytes, sent as they
   * are on every attempt.
   *
   * @param keyFirstUsedAt when the caller says it first sent the key, if it did
   * @param keyFromCaller whether the key came from the caller (a replay then cannot be ruled out)
   * @param reader reads and checks a success answer against this request
   */
  <T> Completed<T> executeIdempotent(HttpRequest post, String key, @Nullable Instant keyFirstUsedAt,
      boolean keyFromCaller, AnswerReader<T> reader) {
    Instant now = clock.instant();
    Instant firstUse = ledger.firstSent(key, keyFirstUsedAt);
    IdempotentDecider<T> decider = idempotentDecider(post, key, keyFromCaller, firstUse, reader, now);
    try {
      return drive(decider, now);
    } catch (PaymentsException e) {
      failed(decider, key, firstUse);
      throw e;
    }
  }

  /** Runs a safe read ({@code GET}), retried on transient failures. */
  <T> Completed<T> executeSafe(HttpRequest get, AnswerReader<T> reader) {
    Instant now = clock.instant();
    return drive(readDecider(get, reader, now), now);
  }

  // ---- shared with the asynchronous driver (AsyncRetryEngine), so that both drive the same deciders ----

  /** The decider of one idempotent operation; {@code firstUse} as {@link KeyLedger#firstSent} gives it. */
  <T> IdempotentDecider<T> idempotentDecider(HttpRequest post, String key, boolean keyFromCaller,
      @Nullable Instant firstUse, AnswerReader<T> reader, Instant now) {
    return new IdempotentDecider<>(policy, backoff, budget, redactor, baseUrl, apiOrigin, post, key, keyFromCaller,
        firstUse, reader, now);
  }

  /** The decider of one safe read. */
  <T> ReadDecider<T> readDecider(HttpRequest get, AnswerReader<T> reader, Instant now) {
    return new ReadDecider<>(policy, backoff, budget, redactor, get, reader, now);
  }

  /**
   * An idempotent operation ended in an exception: the caller now holds a key it may resume
   * with, so remember when it was first sent, so that a resume in this process is never sent
   * past its window. Operations that ended with an answer are not recorded, which keeps the
   * ledger as small as the failures.
   */
  void failed(IdempotentDecider<?> decider, String key, @Nullable Instant firstUse) {
    if (decider.attempts() > 0 || firstUse != null) {
      ledger.recordSend(key, decider.firstSentAt());
    }
  }

  /** The key ledger's view of when {@code key} was first sent, if anyone knows. */
  @Nullable Instant firstSent(String key, @Nullable Instant keyFirstUsedAt) {
    return ledger.firstSent(key, keyFirstUsedAt);
  }

  Clock clock() {
    return clock;
  }

  boolean isClosed() {
    return closed;
  }

  /** One operation's view of the resilience4j events. */
  Resilience4jEvents.Call startEvents() {
    return events.start();
  }

  /** Tells the listener about a successful operation; a listener's exception is ignored. */
  void reportSuccess(OperationResult<?> result) {
    try {
      listener.onSuccess(result);
    } catch (RuntimeException | LinkageError | AssertionError ignored) {
      // a listener must not change the outcome of a money-moving call
    }
  }

  private <T> Completed<T> drive(Decider<T> decider, Instant start) {
    Resilience4jEvents.Call r4j = events.start();
    Decider.Step<T> step = decider.start(start);
    while (true) {
      if (step instanceof Decider.Step.Done<T> done) {
        r4j.succeeded();
        return new Completed<>(done.value(), done.response(), done.attempts(), done.replay());
      }
      if (step instanceof Decider.Step.Fail<T> fail) {
        if (fail.event() != null) {
          notify(fail.event());
        }
        r4j.failed(fail.error(), fail.retried());
        throw fail.error();
      }
      Decider.Step.Send<T> send = (Decider.Step.Send<T>) step;
      if (send.event() != null) {
        notify(send.event());
        r4j.retrying(send.event().cause(), send.waitMillis());
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

  /** Tells the listener about an attempt; a listener's exception is ignored. */
  void notify(AttemptEvent event) {
    try {
      listener.onAttempt(event);
    } catch (RuntimeException | LinkageError | AssertionError ignored) {
      // a listener must not change the outcome of a money-moving call
    }
  }
}

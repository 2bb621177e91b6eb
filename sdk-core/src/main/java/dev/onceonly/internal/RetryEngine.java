package dev.onceonly.internal;

import dev.onceonly.ApiException;
import dev.onceonly.AttemptEvent;
import dev.onceonly.DelaySource;
import dev.onceonly.IdempotencyKeyExpiredException;
import dev.onceonly.InvalidResponseException;
import dev.onceonly.NetworkException;
import dev.onceonly.OperationResult;
import dev.onceonly.OutcomeUnknownException;
import dev.onceonly.PaymentsException;
import dev.onceonly.ReplayStatus;
import dev.onceonly.RequestNotSentException;
import dev.onceonly.RetryListener;
import dev.onceonly.RetryPolicy;
import dev.onceonly.Sleeper;
import dev.onceonly.http.HttpRequest;
import dev.onceonly.http.HttpResponse;
import dev.onceonly.http.HttpTransport;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The idempotent retry engine: a decorator over the transport that turns one logical operation
 * into as many HTTP requests as it takes, and no more than it is safe to make.
 *
 * <p>It implements the classification of the protocol ("What the client does"):
 * <ul>
 *   <li>a failed connect never reached the server: retry with the same key;
 *   <li>a timeout, reset or early EOF after the request was written may have: retry with the
 *       same key, and remember that the outcome is now uncertain;
 *   <li>{@code 408}, {@code 429}: retry, after {@code Retry-After} if given;
 *       {@code 500/502/503/504}: the same, and the outcome is uncertain;
 *   <li>{@code 409}: the server has the key. In progress: wait, then poll
 *       {@code GET /responses/{key}}, or re-POST once the server has shown it has no such route.
 *       {@code idempotent_creation_conflict}: fetch the stored answer at once, and while that
 *       route has nothing stored yet, wait and read it again;
 *   <li>{@code 2xx}: success, a replay if the server says so;
 *   <li>{@code 422}, {@code 417}, a {@code 400} with an idempotency code, any other {@code 4xx}:
 *       fail at once.
 * </ul>
 * When attempts or time run out and an attempt may have reached the server, the last request
 * allowed is a read of {@code GET /responses/{key}}; if that does not settle it,
 * {@link OutcomeUnknownException}. If nothing can have reached the server,
 * {@link RequestNotSentException}.
 *
 * <p>Counting, the waits and events go through a resilience4j {@link Retry}: its
 * {@code IntervalBiFunction} sees the last answer or error, which is where {@code Retry-After}
 * is read, and its event publisher and metrics see every attempt. The engine sleeps through the
 * injected {@link Sleeper}, never through resilience4j's global sleep function. Thread-safe:
 * each call keeps its state on its own stack.
 */
public final class RetryEngine {

  /** The name of the resilience4j {@code Retry}, for metrics. */
  public static final String RETRY_NAME = "onceonly";

  private static final String CREATION_CONFLICT = "idempotent_creation_conflict";

  private final HttpTransport transport;
  private final URI baseUrl;
  private final RetryPolicy policy;
  private final Clock clock;
  private final Sleeper sleeper;
  private final RetryListener listener;
  private final Backoff backoff;
  private final KeyLedger ledger;
  private final Retry retry;

  RetryEngine(HttpTransport transport, ClientConfig config) {
    this(transport, config, () -> ThreadLocalRandom.current().nextLong());
  }

  RetryEngine(HttpTransport transport, ClientConfig config, RandomGenerator random) {
    this.transport = transport;
    this.baseUrl = config.baseUrl();
    this.policy = config.retryPolicy();
    this.clock = config.clock();
    this.sleeper = config.sleeper();
    this.listener = config.listener();
    this.backoff = new Backoff(policy, random);
    this.ledger = new KeyLedger(policy.keyWindow());
    this.retry = Retry.of(RETRY_NAME, RetryConfig.<Retrying>custom()
        .maxAttempts(policy.maxAttempts())
        .retryOnResult(r -> true) // only answers worth retrying are handed over as results
        .retryOnException(e -> e instanceof NetworkException)
        .intervalBiFunction((retryNumber, last) ->
            last.isRight() ? delayMillis(last.get(), retryNumber) : backoff.backoffMillis(retryNumber))
        .build());
  }

  /** The keys this engine may be asked to resume (for tests). */
  KeyLedger ledger() {
    return ledger;
  }

  /** The resilience4j {@code Retry} that counts this engine's attempts and publishes its events. */
  public Retry retry() {
    return retry;
  }

  /** What a successful call produced. */
  record Completed(HttpResponse response, int attempts, ReplayStatus replay) {}

  /**
   * Runs one idempotent operation: {@code post} carries the key and the body bytes, sent as they
   * are on every attempt.
   *
   * @param keyFirstUsedAt when the caller says it first sent the key, if it did
   * @param callerKey whether the key came from the caller (a replay then cannot be ruled out)
   */
  Completed executeIdempotent(
      HttpRequest post, String key, @Nullable Instant keyFirstUsedAt, boolean callerKey) {
    return new IdempotentCall(post, key, keyFirstUsedAt, callerKey).run();
  }

  /** Runs a safe read ({@code GET}), retried on transient failures. */
  Completed executeSafe(HttpRequest get, @Nullable String key) {
    return new SafeCall(get, key).run();
  }

  /** Tells the listener about a successful operation; a listener's exception is ignored. */
  void reportSuccess(OperationResult<?> result) {
    try {
      listener.onSuccess(result);
    } catch (RuntimeException ignored) {
      // a listener must not change the outcome of a money-moving call
    }
  }

  private long delayMillis(Retrying answer, int retryNumber) {
    return switch (sourceOf(answer)) {
      case IMMEDIATE -> 0L;
      case RETRY_AFTER -> backoff.cappedMillis(answer.retryAfter());
      case BACKOFF -> backoff.backoffMillis(retryNumber);
    };
  }

  private static DelaySource sourceOf(Retrying answer) {
    if (answer.immediate()) {
      return DelaySource.IMMEDIATE;
    }
    return answer.retryAfter() != null ? DelaySource.RETRY_AFTER : DelaySource.BACKOFF;
  }

  /** An attempt that did not end the call, and what to send next. */
  record Retrying(
      PaymentsException cause, int statusCode, @Nullable Duration retryAfter, boolean immediate, Next next) {}

  enum Next { POST, POLL, GET }

  /** Whether the server has shown it offers {@code GET /responses/{key}}. */
  enum Route { UNKNOWN, PRESENT, ABSENT }

  /**
   * What one attempt came to: done, failed for good, worth retrying, or (all three null) not
   * sent because the call must stop, for the reason given.
   */
  private record Step(
      @Nullable Completed done, @Nullable PaymentsException failed, @Nullable Retrying retrying, String stop) {
    static Step done(Completed done) {
      return new Step(done, null, null, "");
    }

    static Step failed(PaymentsException failed) {
      return new Step(null, failed, null, "");
    }

    static Step retry(Retrying retrying) {
      return new Step(null, null, retrying, "");
    }

    static Step stop(String reason) {
      return new Step(null, null, null, reason);
    }
  }

  /** The state and loop shared by idempotent operations and reads. */
  private abstract class Call {
    final Retry.AsyncContext<Retrying> context = retry.asyncContext();
    final Instant deadline = clock.instant().plus(policy.maxElapsed());
    final @Nullable String key;
    int attempts;
    Next lastSent = Next.POST;
    private boolean completed;
    @Nullable PaymentsException lastCause;
    String stopReason = "";

    Call(@Nullable String key) {
      this.key = key;
    }

    abstract Step attempt(Instant now);

    abstract String describe(Next next);

    /** Called when attempts, time, or the key's window ran out; returns or throws. */
    abstract Completed runOut();

    Completed run() {
      while (true) {
        Step step = attempt(clock.instant());
        if (step.done() != null) {
          complete();
          return step.done();
        }
        if (step.failed() != null) {
          context.onError(step.failed()); // published as an ignored error: never retried
          throw step.failed();
        }
        Retrying r = step.retrying();
        if (r == null) {
          stopReason = step.stop();
          return runOut();
        }
        lastCause = r.cause();
        if (!pause(r)) {
          return runOut();
        }
      }
    }

    /** Tells resilience4j the call is over, once. */
    void complete() {
      if (!completed) {
        completed = true;
        context.onComplete();
      }
    }

    /** Chooses and takes the wait before the next attempt; false when the call must stop. */
    private boolean pause(Retrying r) {
      long delay = r.cause() instanceof NetworkException ? context.onError(r.cause()) : context.onResult(r);
      if (delay < 0) {
        if (!(r.cause() instanceof NetworkException)) {
          complete(); // lets resilience4j count the exhausted call (it already did for an error)
        }
        stopReason = "after " + attempts + (attempts == 1 ? " attempt" : " attempts");
        notify(r, false, 0, sourceOf(r));
        return false;
      }
      Instant resumeAt = clock.instant().plusMillis(delay);
      if (resumeAt.isAfter(deadline)) {
        stopReason = "the next wait of " + delay + " ms would pass the deadline of " + policy.maxElapsed();
        notify(r, false, 0, sourceOf(r));
        return false;
      }
      notify(r, true, delay, sourceOf(r));
      if (delay > 0) {
        try {
          sleeper.sleep(Duration.ofMillis(delay));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          stopReason = "interrupted while waiting to retry";
          return false;
        }
      }
      return true;
    }

    private void notify(Retrying r, boolean willRetry, long delay, DelaySource source) {
      AttemptEvent event = new AttemptEvent(attempts, describe(lastSent),
          key, r.statusCode(), r.cause(), willRetry, Duration.ofMillis(delay), willRetry ? source : DelaySource.IMMEDIATE);
      try {
        listener.onAttempt(event);
      } catch (RuntimeException ignored) {
        // a listener must not change the outcome of a money-moving call
      }
    }

    Retrying retryAfterAnswer(PaymentsException cause, HttpResponse response, Next next) {
      Duration after = Backoff.parseRetryAfter(response.header("Retry-After").orElse(null), clock).orElse(null);
      return new Retrying(cause, response.statusCode(), after, false, next);
    }
  }

  private final class IdempotentCall extends Call {
    private final HttpRequest post;
    /** {@code GET /responses/{key}}, made when first needed: most operations never poll. */
    private @Nullable HttpRequest poll;
    private final String idempotencyKey;
    private final boolean callerKey;
    /** When the key was first used, by the ledger, the caller, or (if neither knows) now. */
    private final Instant firstUse;
    private final boolean keyUsedBefore;
    private final Instant keyExpiresAt;
    private final Instant lastSendable;
    private boolean posted;
    private Next next = Next.POST;
    private Route route = Route.UNKNOWN;
    private boolean mayHaveReached;
    private boolean serverHadKey;
    /** The last failure of a POST: what left the outcome open, unlike a poll's "nothing stored". */
    private @Nullable PaymentsException lastPostFailure;

    IdempotentCall(HttpRequest post, String key, @Nullable Instant keyFirstUsedAt, boolean callerKey) {
      super(key);
      this.post = post;
      this.idempotencyKey = key;
      this.callerKey = callerKey;
      Instant now = clock.instant();
      Instant firstSent = ledger.firstSent(key, keyFirstUsedAt);
      this.keyUsedBefore = firstSent != null;
      this.firstUse = firstSent == null ? now : firstSent;
      this.keyExpiresAt = firstUse.plus(policy.keyWindow());
      this.lastSendable = keyExpiresAt.minus(policy.keyExpiryMargin());
    }

    @Override
    Completed run() {
      if (!clock.instant().isBefore(lastSendable)) {
        throw new IdempotencyKeyExpiredException(
            "Idempotency-Key " + idempotencyKey + " was first used too long ago: the server forgets it at "
                + keyExpiresAt + " (less a safety margin of " + policy.keyExpiryMargin()
                + "), and re-sending it could create a second transfer. Nothing was sent.",
            idempotencyKey, keyExpiresAt);
      }
      try {
        return super.run();
      } catch (PaymentsException e) {
        // The caller now holds a key it may resume with: remember when it was first used, so
        // that a resume in this process is never sent past the window. Operations that ended
        // with an answer are not recorded, which keeps the ledger as small as the failures.
        if (posted || keyUsedBefore) {
          ledger.recordSend(idempotencyKey, firstUse);
        }
        throw e;
      }
    }

    @Override
    Step attempt(Instant now) {
      if (next == Next.POST && !now.isBefore(lastSendable)) {
        // Past its window the server would take the key as new: never POST it again.
        return Step.stop("the key's window closes at " + keyExpiresAt);
      }
      if (next == Next.POST && attempts + 1 == policy.maxAttempts() && attempts > 0
          && mayHaveReached && route != Route.ABSENT) {
        next = Next.POLL; // the last request allowed: ask for the stored answer rather than re-POST
      }
      attempts++;
      lastSent = next;
      Step step = next == Next.POST ? sendPost() : sendPoll();
      if (step.retrying() != null) {
        next = step.retrying().next();
        if (lastSent == Next.POST) {
          lastPostFailure = step.retrying().cause();
        }
      }
      return step;
    }

    private Step sendPost() {
      posted = true;
      HttpResponse response;
      try {
        response = transport.execute(post);
      } catch (NetworkException e) {
        mayHaveReached |= e.requestMayHaveReachedServer();
        return Step.retry(new Retrying(withKey(e), 0, null, false, Next.POST));
      } catch (PaymentsException e) {
        return Step.failed(withKey(e));
      }
      int status = response.statusCode();
      if (response.isSuccessful()) {
        return Step.done(new Completed(response, attempts, replayOf(response)));
      }
      PaymentsException error = ApiErrors.toException(response, idempotencyKey);
      return switch (status) {
        case 409 -> {
          mayHaveReached = true;
          serverHadKey = true;
          String code = ((ApiException) error).code().orElse("");
          if (code.equalsIgnoreCase(CREATION_CONFLICT)) {
            route = Route.PRESENT; // finished, and only GET /responses/{key} has the answer
            yield Step.retry(new Retrying(error, status, null, true, Next.POLL));
          }
          yield Step.retry(retryAfterAnswer(error, response, route == Route.ABSENT ? Next.POST : Next.POLL));
        }
        case 408, 429 -> Step.retry(retryAfterAnswer(error, response, Next.POST));
        case 500, 502, 503, 504 -> {
          mayHaveReached = true;
          yield Step.retry(retryAfterAnswer(error, response, Next.POST));
        }
        default -> Step.failed(error);
      };
    }

    private ReplayStatus replayOf(HttpResponse response) {
      if ("true".equalsIgnoreCase(response.header("Idempotent-Replayed").orElse("")) || serverHadKey) {
        return ReplayStatus.REPLAYED;
      }
      return mayHaveReached || callerKey ? ReplayStatus.UNKNOWN : ReplayStatus.ORIGINAL;
    }

    private HttpRequest poll() {
      if (poll == null) {
        poll = new HttpRequest("GET", baseUrl.resolve("responses/" + idempotencyKey).toString(),
            Map.of("Accept", "application/json"), null);
      }
      return poll;
    }

    private Step sendPoll() {
      HttpResponse response;
      try {
        response = transport.execute(poll());
      } catch (NetworkException e) {
        return Step.retry(new Retrying(withKey(e), 0, null, false, Next.POLL));
      } catch (PaymentsException e) {
        return Step.failed(withKey(e));
      }
      int status = response.statusCode();
      if (status == 200) {
        route = Route.PRESENT;
        HttpResponse stored;
        try {
          stored = StoredResponses.decode(response.body());
        } catch (TransferJson.JsonProblem e) {
          return Step.failed(new InvalidResponseException(e.getMessage() + "; the transfer may exist: resend with Idempotency-Key " + idempotencyKey, status, idempotencyKey, e));
        }
        if (stored.isSuccessful()) {
          return Step.done(new Completed(stored, attempts, ReplayStatus.REPLAYED));
        }
        return Step.failed(ApiErrors.toException(stored, idempotencyKey)); // the stored answer is final
      }
      PaymentsException error = ApiErrors.toException(response, idempotencyKey);
      return switch (status) {
        case 408, 429, 500, 502, 503, 504 -> Step.retry(retryAfterAnswer(error, response, Next.POLL));
        default -> {
          if (status == 404 && route == Route.PRESENT) {
            // The route exists (the server pointed us to it), so 404 means "not stored yet":
            // the server is still working. Wait, then read again; a read cannot create anything.
            yield Step.retry(retryAfterAnswer(error, response, Next.POLL));
          }
          // 404: nothing stored, or no such route; 405, 501 or anything else: no usable route.
          // Either way the same POST with the same key is the way on.
          route = Route.ABSENT;
          yield Step.retry(new Retrying(error, status, null, true, Next.POST));
        }
      };
    }

    @Override
    String describe(Next sent) {
      return sent == Next.POLL ? poll().toString() : post.toString();
    }

    @Override
    Completed runOut() {
      if (mayHaveReached && route != Route.ABSENT && lastSent != Next.POLL
          && attempts < policy.maxAttempts() && !Thread.currentThread().isInterrupted()) {
        attempts++;
        lastSent = Next.POLL;
        Step step = sendPoll();
        if (step.done() != null) {
          complete();
          return step.done();
        }
        if (step.failed() != null) {
          throw step.failed();
        }
      }
      PaymentsException cause = lastPostFailure != null ? lastPostFailure : lastCause;
      if (mayHaveReached) {
        throw new OutcomeUnknownException(
            "The transfer's outcome is unknown (" + stopReason + "): the server may have received it. "
                + "Call create again with the same parameters and Idempotency-Key " + idempotencyKey
                + " before " + keyExpiresAt + " to settle it; last failure: " + messageOf(cause),
            idempotencyKey, keyExpiresAt, attempts, cause);
      }
      throw new RequestNotSentException(
          "Nothing was created: no attempt can have reached the server or been acted on (" + stopReason
              + "); last failure: " + messageOf(cause),
          idempotencyKey, attempts, cause);
    }

    private PaymentsException withKey(PaymentsException e) {
      if (e.idempotencyKey().isPresent()) {
        return e;
      }
      if (e instanceof NetworkException n) {
        return new NetworkException(n.getMessage(), n.requestMayHaveReachedServer(), idempotencyKey, n.getCause());
      }
      if (e instanceof InvalidResponseException i) {
        return new InvalidResponseException(i.getMessage(), i.statusCode(), idempotencyKey, i.getCause());
      }
      return new PaymentsException(String.valueOf(e.getMessage()), idempotencyKey, e);
    }
  }

  private final class SafeCall extends Call {
    private final HttpRequest get;

    SafeCall(HttpRequest get, @Nullable String key) {
      super(key);
      this.get = get;
      this.lastSent = Next.GET;
    }

    @Override
    Step attempt(Instant now) {
      attempts++;
      HttpResponse response;
      try {
        response = transport.execute(get);
      } catch (NetworkException e) {
        return Step.retry(new Retrying(e, 0, null, false, Next.GET));
      }
      if (response.isSuccessful()) {
        return Step.done(new Completed(response, attempts, ReplayStatus.ORIGINAL));
      }
      PaymentsException error = ApiErrors.toException(response, key);
      return switch (response.statusCode()) {
        case 408, 429, 500, 502, 503, 504 -> Step.retry(retryAfterAnswer(error, response, Next.GET));
        default -> Step.failed(error);
      };
    }

    @Override
    String describe(Next sent) {
      return get.toString();
    }

    @Override
    Completed runOut() {
      throw lastCause == null ? new PaymentsException("the read did not complete (" + stopReason + ")") : lastCause;
    }
  }

  private static String messageOf(@Nullable Throwable t) {
    return t == null ? "none" : t.getClass().getSimpleName() + ": " + t.getMessage();
  }
}

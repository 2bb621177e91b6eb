package dev.onceonly.internal;

import dev.onceonly.ApiException;
import dev.onceonly.AttemptEvent;
import dev.onceonly.DelaySource;
import dev.onceonly.IdempotencyKeyExpiredException;
import dev.onceonly.IdempotencyProfile;
import dev.onceonly.IdempotencyKeyReusedException;
import dev.onceonly.InvalidResponseException;
import dev.onceonly.NetworkException;
import dev.onceonly.OutcomeUnknownException;
import dev.onceonly.PaymentsException;
import dev.onceonly.ReplayStatus;
import dev.onceonly.RequestNotSentException;
import dev.onceonly.RetryPolicy;
import dev.onceonly.StopReason;
import dev.onceonly.http.HttpRequest;
import dev.onceonly.http.HttpResponse;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The decision core of one idempotent operation (a {@code POST} with an {@code Idempotency-Key}):
 * the protocol's classification table, row by row, as a state machine without I/O.
 *
 * <table>
 *   <caption>What each answer to the {@code POST} leads to</caption>
 *   <tr><th>What happened</th><th>Next</th></tr>
 *   <tr><td>connect failed</td><td>the same {@code POST} after a backoff</td></tr>
 *   <tr><td>timeout, reset, EOF after the request was written</td><td>the same; the outcome is now open</td></tr>
 *   <tr><td>{@code 408}, {@code 429}</td><td>the same, after {@code Retry-After}</td></tr>
 *   <tr><td>{@code 5xx} but {@code 501}/{@code 505}</td><td>the same, after {@code Retry-After}; the outcome is open</td></tr>
 *   <tr><td>{@code 409} to the first {@code POST} of a key nobody else can hold</td><td>fail: a business conflict</td></tr>
 *   <tr><td>{@code 409} in progress</td><td>wait, then {@code GET /responses/{key}} (or the {@code POST} again where that route is absent)</td></tr>
 *   <tr><td>{@code 409 idempotent_creation_conflict}</td><td>{@code GET /responses/{key}} at once</td></tr>
 *   <tr><td>{@code 2xx} that matches the request</td><td>done (a replay if marked)</td></tr>
 *   <tr><td>{@code 2xx} without a body</td><td>{@code GET} its {@code Location} on the API's origin</td></tr>
 *   <tr><td>{@code 2xx} replay that contradicts the request</td><td>fail: the key was reused</td></tr>
 *   <tr><td>{@code 2xx} that contradicts a fresh key</td><td>not this request's answer: as if lost</td></tr>
 *   <tr><td>{@code 422}, {@code 417}, {@code 400} with an idempotency code</td><td>fail: the key was reused</td></tr>
 *   <tr><td>a stored error ({@code Idempotent-Replayed: true})</td><td>{@code 4xx}: fail with it; {@code 5xx}: outcome unknown</td></tr>
 *   <tr><td>another {@code 4xx}/{@code 3xx}, nothing sent before</td><td>fail with it</td></tr>
 *   <tr><td>another {@code 4xx}/{@code 3xx} after a maybe-sent attempt</td><td>outcome unknown, the error as cause</td></tr>
 * </table>
 *
 * <p>Which header carries the key, how a replay is marked, which {@code 4xx} answers mean "in
 * progress", "already done", "key reused" or "business conflict", how a finished operation is
 * read back ({@code /responses}, the resource an "already done" answer names, or not at all) and
 * which header hints at a retry all come from the client's {@link IdempotencyProfile}; the table
 * above is {@link IdempotencyProfile#standard()}'s, the default.
 *
 * <p>Every end after an attempt that may have reached the server, without the server's final
 * verdict on the key, is an {@link OutcomeUnknownException} with the key, when it was first sent
 * and when it expires; before it ends so, one last {@code GET /responses/{key}} is tried when
 * the server may offer it. An end where nothing can have reached the server is a
 * {@link RequestNotSentException}.
 */
final class IdempotentDecider<T> extends BaseDecider<T> {

  /** Polls of {@code /responses} that find nothing, after the server said "already done", before giving up on that route. */
  static final int EMPTY_POLLS_AFTER_CONFLICT = 3;

  /** What the last request was: the POST, a poll of /responses, a read of a Location, a read of a named resource. */
  private enum Kind { POST, POLL, READ_BACK, NAMED }

  /** Whether the server has shown it offers {@code GET /responses/{key}}. */
  private enum Route { UNKNOWN, PRESENT, ABSENT }

  private final HttpRequest post;
  private final String key;
  private final boolean keyFromCaller;
  // Set once before start(), by the constructor or by firstSent() when a journal knows better.
  private boolean keyUsedBefore;
  private Instant firstSentAt;
  private @Nullable Instant keyExpiresAt;
  private @Nullable Instant lastSendable;
  private final URI base;
  private final Origin apiOrigin;
  private final AnswerReader<T> reader;
  private @Nullable HttpRequest poll;
  /** The read of the resource an "already done" answer named. */
  private @Nullable HttpRequest named;
  private IdempotencyProfile profile = IdempotencyProfile.standard();
  private @Nullable String replayHeader = "Idempotent-Replayed";

  private Kind sent = Kind.POST;
  private Route route = Route.UNKNOWN;
  private boolean mayHaveReached;
  private boolean serverHadKey;
  private boolean afterConflict;
  private int emptyPollsAfterConflict;
  private boolean immediateReadUsed;
  private boolean finalLookup;
  private ReplayStatus readBackReplay = ReplayStatus.UNKNOWN;
  /** The failure of a {@code POST} that left the outcome open, unlike a poll's "nothing stored". */
  private @Nullable PaymentsException lastPostFailure;
  private @Nullable PaymentsException lastFailure;
  /** Why the operation is ending, once a final lookup is under way. */
  private @Nullable StopReason stopping;
  private @Nullable PaymentsException stoppingCause;

  /**
   * @param post the request, carrying the key and the exact body bytes sent on every attempt
   * @param keyFromCaller whether the caller supplied the key (a replay then cannot be ruled out)
   * @param keyFirstUsedAt when the key was first sent by an earlier call, if anyone knows
   */
  IdempotentDecider(
      RetryPolicy policy,
      Backoff backoff,
      RetryBudgetTracker budget,
      Redactor redactor,
      URI base,
      Origin apiOrigin,
      HttpRequest post,
      String key,
      boolean keyFromCaller,
      @Nullable Instant keyFirstUsedAt,
      AnswerReader<T> reader,
      Instant now) {
    super(policy, backoff, budget, redactor, now, post);
    this.post = post;
    this.key = key;
    this.keyFromCaller = keyFromCaller;
    firstSent(keyFirstUsedAt, now);
    this.base = base;
    this.apiOrigin = apiOrigin;
    this.reader = reader;
  }

  /**
   * Sets when the key was first sent by an earlier call or process ({@code null}: never, it is
   * sent now), before {@link #start}.
   */
  void firstSent(@Nullable Instant keyFirstUsedAt, Instant now) {
    this.keyUsedBefore = keyFirstUsedAt != null;
    // A key sent before (by an earlier call or process) may have reached the server then, so no
    // failure of this call can prove that nothing was created.
    this.mayHaveReached = keyUsedBefore;
    this.firstSentAt = keyFirstUsedAt == null || keyFirstUsedAt.isAfter(now) ? now : keyFirstUsedAt;
    this.keyExpiresAt = null; // derived from firstSentAt when first needed
    this.lastSendable = null;
  }

  /**
   * Sets the API's idempotency dialect, before {@link #start}; {@link IdempotencyProfile#standard()}
   * when never called.
   */
  void profile(IdempotencyProfile profile) {
    this.profile = profile;
    this.replayHeader = profile.replayHeader().orElse(null);
    // Only a profile with the route probes it; the others never poll, and so never end with a final lookup.
    this.route = profile.recovery() == IdempotencyProfile.Recovery.RESPONSES_ROUTE ? Route.UNKNOWN : Route.ABSENT;
  }

  private Instant keyExpiresAt() {
    Instant at = keyExpiresAt;
    if (at == null) {
      at = keyExpiresAt = firstSentAt.plus(policy.keyWindow());
    }
    return at;
  }

  private Instant lastSendable() {
    Instant at = lastSendable;
    if (at == null) {
      at = lastSendable = keyExpiresAt().minus(policy.keyExpiryMargin());
    }
    return at;
  }

  /** When the key was first sent (or is about to be). */
  Instant firstSentAt() {
    return firstSentAt;
  }

  /** Whether any request of this operation may have reached the server. */
  boolean mayHaveReached() {
    return mayHaveReached;
  }

  @Override
  public Step<T> start(Instant now) {
    if (!now.isBefore(lastSendable())) {
      return new Step.Fail<>(new IdempotencyKeyExpiredException(
          "Idempotency-Key " + key + " was first used too long ago: the server forgets it at " + keyExpiresAt()
              + " (less a safety margin of " + policy.keyExpiryMargin() + "), and re-sending it could create"
              + " a second resource. Nothing was sent.", key, keyExpiresAt()), null, false);
    }
    sent = Kind.POST;
    return new Step.Send<>(post, 0, DelaySource.IMMEDIATE, null);
  }

  // ---- answers ----------------------------------------------------------------------------

  @Override
  public Step<T> onResponse(HttpResponse response, Instant now) {
    return switch (sent) {
      case POST -> onPostAnswer(response, now);
      case POLL -> onPollAnswer(response, now);
      case READ_BACK -> onReadBackAnswer(response, now);
      case NAMED -> onNamedAnswer(response, now);
    };
  }

  private Step<T> onPostAnswer(HttpResponse response, Instant now) {
    int status = response.statusCode();
    boolean markedReplay = replayHeader != null
        && profile.replayHeaderValue().equalsIgnoreCase(response.header(replayHeader).orElse("").strip());
    if (response.isSuccessful()) {
      return onSuccess(response, markedReplay || serverHadKey, false, now);
    }
    ApiException error = ApiErrors.toException(response, key, redactor, profile);
    if (markedReplay) {
      // The key's stored answer: re-sending would replay it forever.
      mayHaveReached = true;
      serverHadKey = true;
      if (status >= 500) {
        return end(StopReason.STORED_SERVER_ERROR, error, false, now);
      }
      return refused(error);
    }
    if (error instanceof IdempotencyKeyReusedException) {
      return refused(error);
    }
    IdempotencyProfile.Situation situation = status >= 400 && status < 500
        ? profile.classify(status, ApiErrors.codes(response.body())).orElse(null) : null;
    if (situation == IdempotencyProfile.Situation.BUSINESS_CONFLICT) {
      return refused(error);
    }
    if (situation == IdempotencyProfile.Situation.ALREADY_DONE || situation == IdempotencyProfile.Situation.IN_PROGRESS) {
      if (!keyFromCaller && !keyUsedBefore && !mayHaveReached) {
        // No one else can hold a key minted for this call, and none of ours arrived: this is
        // the API's own conflict (a duplicate reference, a state clash), not idempotency.
        return refused(error);
      }
      mayHaveReached = true;
      serverHadKey = true;
      if (situation == IdempotencyProfile.Situation.ALREADY_DONE) {
        if (profile.recovery() == IdempotencyProfile.Recovery.NAMED_RESOURCE) {
          return readNamed(response, error, now);
        }
        afterConflict = true;
        if (route == Route.ABSENT) {
          return end(StopReason.ANSWER_NOT_RECOVERABLE, error, false, now);
        }
        return retry(Kind.POLL, error, status, null, true, now);
      }
      return retry(route == Route.ABSENT ? Kind.POST : Kind.POLL, error, status, response, false, now);
    }
    boolean transientStatus = status == 408 || status == 429 || (status >= 500 && status != 501 && status != 505);
    String hint = profile.retryHintHeader().flatMap(response::header).map(String::strip).orElse("");
    if (hint.equalsIgnoreCase("true") && !transientStatus) {
      // The server says this answer may be retried with the same key (Stripe-Should-Retry,
      // Adyen's Transient-Error); whether the attempt was acted on, it does not say.
      mayHaveReached = true;
      return retry(Kind.POST, error, status, response, false, now);
    }
    if (hint.equalsIgnoreCase("false") && profile.retryHintFalseStops() && transientStatus) {
      // The server says a retry will not succeed: end now rather than spend the attempts.
      if (status >= 500) {
        mayHaveReached = true;
      }
      return mayHaveReached ? end(StopReason.AMBIGUOUS_ERROR, error, true, now) : refused(error);
    }
    if (status == 408 || status == 429) {
      return retry(Kind.POST, error, status, response, false, now); // not acted on, by definition
    }
    if (status >= 500 && status != 501 && status != 505) {
      mayHaveReached = true;
      return retry(Kind.POST, error, status, response, false, now);
    }
    // Any other 4xx, a 3xx, 501, 505: final if nothing of ours can have arrived before; after a
    // maybe-sent attempt it says nothing about that attempt (a token that expired meanwhile, a
    // proxy during a deploy).
    if (mayHaveReached) {
      return end(StopReason.AMBIGUOUS_ERROR, error, true, now);
    }
    return refused(error);
  }

  /**
   * "Already done", naming the resource: read it at the {@code POST}'s URL plus its id, at once
   * (the one immediate read). An answer that names none (yet) is waited out as "in progress".
   */
  private Step<T> readNamed(HttpResponse response, ApiException error, Instant now) {
    String id = ApiErrors.field(response.body(), profile.resourceIdField().orElse(""));
    if (id == null || id.isBlank() || id.length() > 255) {
      return retry(Kind.POST, error, response.statusCode(), response, false, now);
    }
    String url = post.url();
    int query = url.indexOf('?');
    String collection = query < 0 ? url : url.substring(0, query);
    named = new HttpRequest("GET", (collection.endsWith("/") ? collection : collection + "/")
        + java.net.URLEncoder.encode(id.strip(), java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"),
        Map.of("Accept", "application/json"), null);
    return retry(Kind.NAMED, error, response.statusCode(), null, true, now);
  }

  /** The answer to the read of the resource an "already done" answer named. */
  private Step<T> onNamedAnswer(HttpResponse response, Instant now) {
    int status = response.statusCode();
    if (response.isSuccessful()) {
      AnswerReader.Answer<T> answer = reader.read(response);
      if (answer.verdict() == AnswerReader.Verdict.MATCHES && answer.value() != null) {
        return new Step.Done<>(answer.value(), response, attempts, ReplayStatus.REPLAYED);
      }
      if (answer.verdict() == AnswerReader.Verdict.CONTRADICTS) {
        // The server keeps the key for another request's resource: the key was reused.
        return refused(new IdempotencyKeyReusedException(status, null,
            "the resource the server names for " + profile.keyHeader() + " " + key + " (" + pending.url()
                + ") is another request's (" + answer.detail() + "): the key was used for another operation", key));
      }
      return end(StopReason.UNUSABLE_ANSWER, new InvalidResponseException(
          "the resource the server names for the key (" + pending.url() + ") answered " + status + " with "
              + describeUnusable(answer), status, key, answer.cause()), false, now);
    }
    ApiException error = ApiErrors.toException(response, key, redactor);
    if (status == 408 || status == 429 || (status >= 500 && status != 501 && status != 505)) {
      return retry(Kind.NAMED, error, status, response, false, now);
    }
    return end(StopReason.ANSWER_NOT_RECOVERABLE, error, false, now);
  }

  private Step<T> onPollAnswer(HttpResponse response, Instant now) {
    int status = response.statusCode();
    if (status == 200) {
      HttpResponse stored;
      try {
        stored = StoredResponses.decode(response.body());
      } catch (TransferJson.JsonProblem e) {
        route = Route.ABSENT; // a route that answers this cannot settle anything
        return end(StopReason.UNUSABLE_ANSWER, new InvalidResponseException(
            "GET /responses/" + key + " answered 200 with something that is not a stored response: "
                + redactor.scrub(e.getMessage()), 200, key, e), false, now);
      }
      route = Route.PRESENT;
      serverHadKey = true;
      if (stored.isSuccessful()) {
        return onSuccess(stored, true, true, now);
      }
      ApiException error = ApiErrors.toException(stored, key, redactor, profile);
      if (stored.statusCode() >= 500) {
        return end(StopReason.STORED_SERVER_ERROR, error, false, now);
      }
      return refused(error); // the stored answer is the operation's final one
    }
    ApiException error = ApiErrors.toException(response, key, redactor);
    if (finalLookup) {
      return failStopping(now);
    }
    if (status == 408 || status == 429 || (status >= 500 && status != 501 && status != 505)) {
      return retry(Kind.POLL, error, status, response, false, now);
    }
    if (status == 404 && afterConflict) {
      // The server said the key's operation is done, so the route should exist: 404 means
      // "not stored yet" (MangoPay answers so while it still works). But a server without the
      // route answers 404 too: after a few, stop asking.
      if (++emptyPollsAfterConflict > EMPTY_POLLS_AFTER_CONFLICT) {
        route = Route.ABSENT;
        return end(StopReason.ANSWER_NOT_RECOVERABLE, error, false, now);
      }
      return retry(Kind.POLL, error, status, response, false, now);
    }
    // 404: nothing stored (the server is still working, or has no such route); 405, 410, 501, a
    // 3xx or any other answer: no usable route. The same POST with the same key is the way on,
    // unless the server said the operation is done, which a re-POST would only repeat.
    route = Route.ABSENT;
    if (afterConflict) {
      return end(StopReason.ANSWER_NOT_RECOVERABLE, error, false, now);
    }
    return retry(Kind.POST, error, status, null, false, now);
  }

  private Step<T> onReadBackAnswer(HttpResponse response, Instant now) {
    int status = response.statusCode();
    if (response.isSuccessful()) {
      AnswerReader.Answer<T> answer = reader.read(response);
      if (answer.verdict() == AnswerReader.Verdict.MATCHES && answer.value() != null) {
        return new Step.Done<>(answer.value(), response, attempts, readBackReplay);
      }
      return end(StopReason.UNUSABLE_ANSWER, new InvalidResponseException(
          "the created resource's Location (" + pending.url() + ") answered " + status + " with "
              + describeUnusable(answer), status, key, answer.cause()), true, now);
    }
    ApiException error = ApiErrors.toException(response, key, redactor);
    if (status == 408 || status == 429 || (status >= 500 && status != 501 && status != 505)) {
      return retry(Kind.READ_BACK, error, status, response, false, now);
    }
    return end(StopReason.UNUSABLE_ANSWER, error, true, now);
  }

  /** A success answer: the first answer, a replay, or a stored one. */
  private Step<T> onSuccess(HttpResponse response, boolean replay, boolean stored, Instant now) {
    int status = response.statusCode();
    AnswerReader.Answer<T> answer = reader.read(response);
    switch (answer.verdict()) {
      case MATCHES -> {
        if (answer.value() == null) {
          break; // a reader that breaks its contract: unusable
        }
        return new Step.Done<>(answer.value(), response, attempts, replayStatus(replay));
      }
      case EMPTY -> {
        mayHaveReached = true; // the server says the resource exists
        return readBack(response, replayStatus(replay), now);
      }
      case CONTRADICTS -> {
        // Only a key someone else may hold (the caller's own, or one sent before) can carry
        // another operation's answer; a key minted for this call cannot, whatever the server says.
        boolean keyMayBeShared = keyFromCaller || keyUsedBefore;
        if ((replay || stored) && keyMayBeShared) {
          // The server's stored answer for this key is another request's: the key was reused.
          return refused(new IdempotencyKeyReusedException(status, null,
              "the server's stored answer for Idempotency-Key " + key + " is for another request ("
                  + answer.detail() + "): the key was used for another operation", key));
        }
        if (stored) {
          // The server's store holds another request's answer for a key only this call has
          // used: it cannot be trusted to settle anything.
          mayHaveReached = true;
          route = Route.ABSENT;
          return end(StopReason.UNUSABLE_ANSWER, new InvalidResponseException("GET /responses/" + key
              + " holds another request's answer (" + answer.detail() + ") for a key minted for this call", status, key,
              null), false, now);
        }
        // A fresh key cannot have another request's answer: a stray response (an extra answer
        // left on a reused connection, a confused proxy), marked as a replay or not. This
        // attempt's own answer is lost.
        mayHaveReached = true;
        return retry(Kind.POST, new InvalidResponseException(
            "the answer to " + post + " is not this request's (" + answer.detail() + ")", status, key, null),
            status, null, false, now);
      }
      case UNREADABLE -> { }
    }
    mayHaveReached = true;
    if (stored) {
      route = Route.ABSENT;
    }
    return end(StopReason.UNUSABLE_ANSWER, new InvalidResponseException(
        "the server's " + status + " answer to " + post + " cannot be used: " + describeUnusable(answer),
        status, key, answer.cause()), true, now);
  }

  /** A success without a body: read the resource at its {@code Location}, on the API's origin only. */
  private Step<T> readBack(HttpResponse response, ReplayStatus replay, Instant now) {
    int status = response.statusCode();
    String location = response.header("Location").orElse(null);
    if (location == null || location.isBlank()) {
      return end(StopReason.UNUSABLE_ANSWER, new InvalidResponseException(
          "the server answered " + status + " with neither a body nor a Location", status, key, null), true, now);
    }
    URI target;
    try {
      target = base.resolve(location.strip());
    } catch (IllegalArgumentException e) {
      return end(StopReason.UNUSABLE_ANSWER, new InvalidResponseException(
          "the created resource's Location is not a URL", status, key, e), true, now);
    }
    if (!apiOrigin.equals(Origin.of(target))) {
      // Never follow the API's answer to another origin: the token would not go there, and the
      // caller did not ask to trust it.
      return end(StopReason.UNUSABLE_ANSWER, new InvalidResponseException(
          "the created resource's Location points to another origin (" + Origin.of(target) + ")", status, key, null),
          true, now);
    }
    readBackReplay = replay;
    HttpRequest get = new HttpRequest("GET", target.toString(), Map.of("Accept", "application/json"), null);
    if (attempts >= policy.maxAttempts()) {
      return end(StopReason.ATTEMPTS_EXHAUSTED, new InvalidResponseException(
          "the server answered " + status + " without a body, and no attempt is left to read its Location",
          status, key, null), false, now);
    }
    // A follow-up, not a retry: the resource exists, so it is read at once.
    sent = Kind.READ_BACK;
    pending = get;
    return new Step.Send<>(get, 0, DelaySource.IMMEDIATE, null);
  }

  // ---- failures ---------------------------------------------------------------------------

  @Override
  public Step<T> onFailure(RuntimeException failure, Instant now) {
    if (failure instanceof NetworkException n) {
      NetworkException e = withKey(n);
      if (sent == Kind.POST) {
        mayHaveReached |= n.requestMayHaveReachedServer();
      }
      if (finalLookup) {
        return failStopping(now);
      }
      return retry(sent, e, 0, null, false, now);
    }
    if (failure instanceof InvalidResponseException i) {
      // The transport read a status but not the body (it was beyond the bound). Judge by the
      // status: a success is unusable, an error is what its status says.
      if (i.statusCode() >= 200 && i.statusCode() < 300) {
        mayHaveReached = true;
        if (sent == Kind.POLL) {
          route = Route.ABSENT;
        }
        if (finalLookup) {
          return failStopping(now);
        }
        return end(StopReason.UNUSABLE_ANSWER, withKey(i), sent != Kind.POLL, now);
      }
      return onResponse(new HttpResponse(i.statusCode(), Map.of(), HttpResponse.emptyBody()), now);
    }
    if (failure instanceof PaymentsException p) {
      // The transport could not send it (closed, malformed): nothing of this attempt left.
      return end(StopReason.TRANSPORT_FAILURE, withKey(p), false, now);
    }
    // Not a failure the transport classifies: it may have gone out.
    if (sent == Kind.POST) {
      mayHaveReached = true;
    }
    return end(StopReason.TRANSPORT_FAILURE, new PaymentsException(
        pending + " failed unexpectedly (" + failure.getClass().getName() + ")", key, failure), false, now);
  }

  @Override
  public Step<T> stop(StopReason reason, Instant now) {
    PaymentsException cause = lastPostFailure != null ? lastPostFailure : lastFailure;
    return fail(reason, describe(reason, now), cause, null);
  }

  @Override
  public Step<T> abort(StopReason reason, RuntimeException cause, Instant now) {
    if (sent == Kind.POST) {
      mayHaveReached = true;
    }
    PaymentsException wrapped = cause instanceof PaymentsException p ? withKey(p)
        : new PaymentsException(pending + " was cut off (" + cause.getClass().getName() + ")", key, cause);
    return fail(reason, describe(reason, now), wrapped, null);
  }

  // ---- deciding what follows --------------------------------------------------------------

  /** The server's final verdict on the key: no resource exists for it. */
  private Step<T> refused(PaymentsException error) {
    return new Step.Fail<>(error, null, retried);
  }

  /**
   * Sends {@code next} after the right wait, or ends the operation when attempts, time or the
   * key's window do not allow it.
   *
   * @param answer the answer whose {@code Retry-After} sets the wait, if any
   * @param immediate the one read allowed without a wait (after a creation conflict)
   */
  private Step<T> retry(
      Kind next, PaymentsException cause, int status, @Nullable HttpResponse answer, boolean immediate, Instant now) {
    lastFailure = cause;
    if (sent == Kind.POST) {
      lastPostFailure = cause;
    }
    if (attempts >= policy.maxAttempts()) {
      return end(StopReason.ATTEMPTS_EXHAUSTED, cause, status, true, now);
    }
    if (next == Kind.POST && attempts + 1 == policy.maxAttempts() && mayHaveReached && route != Route.ABSENT) {
      next = Kind.POLL; // the last request allowed: ask for the stored answer rather than re-POST
    }
    Wait wait;
    if (immediate && !immediateReadUsed) {
      immediateReadUsed = true;
      wait = new Wait(0, DelaySource.IMMEDIATE);
    } else {
      wait = waitAfter(answer, now);
    }
    if (!fitsBeforeDeadline(wait.millis(), now)) {
      return end(StopReason.DEADLINE, cause, status, true, now, wait);
    }
    if (next == Kind.POST && !now.plusMillis(wait.millis()).isBefore(lastSendable())) {
      // Past its window the server would take the key as new: never POST it again.
      return end(StopReason.KEY_WINDOW_CLOSING, cause, status, true, now);
    }
    if (!budget.tryRetry(next == Kind.POST ? RetryBudgetTracker.Draw.RETRY : RetryBudgetTracker.Draw.LOOKUP, now)) {
      return end(StopReason.RETRY_BUDGET_EXHAUSTED, cause, status, true, now);
    }
    AttemptEvent event = event(key, status, cause, true, wait);
    sent = next;
    return send(request(next), wait, event);
  }

  private Step<T> end(StopReason reason, PaymentsException cause, boolean lookup, Instant now) {
    return end(reason, cause, statusOf(cause), lookup, now);
  }

  private Step<T> end(StopReason reason, PaymentsException cause, int status, boolean lookup, Instant now) {
    return end(reason, cause, status, lookup, now, null);
  }

  /**
   * Ends the operation for {@code reason}; first, when an attempt may have reached the server and
   * the server may offer it, with one last {@code GET /responses/{key}}.
   */
  private Step<T> end(
      StopReason reason, PaymentsException cause, int status, boolean lookup, Instant now, @Nullable Wait refused) {
    lastFailure = cause;
    PaymentsException reported = reason == StopReason.AMBIGUOUS_ERROR || reason == StopReason.UNUSABLE_ANSWER
        || reason == StopReason.STORED_SERVER_ERROR || reason == StopReason.ANSWER_NOT_RECOVERABLE
        || lastPostFailure == null ? cause : lastPostFailure;
    String why = describe(reason, now) + (refused == null ? ""
        : " (the next wait of " + refused.millis() + " ms would pass the deadline of " + policy.maxElapsed() + ")");
    if (lookup && mayHaveReached && route != Route.ABSENT && sent != Kind.POLL && !finalLookup
        && attempts < policy.maxAttempts()) {
      Wait floor = new Wait(backoff.floorMillis(), DelaySource.BACKOFF);
      if (fitsBeforeDeadline(floor.millis(), now)) {
        if (budget.tryRetry(RetryBudgetTracker.Draw.LOOKUP, now)) {
          finalLookup = true;
          stopping = reason;
          stoppingCause = reported;
          stoppingWhy = why;
          AttemptEvent event = event(key, status, cause, true, floor);
          sent = Kind.POLL;
          return send(request(Kind.POLL), floor, event);
        }
        why += "; the retry budget (" + StopReason.RETRY_BUDGET_EXHAUSTED + ") refused the last lookup of GET /responses/"
            + key;
      }
    }
    AttemptEvent event = attempts == 0 ? null : event(key, status, cause, false, new Wait(0, DelaySource.IMMEDIATE));
    return fail(reason, why, reported, event);
  }

  private @Nullable String stoppingWhy;

  /** The last lookup did not settle it: end for the reason that started it. */
  private Step<T> failStopping(Instant now) {
    StopReason reason = stopping == null ? StopReason.ATTEMPTS_EXHAUSTED : stopping;
    String why = stoppingWhy == null ? describe(reason, now) : stoppingWhy;
    PaymentsException last = lastFailure;
    AttemptEvent event = last == null ? null : event(key, 0, last, false, new Wait(0, DelaySource.IMMEDIATE));
    return fail(reason, why + "; the last lookup of GET /responses/" + key + " found nothing", stoppingCause, event);
  }

  private Step<T> fail(
      StopReason reason, String why, @Nullable PaymentsException cause, @Nullable AttemptEvent event) {
    if (mayHaveReached) {
      return new Step.Fail<>(new OutcomeUnknownException(
          "The outcome of " + post + " is unknown (" + why + "): the server may have received it. Send it again with"
              + " the same parameters and " + profile.keyHeader() + " " + key + " (first sent at " + firstSentAt + ") before "
              + keyExpiresAt() + " to settle it; last failure: " + messageOf(cause),
          key, firstSentAt, keyExpiresAt(), attempts, reason, cause), event, retried);
    }
    return new Step.Fail<>(new RequestNotSentException(
        "Nothing was created: no attempt of " + post + " can have reached the server or been acted on (" + why
            + "); last failure: " + messageOf(cause), key, attempts, reason, cause), event, retried);
  }

  private String describe(StopReason reason, Instant now) {
    return switch (reason) {
      case ATTEMPTS_EXHAUSTED -> "after " + plural(attempts, "attempt");
      case DEADLINE -> "the deadline of " + policy.maxElapsed() + " came after " + plural(attempts, "attempt");
      case KEY_WINDOW_CLOSING -> "the key's window closes at " + keyExpiresAt();
      case AMBIGUOUS_ERROR -> "an error answer after an attempt that may have reached the server";
      case STORED_SERVER_ERROR -> "the server stored a server error as the key's answer";
      case UNUSABLE_ANSWER -> "the server's answer could not be used";
      case ANSWER_NOT_RECOVERABLE -> "the server says the operation is done but offers no way to read its answer";
      case CLIENT_CLOSED -> "the client was closed";
      case INTERRUPTED -> "the thread was interrupted";
      case TRANSPORT_FAILURE -> "the transport failed";
      case RETRY_BUDGET_EXHAUSTED -> "RETRY_BUDGET_EXHAUSTED: the client's retry budget is spent (across its operations,"
          + " retries used up what the operations started allow, as when the server fails most requests)";
      case CANCELLED -> "the operation was cancelled";
    };
  }

  private ReplayStatus replayStatus(boolean replay) {
    if (replay) {
      return ReplayStatus.REPLAYED;
    }
    return mayHaveReached || keyFromCaller || keyUsedBefore ? ReplayStatus.UNKNOWN : ReplayStatus.ORIGINAL;
  }

  private HttpRequest request(Kind kind) {
    return switch (kind) {
      case POST -> post;
      case POLL -> {
        if (poll == null) {
          poll = new HttpRequest("GET", base.resolve("responses/" + key).toString(),
              Map.of("Accept", "application/json"), null);
        }
        yield poll;
      }
      case READ_BACK -> pending; // a read-back is retried as it was
      case NAMED -> java.util.Objects.requireNonNull(named, "named");
    };
  }

  private static int statusOf(PaymentsException e) {
    if (e instanceof ApiException a) {
      return a.statusCode();
    }
    return e instanceof InvalidResponseException i ? i.statusCode() : 0;
  }

  private static String describeUnusable(AnswerReader.Answer<?> answer) {
    return switch (answer.verdict()) {
      case EMPTY -> "no body";
      case CONTRADICTS -> "another request's answer (" + answer.detail() + ")";
      default -> answer.detail();
    };
  }

  private NetworkException withKey(NetworkException e) {
    return e.idempotencyKey().isPresent() ? e
        : new NetworkException(e.getMessage() == null ? "network failure" : e.getMessage(),
            e.requestMayHaveReachedServer(), key, e.getCause());
  }

  private PaymentsException withKey(PaymentsException e) {
    if (e.idempotencyKey().isPresent()) {
      return e;
    }
    if (e instanceof InvalidResponseException i) {
      return new InvalidResponseException(String.valueOf(i.getMessage()), i.statusCode(), key, i.getCause());
    }
    return new PaymentsException(String.valueOf(e.getMessage()), key, e);
  }
}

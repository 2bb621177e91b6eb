package dev.onceonly.internal;

import dev.onceonly.ApiException;
import dev.onceonly.DelaySource;
import dev.onceonly.InvalidResponseException;
import dev.onceonly.NetworkException;
import dev.onceonly.PaymentsException;
import dev.onceonly.ReplayStatus;
import dev.onceonly.RetryPolicy;
import dev.onceonly.StopReason;
import dev.onceonly.http.HttpRequest;
import dev.onceonly.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The decision core of a safe read ({@code GET}): retried on the same transient failures as a
 * create (connect failures, timeouts, {@code 408}, {@code 429}, {@code 5xx} but {@code 501} and
 * {@code 505}), within the same deadline and attempt budget; a read cannot create anything, so
 * its failures are plain: the last error seen.
 */
final class ReadDecider<T> extends BaseDecider<T> {

  private final HttpRequest get;
  private final AnswerReader<T> reader;
  private @Nullable PaymentsException lastFailure;

  ReadDecider(RetryPolicy policy, Backoff backoff, RetryBudgetTracker budget, Redactor redactor, HttpRequest get,
      AnswerReader<T> reader, Instant now) {
    super(policy, backoff, budget, redactor, now, get);
    this.get = get;
    this.reader = reader;
  }

  @Override
  public Step<T> start(Instant now) {
    return new Step.Send<>(get, 0, DelaySource.IMMEDIATE, null);
  }

  @Override
  public Step<T> onResponse(HttpResponse response, Instant now) {
    int status = response.statusCode();
    if (response.isSuccessful()) {
      AnswerReader.Answer<T> answer = reader.read(response);
      if (answer.verdict() == AnswerReader.Verdict.MATCHES && answer.value() != null) {
        return new Step.Done<>(answer.value(), response, attempts, ReplayStatus.ORIGINAL);
      }
      return new Step.Fail<>(new InvalidResponseException("the server's " + status + " answer to " + get
          + " cannot be used: " + answer.detail(), status, null, answer.cause()), null, retried);
    }
    ApiException error = ApiErrors.toException(response, null, redactor);
    if (status == 408 || status == 429 || (status >= 500 && status != 501 && status != 505)) {
      return retry(error, status, response, now);
    }
    return new Step.Fail<>(error, null, retried);
  }

  @Override
  public Step<T> onFailure(RuntimeException failure, Instant now) {
    if (failure instanceof NetworkException n) {
      return retry(n, 0, null, now);
    }
    if (failure instanceof InvalidResponseException i && i.statusCode() >= 500) {
      return onResponse(new HttpResponse(i.statusCode(), Map.of(), HttpResponse.emptyBody()), now);
    }
    PaymentsException error = failure instanceof PaymentsException p ? p
        : new PaymentsException(get + " failed unexpectedly (" + failure.getClass().getName() + ")", null, failure);
    return new Step.Fail<>(error, null, retried);
  }

  @Override
  public Step<T> stop(StopReason reason, Instant now) {
    return new Step.Fail<>(new PaymentsException(get + " did not complete (" + reason + " after "
        + plural(attempts, "attempt") + "); last failure: " + messageOf(lastFailure), null, lastFailure), null, retried);
  }

  @Override
  public Step<T> abort(StopReason reason, RuntimeException cause, Instant now) {
    return new Step.Fail<>(new PaymentsException(get + " was cut off (" + reason + ")", null, cause), null, retried);
  }

  private Step<T> retry(PaymentsException cause, int status, @Nullable HttpResponse answer, Instant now) {
    lastFailure = cause;
    Wait wait = waitAfter(answer, now);
    if (attempts >= policy.maxAttempts() || !fitsBeforeDeadline(wait.millis(), now)) {
      return new Step.Fail<>(cause, event(null, status, cause, false, wait), retried);
    }
    if (!budget.tryRetry(RetryBudgetTracker.Draw.RETRY, now)) {
      return new Step.Fail<>(new PaymentsException(get + " was not retried (" + StopReason.RETRY_BUDGET_EXHAUSTED
          + ": the client's retry budget is spent, as when the server fails most requests) after "
          + plural(attempts, "attempt") + "; last failure: " + messageOf(cause), null, cause),
          event(null, status, cause, false, wait), retried);
    }
    return send(get, wait, event(null, status, cause, true, wait));
  }
}

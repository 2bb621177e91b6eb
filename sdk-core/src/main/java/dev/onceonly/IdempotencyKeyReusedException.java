package dev.onceonly;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The server says this {@code Idempotency-Key} was already used with a different request body
 * ({@code 422}, {@code 417}, or a {@code 400} with an idempotency code), or its stored answer is
 * for another request. Never retried: the key belongs to another operation, and re-sending
 * cannot help. Use a new key for a new operation.
 */
public class IdempotencyKeyReusedException extends ApiException {

  public IdempotencyKeyReusedException(
      int statusCode, @Nullable String code, String message, @Nullable String idempotencyKey) {
    super(statusCode, code, message, idempotencyKey);
  }

  public IdempotencyKeyReusedException(
      int statusCode,
      @Nullable String code,
      String message,
      @Nullable String idempotencyKey,
      @Nullable String requestId,
      List<FieldError> fieldErrors) {
    super(statusCode, code, message, idempotencyKey, requestId, fieldErrors);
  }
}

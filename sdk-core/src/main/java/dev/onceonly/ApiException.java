package dev.onceonly;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The server answered with an HTTP error.
 *
 * <p>{@link #code()} is the machine-readable code from whichever error-body style the server
 * speaks (Dwolla's {@code code}, MangoPay's {@code Type}, RFC 9457's {@code type}), and
 * {@link #getMessage()} is the server's human-readable message, or a bounded excerpt of the
 * body when it is not JSON.
 */
public class ApiException extends PaymentsException {

  private final int statusCode;
  private final @Nullable String code;

  public ApiException(
      int statusCode, @Nullable String code, String message, @Nullable String idempotencyKey) {
    super(message, idempotencyKey, null);
    this.statusCode = statusCode;
    this.code = code;
  }

  /** The HTTP status, such as {@code 400}. */
  public int statusCode() {
    return statusCode;
  }

  /** The machine code from the error body, such as {@code ValidationError}. */
  public Optional<String> code() {
    return Optional.ofNullable(code);
  }
}

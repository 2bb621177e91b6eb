package dev.onceonly;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The server answered with an HTTP error.
 *
 * <p>{@link #code()} is the machine-readable code from whichever error-body style the server
 * speaks (Dwolla's {@code code}, MangoPay's {@code Type}, RFC 9457's {@code type}), and
 * {@link #getMessage()} is the server's human-readable message, or a bounded excerpt of the
 * body when it is not JSON. {@link #requestId()} is the server's id for the request (from
 * {@code Request-Id} or {@code X-Request-Id}), what its support asks for, and
 * {@link #fieldErrors()} lists every field the server complained about. All server text is
 * bounded and scrubbed of anything that looks like a credential.
 */
public class ApiException extends PaymentsException {

  /**
   * One field the server refused.
   *
   * @param field the field's path or name as the server gave it ({@code /amount/value}), or empty
   * @param code the server's code for the problem, if any
   * @param message what is wrong with it
   */
  public record FieldError(String field, @Nullable String code, String message) {
    public FieldError {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(message, "message");
    }
  }

  private final int statusCode;
  private final @Nullable String code;
  private final @Nullable String requestId;
  private final List<FieldError> fieldErrors;

  public ApiException(
      int statusCode, @Nullable String code, String message, @Nullable String idempotencyKey) {
    this(statusCode, code, message, idempotencyKey, null, List.of());
  }

  public ApiException(
      int statusCode,
      @Nullable String code,
      String message,
      @Nullable String idempotencyKey,
      @Nullable String requestId,
      List<FieldError> fieldErrors) {
    super(message, idempotencyKey, null);
    this.statusCode = statusCode;
    this.code = code;
    this.requestId = requestId;
    this.fieldErrors = List.copyOf(fieldErrors);
  }

  /** The HTTP status, such as {@code 400}. */
  public int statusCode() {
    return statusCode;
  }

  /** The machine code from the error body, such as {@code ValidationError}. */
  public Optional<String> code() {
    return Optional.ofNullable(code);
  }

  /** The server's id for the request ({@code Request-Id} or {@code X-Request-Id}), if it sent one. */
  public Optional<String> requestId() {
    return Optional.ofNullable(requestId);
  }

  /** Every field error the body lists (Dwolla's {@code _embedded.errors}, MangoPay's {@code errors}, RFC 9457's {@code invalid-params}/{@code errors}). */
  public List<FieldError> fieldErrors() {
    return fieldErrors;
  }
}

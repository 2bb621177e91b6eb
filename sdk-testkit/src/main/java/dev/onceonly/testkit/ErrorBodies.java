package dev.onceonly.testkit;

import com.squareup.moshi.JsonWriter;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The error answers of one dialect, in its style: Dwolla's ({@code code}, {@code message},
 * {@code _embedded.errors}) for {@link Dialect#FULL} and {@link Dialect#DWOLLA}, MangoPay's
 * ({@code Message}, {@code Type}, {@code Id}, {@code Date}, {@code errors}), RFC 9457 problem
 * details for {@link Dialect#IETF}, Stripe's and GoCardless's {@code error} objects, and
 * Increase's ({@code status}, {@code type}, {@code title}, {@code detail}).
 *
 * <p>Only idempotency errors carry a code with the word "idempotency" (or MangoPay's
 * "idempotent"): a client may read such a code on a {@code 400} as "key reused", so a malformed
 * key is reported as a plain bad request.
 */
final class ErrorBodies {

  static final String PROBLEM_BASE = "https://onceonly.dev/problems/";
  static final String CREATION_CONFLICT_MESSAGE =
      "A resource has already been created with this Idempotency Key";

  /** The kinds of error, with their code in each style. */
  private enum Kind {
    VALIDATION("ValidationError", "param_error", "validation-error",
        "Validation error(s) present. See embedded errors list for more details."),
    BAD_REQUEST("BadRequest", "param_error", "bad-request", "The request is malformed."),
    UNAUTHORIZED("InvalidAccessToken", "authentication_error", "unauthorized",
        "Invalid access token."),
    // MangoPay really spells it "ressource".
    NOT_FOUND("NotFound", "ressource_not_found", "not-found",
        "The requested resource was not found."),
    METHOD_NOT_ALLOWED("MethodNotAllowed", "method_not_allowed", "method-not-allowed",
        "The method is not allowed on this resource."),
    TOO_LARGE("RequestTooLarge", "param_error", "request-too-large",
        "The request body is too large."),
    IN_PROGRESS("idempotency_request_in_progress", "idempotent_creation_conflict",
        "idempotency-request-in-progress",
        "A request with this Idempotency-Key is still being processed; retry later."),
    KEY_REUSED("idempotency_key_reused", "idempotent_creation_conflict", "idempotency-key-reused",
        "This Idempotency-Key was already used with a different request body."),
    SERVER_ERROR("ServerError", "internal_server_error", "server-error",
        "The server could not process the request; try again.");

    final String dwollaCode;
    final String mangoType;
    final String problemSlug;
    final String message;

    Kind(String dwollaCode, String mangoType, String problemSlug, String message) {
      this.dwollaCode = dwollaCode;
      this.mangoType = mangoType;
      this.problemSlug = problemSlug;
      this.message = message;
    }
  }

  private final Dialect dialect;
  private final Clock clock;

  ErrorBodies(Dialect dialect, Clock clock) {
    this.dialect = dialect;
    this.clock = clock;
  }

  Answer validation(List<FieldError> errors) {
    // GoCardless answers a request that fails validation with 422, as its API does.
    return error(Kind.VALIDATION, dialect == Dialect.GOCARDLESS ? 422 : 400, Kind.VALIDATION.message, errors);
  }

  Answer badRequest(String message) {
    return error(Kind.BAD_REQUEST, 400, message, List.of());
  }

  Answer unauthorized() {
    return error(Kind.UNAUTHORIZED, 401, Kind.UNAUTHORIZED.message, List.of())
        .withHeader("WWW-Authenticate", "Bearer");
  }

  Answer notFound() {
    return error(Kind.NOT_FOUND, 404, Kind.NOT_FOUND.message, List.of());
  }

  Answer methodNotAllowed(String allow) {
    return error(Kind.METHOD_NOT_ALLOWED, 405, Kind.METHOD_NOT_ALLOWED.message, List.of())
        .withHeader("Allow", allow);
  }

  Answer tooLarge(int limitBytes) {
    return error(Kind.TOO_LARGE, 413,
        "The request body is larger than " + limitBytes + " bytes.", List.of());
  }

  /**
   * The answer to a key whose first request is still being processed: a {@code 409}, with
   * {@code Retry-After} where the dialect sends one. MangoPay does not tell this case from a
   * finished one.
   */
  Answer inProgress(Duration retryAfter) {
    String after = Long.toString(seconds(retryAfter));
    return switch (dialect) {
      case MANGOPAY -> creationConflict();
      // Dwolla documents a 409 but not its body; a generic code keeps clients honest.
      case DWOLLA -> error(Kind.IN_PROGRESS, 409, "Conflict", Kind.IN_PROGRESS.message, List.of());
      case FULL, IETF -> error(Kind.IN_PROGRESS, 409, Kind.IN_PROGRESS.message, List.of())
          .withHeader("Retry-After", after);
      case STRIPE -> stripe(409, "invalid_request_error", "idempotency_key_in_use",
          "There is currently another in-progress request using this Idempotency-Key (that probably means you"
              + " submitted twice, and the other request is still going through): please try again later.", null)
          .withHeader("Retry-After", after).withHeader("Stripe-Should-Retry", "true");
      // Neither documents this case: the "already created" answer without the resource, which
      // does not exist yet.
      case GOCARDLESS -> goCardlessConflict(null).withHeader("Retry-After", after);
      case INCREASE -> increaseConflict(null).withHeader("Retry-After", after);
    };
  }

  /** The key was used with another body: {@code 422}, or Stripe's {@code 400 idempotency_error}. */
  Answer keyReused() {
    if (dialect == Dialect.STRIPE) {
      return stripe(400, "idempotency_error", null, "Keys for idempotent requests can only be used with the same"
          + " parameters they were first used with. Try using a key other than the one used.", null);
    }
    return error(Kind.KEY_REUSED, 422, Kind.KEY_REUSED.message, List.of());
  }

  /**
   * GoCardless's {@code 409} for a key whose resource exists, naming it (or, while the first
   * request is still at work, naming nothing: the sandbox's guess at an undocumented case).
   */
  Answer goCardlessConflict(@Nullable String resourceId) {
    return Answer.json(409, Json.write(writer -> {
      writer.beginObject().name("error").beginObject();
      writer.name("message").value("A resource has already been created with this idempotency key");
      writer.name("documentation_url").value("https://developer.gocardless.com/api-reference#idempotent_creation_conflict");
      writer.name("type").value("invalid_state");
      writer.name("request_id").value(UUID.randomUUID().toString());
      writer.name("errors").beginArray().beginObject();
      writer.name("reason").value("idempotent_creation_conflict");
      writer.name("message").value("A resource has already been created with this idempotency key");
      writer.name("links").beginObject();
      if (resourceId != null) {
        writer.name("conflicting_resource_id").value(resourceId);
      }
      writer.endObject();
      writer.endObject().endArray();
      writer.name("code").value(409);
      writer.endObject().endObject();
    }));
  }

  /**
   * Increase's {@code 409} for a key already used for an object, naming it (or, while the first
   * request is still at work, naming nothing: the sandbox's guess at an undocumented case).
   */
  Answer increaseConflict(@Nullable String resourceId) {
    return Answer.json(409, Json.write(writer -> {
      writer.beginObject();
      writer.name("status").value(409);
      writer.name("type").value("idempotency_key_already_used_error");
      writer.name("title").value("The idempotency key submitted has already been used.");
      writer.name("detail").value("The idempotency key was already used with different parameters.");
      if (resourceId != null) {
        writer.name("resource_id").value(resourceId);
      }
      writer.endObject();
    }));
  }

  /** MangoPay's {@code 409} for any reuse of a key, exactly as in its documentation. */
  Answer creationConflict() {
    return mangoPay(409, "idempotent_creation_conflict", CREATION_CONFLICT_MESSAGE, List.of());
  }

  Answer serverError(int status, Optional<Duration> retryAfter) {
    Answer error = error(Kind.SERVER_ERROR, status, Kind.SERVER_ERROR.message, List.of());
    // Stripe tells its clients whether a request may be retried; a failure before any work may.
    Answer answer = dialect == Dialect.STRIPE ? error.withHeader("Stripe-Should-Retry", "true") : error;
    return retryAfter
        .map(after -> answer.withHeader("Retry-After", Long.toString(seconds(after))))
        .orElse(answer);
  }

  private Answer error(Kind kind, int status, String message, List<FieldError> errors) {
    return error(kind, status, kind.dwollaCode, message, errors);
  }

  private Answer error(Kind kind, int status, String dwollaCode, String message,
      List<FieldError> errors) {
    return switch (dialect) {
      case FULL, DWOLLA -> dwolla(status, dwollaCode, message, errors);
      case MANGOPAY -> mangoPay(status, kind.mangoType, message, errors);
      case IETF -> problem(status, kind.problemSlug, titleOf(kind), message, errors);
      case STRIPE -> stripe(status, kind == Kind.SERVER_ERROR ? "api_error" : "invalid_request_error",
          stripeCode(kind), errors.isEmpty() ? message : errors.get(0).message(),
          errors.isEmpty() ? null : errors.get(0).path().substring(1).replace('/', '.'));
      case GOCARDLESS -> goCardless(status, kind, message, errors);
      case INCREASE -> increase(status, kind, message, errors);
    };
  }

  private static @Nullable String stripeCode(Kind kind) {
    return switch (kind) {
      case VALIDATION, BAD_REQUEST -> "parameter_invalid";
      case UNAUTHORIZED -> "api_key_invalid";
      case NOT_FOUND -> "resource_missing";
      case IN_PROGRESS -> "idempotency_key_in_use";
      default -> null;
    };
  }

  /** Stripe's {@code {"error": {"type", "code", "message", "param"}}}. */
  private static Answer stripe(int status, String type, @Nullable String code, String message, @Nullable String param) {
    return Answer.json(status, Json.write(writer -> {
      writer.beginObject().name("error").beginObject();
      if (code != null) {
        writer.name("code").value(code);
      }
      writer.name("message").value(message);
      if (param != null) {
        writer.name("param").value(param);
      }
      writer.name("type").value(type);
      writer.endObject().endObject();
    }));
  }

  /** GoCardless's {@code {"error": {"message", "type", "errors", "code"}}}; {@code code} is the status. */
  private static Answer goCardless(int status, Kind kind, String message, List<FieldError> errors) {
    String type = switch (kind) {
      case VALIDATION -> "validation_failed";
      case SERVER_ERROR -> "gocardless";
      case IN_PROGRESS, KEY_REUSED -> "invalid_state";
      default -> "invalid_api_usage";
    };
    String reason = switch (kind) {
      case BAD_REQUEST, TOO_LARGE -> "invalid_document_structure";
      case UNAUTHORIZED -> "unauthorized";
      case NOT_FOUND -> "resource_not_found";
      case METHOD_NOT_ALLOWED -> "method_not_allowed";
      case SERVER_ERROR -> "internal_server_error";
      default -> null;
    };
    return Answer.json(status, Json.write(writer -> {
      writer.beginObject().name("error").beginObject();
      writer.name("message").value(message);
      writer.name("type").value(type);
      writer.name("request_id").value(UUID.randomUUID().toString());
      writer.name("errors").beginArray();
      for (FieldError error : errors) {
        writer.beginObject();
        writer.name("field").value(error.path().substring(1).replace('/', '.'));
        writer.name("message").value(error.message());
        writer.name("request_pointer").value(error.path());
        writer.endObject();
      }
      if (errors.isEmpty() && reason != null) {
        writer.beginObject().name("reason").value(reason).name("message").value(message).endObject();
      }
      writer.endArray();
      writer.name("code").value(status);
      writer.endObject().endObject();
    }));
  }

  /** Increase's {@code {"status", "type", "title", "detail", "errors"}}. */
  private static Answer increase(int status, Kind kind, String message, List<FieldError> errors) {
    String type = switch (kind) {
      case VALIDATION -> "invalid_parameters_error";
      case BAD_REQUEST, TOO_LARGE -> "malformed_request_error";
      case UNAUTHORIZED -> "invalid_api_key_error";
      case NOT_FOUND -> "object_not_found_error";
      case METHOD_NOT_ALLOWED -> "invalid_operation_error";
      case IN_PROGRESS, KEY_REUSED -> "idempotency_key_already_used_error";
      case SERVER_ERROR -> "internal_server_error";
    };
    return Answer.json(status, Json.write(writer -> {
      writer.beginObject();
      writer.name("status").value(status);
      writer.name("type").value(type);
      writer.name("title").value(message);
      writer.name("detail").nullValue();
      if (!errors.isEmpty()) {
        writer.name("errors").beginArray();
        for (FieldError error : errors) {
          writer.beginObject().name("field").value(error.path()).name("message").value(error.message()).endObject();
        }
        writer.endArray();
      }
      writer.endObject();
    }));
  }

  private static Answer dwolla(int status, String code, String message, List<FieldError> errors) {
    return Answer.json(status, Json.write(writer -> {
      writer.beginObject();
      writer.name("code").value(code);
      writer.name("message").value(message);
      if (!errors.isEmpty()) {
        writer.name("_embedded").beginObject().name("errors").beginArray();
        for (FieldError error : errors) {
          writer.beginObject();
          writer.name("code").value(error.code());
          writer.name("message").value(error.message());
          writer.name("path").value(error.path());
          writer.endObject();
        }
        writer.endArray().endObject();
      }
      writer.endObject();
    }));
  }

  private Answer mangoPay(int status, String type, String message, List<FieldError> errors) {
    long now = clock.instant().getEpochSecond();
    return Answer.json(status, Json.write(writer -> {
      writer.beginObject();
      writer.name("Message").value(message);
      writer.name("Type").value(type);
      writer.name("Id").value(UUID.randomUUID() + "#" + now);
      writer.name("Date").value(now);
      writer.name("errors");
      if (errors.isEmpty()) {
        writer.nullValue();
      } else {
        writer.beginObject();
        for (FieldError error : errors) {
          writer.name(mangoField(error.path())).value(error.message());
        }
        writer.endObject();
      }
      writer.endObject();
    }));
  }

  private static Answer problem(int status, String slug, String title, String detail,
      List<FieldError> errors) {
    byte[] body = Json.write(writer -> {
      writer.beginObject();
      writer.name("type").value(PROBLEM_BASE + slug);
      writer.name("title").value(title);
      writer.name("detail").value(detail);
      writer.name("status").value(status);
      if (!errors.isEmpty()) {
        writer.name("errors").beginArray();
        for (FieldError error : errors) {
          writeProblemError(writer, error);
        }
        writer.endArray();
      }
      writer.endObject();
    });
    return new Answer(status, body, Answer.PROBLEM_JSON, Map.of());
  }

  private static void writeProblemError(JsonWriter writer, FieldError error) throws IOException {
    writer.beginObject();
    writer.name("pointer").value(error.path());
    writer.name("detail").value(error.message());
    writer.endObject();
  }

  private static String titleOf(Kind kind) {
    return switch (kind) {
      case VALIDATION -> "Your request is not valid.";
      case BAD_REQUEST -> "Bad request.";
      case UNAUTHORIZED -> "Unauthorized.";
      case NOT_FOUND -> "Not found.";
      case METHOD_NOT_ALLOWED -> "Method not allowed.";
      case TOO_LARGE -> "Request too large.";
      case IN_PROGRESS -> "A request with this Idempotency-Key is in progress.";
      case KEY_REUSED -> "Idempotency-Key is already used.";
      case SERVER_ERROR -> "Server error.";
    };
  }

  /** MangoPay names fields with dots: {@code /amount/value} becomes {@code amount.value}. */
  private static String mangoField(String pointer) {
    return pointer.substring(1).replace('/', '.');
  }

  /** Whole seconds, rounded up: a client must not come back before the server said. */
  static long seconds(Duration duration) {
    long seconds = duration.getSeconds();
    return duration.getNano() > 0 ? seconds + 1 : seconds;
  }
}

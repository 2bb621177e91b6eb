package dev.onceonly.testkit;

import dev.onceonly.IdempotencyProfile;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which real server the sandbox imitates: the "server variants" of the protocol, and the APIs of
 * the SDK's profiles, which differ in what they answer to a repeated {@code Idempotency-Key} and
 * in the shape of their error bodies. {@link #profile()} is the SDK profile that speaks each.
 */
public enum Dialect {

  /**
   * Everything in the protocol. A repeated key with the same body gets the stored answer again
   * (same status, body and {@code Location}) plus {@code Idempotent-Replayed: true}; a key still
   * in progress gets {@code 409} {@code idempotency_request_in_progress} with {@code Retry-After};
   * a key reused with another body gets {@code 422} {@code idempotency_key_reused};
   * {@code GET /responses/{key}} serves stored answers. Error bodies are Dwolla's.
   */
  FULL,

  /**
   * Dwolla: a transfer is created with {@code 201}, an empty body and a {@code Location} (the
   * client then reads the transfer from there). A repeated key gets the original answer again,
   * unmarked, whatever the body (Dwolla does not document a mismatch; ignoring the body is the
   * case a client can least detect). A key in progress gets a plain {@code 409}. There is no
   * {@code /responses} route. Error bodies are Dwolla's.
   */
  DWOLLA,

  /**
   * MangoPay: every reuse of a key, finished or in progress, same body or not, gets {@code 409}
   * with {@code Type: idempotent_creation_conflict}; the stored answer is read with
   * {@code GET /responses/{key}}. Error bodies are MangoPay's.
   */
  MANGOPAY,

  /**
   * The IETF draft (and Stripe): replays marked with {@code Idempotent-Replayed: true},
   * {@code 409} with {@code Retry-After} while in progress, {@code 422} on another body, errors
   * as RFC 9457 problem details, no {@code /responses} route.
   */
  IETF,

  /**
   * Stripe (API v1), as documented: keys up to 255 characters; a repeated key with the same body
   * replays the stored answer with {@code Idempotent-Replayed: true}; another body gets
   * {@code 400} {@code {"error": {"type": "idempotency_error"}}}; a key in progress gets
   * {@code 409} {@code idempotency_key_in_use} with {@code Stripe-Should-Retry: true}; server
   * errors carry {@code Stripe-Should-Retry: true}; no {@code /responses} route. Error bodies are
   * Stripe's {@code error} objects.
   */
  STRIPE,

  /**
   * GoCardless: every reuse of a key whose resource was created, same body or not, gets
   * {@code 409} with {@code error.errors[0].reason: idempotent_creation_conflict} and the
   * resource's id in {@code links.conflicting_resource_id} (documented); a key whose first
   * request failed gets that failure again. Undocumented, so the sandbox's choice: a key still in
   * progress gets the same conflict without a resource id, and {@code Retry-After}. Validation
   * errors are {@code 422 validation_failed}, as GoCardless's are. No {@code /responses} route;
   * replays are not marked.
   */
  GOCARDLESS,

  /**
   * Increase: keys up to 200 characters; a repeated key with the same body replays the object
   * with {@code Idempotent-Replayed: true}; another body gets {@code 409}
   * {@code idempotency_key_already_used_error} with the object's {@code resource_id}
   * (documented). Undocumented, so the sandbox's choice: a key still in progress gets that
   * {@code 409} without a {@code resource_id}, and {@code Retry-After}. Error bodies are
   * Increase's ({@code status}, {@code type}, {@code title}, {@code detail}).
   */
  INCREASE;

  private static final Pattern PROTOCOL_KEY = Pattern.compile("[A-Za-z0-9-]{16,36}");
  private static final Pattern STRIPE_KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");
  private static final Pattern GOCARDLESS_KEY = Pattern.compile("[\\x21-\\x7e]{1,128}");
  private static final Pattern INCREASE_KEY = Pattern.compile("[\\x21-\\x7e]{1,200}");

  /** The lower-case name used on the command line and in the stats, such as {@code "full"}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Returns the dialect named {@code name}, ignoring case.
   *
   * @throws IllegalArgumentException if no dialect has that name
   */
  public static Dialect fromName(String name) {
    for (Dialect dialect : values()) {
      if (dialect.name().equalsIgnoreCase(name.trim())) {
        return dialect;
      }
    }
    throw new IllegalArgumentException(
        "dialect must be one of full, dwolla, mangopay, ietf, stripe, gocardless, increase, was: " + name);
  }

  /**
   * The SDK's profile for this server: {@link IdempotencyProfile#standard()} for the full and IETF
   * dialects (it speaks all four of the protocol's variants), the provider's own for the others.
   */
  public IdempotencyProfile profile() {
    return switch (this) {
      case FULL, IETF -> IdempotencyProfile.standard();
      case DWOLLA -> IdempotencyProfile.dwolla();
      case MANGOPAY -> IdempotencyProfile.mangoPay();
      case STRIPE -> IdempotencyProfile.stripe();
      case GOCARDLESS -> IdempotencyProfile.goCardless();
      case INCREASE -> IdempotencyProfile.increase();
    };
  }

  /** Whether this server takes {@code key} as an {@code Idempotency-Key}. */
  boolean acceptsKey(String key) {
    Pattern rule = switch (this) {
      case STRIPE -> STRIPE_KEY;
      case GOCARDLESS -> GOCARDLESS_KEY;
      case INCREASE -> INCREASE_KEY;
      default -> PROTOCOL_KEY;
    };
    return rule.matcher(key).matches();
  }

  /** The key rule in words, for a {@code 400}. */
  String keyRule() {
    return switch (this) {
      case STRIPE -> "1 to 255 visible ASCII characters";
      case GOCARDLESS -> "1 to 128 visible ASCII characters";
      case INCREASE -> "1 to 200 visible ASCII characters";
      default -> "16 to 36 characters of A-Z, a-z, 0-9 and -";
    };
  }

  boolean servesStoredResponses() {
    return this == FULL || this == MANGOPAY;
  }

  boolean marksReplays() {
    return this == FULL || this == IETF || this == STRIPE || this == INCREASE;
  }
}

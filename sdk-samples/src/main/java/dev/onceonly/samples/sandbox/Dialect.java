package dev.onceonly.samples.sandbox;

import java.util.Locale;

/**
 * Which real server the sandbox imitates: the "server variants" of the protocol, which differ in
 * what they answer to a repeated {@code Idempotency-Key} and in the shape of their error bodies.
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
  IETF;

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
        "dialect must be one of full, dwolla, mangopay, ietf, was: " + name);
  }

  boolean servesStoredResponses() {
    return this == FULL || this == MANGOPAY;
  }

  boolean marksReplays() {
    return this == FULL || this == IETF;
  }
}

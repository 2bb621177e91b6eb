package dev.onceonly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onceonly.IdempotencyProfile.Recovery;
import dev.onceonly.IdempotencyProfile.Situation;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Each built-in profile's rows: what it makes of an error answer, its key rules, its window. */
class IdempotencyProfileTest {

  static List<IdempotencyProfile> builtIns() {
    return List.of(IdempotencyProfile.standard(), IdempotencyProfile.stripe(), IdempotencyProfile.goCardless(),
        IdempotencyProfile.increase(), IdempotencyProfile.payPal(), IdempotencyProfile.checkoutCom(),
        IdempotencyProfile.adyen(), IdempotencyProfile.mangoPay(), IdempotencyProfile.dwolla());
  }

  private static Optional<Situation> classify(IdempotencyProfile p, int status, String... codes) {
    return p.classify(status, Set.of(codes));
  }

  @ParameterizedTest
  @MethodSource("builtIns")
  void everyBuiltInAcceptsTheUuidTheSdkMintsInEitherCase(IdempotencyProfile p) {
    String key = UUID.randomUUID().toString();

    assertTrue(p.accepts(key), p.name());
    assertTrue(p.accepts(key.toUpperCase(java.util.Locale.ROOT)), p.name());
    assertFalse(p.accepts(""), p.name());
    assertFalse(p.accepts(key.substring(0, 8) + " " + key.substring(9)), p.name() + ": a space");
    assertFalse(p.accepts(key + "\n"), p.name() + ": a line break");
  }

  @Test
  void standardIsTodaysTable() {
    IdempotencyProfile p = IdempotencyProfile.standard();

    assertEquals("Idempotency-Key", p.keyHeader());
    assertEquals(Optional.empty(), p.keyWindow(), "the policy's window");
    assertEquals(Optional.of(Situation.KEY_REUSED), classify(p, 422));
    assertEquals(Optional.of(Situation.KEY_REUSED), classify(p, 417, "anything"));
    assertEquals(Optional.of(Situation.KEY_REUSED), classify(p, 400, "idempotency_key_reused"));
    assertEquals(Optional.of(Situation.KEY_REUSED), classify(p, 400, "https://onceonly.dev/problems/idempotency-key-reused"));
    assertEquals(Optional.empty(), classify(p, 400, "ValidationError"));
    assertEquals(Optional.of(Situation.ALREADY_DONE), classify(p, 409, "idempotent_creation_conflict"));
    assertEquals(Optional.of(Situation.ALREADY_DONE), classify(p, 409, "IDEMPOTENT_CREATION_CONFLICT"));
    assertEquals(Optional.of(Situation.IN_PROGRESS), classify(p, 409, "idempotency_request_in_progress"));
    assertEquals(Optional.of(Situation.IN_PROGRESS), classify(p, 409), "Dwolla's 409 has no documented code");
    assertEquals(Optional.empty(), classify(p, 404, "NotFound"));
    assertEquals(Optional.of("Idempotent-Replayed"), p.replayHeader());
    assertEquals(Recovery.RESPONSES_ROUTE, p.recovery());
    assertTrue(p.accepts("ABCDEFGHIJKLMNOP"));
    assertFalse(p.accepts("ABCDEFGHIJKLMNO"), "15 characters");
    assertFalse(p.accepts("19051a62_3403_11e6_ac61_9e71128cae77"), "underscores");
  }

  @Test
  void stripeRecognisesItsCodesAndNeverAStatusAlone() {
    IdempotencyProfile p = IdempotencyProfile.stripe();

    assertEquals(Optional.of(Situation.IN_PROGRESS), classify(p, 409, "idempotency_key_in_use", "invalid_request_error"));
    assertEquals(Optional.of(Situation.KEY_REUSED), classify(p, 400, "idempotency_error"));
    assertEquals(Optional.empty(), classify(p, 409, "resource_already_exists"), "a 409 of another code");
    assertEquals(Optional.empty(), classify(p, 409), "a 409 without a code");
    assertEquals(Optional.empty(), classify(p, 422), "422 is not Stripe's reuse answer");
    assertEquals(Optional.empty(), classify(p, 400, "parameter_missing"));
    assertEquals(Optional.of(Duration.ofHours(24)), p.keyWindow());
    assertEquals(Optional.of("Idempotent-Replayed"), p.replayHeader());
    assertEquals(Optional.of("Stripe-Should-Retry"), p.retryHintHeader());
    assertTrue(p.retryHintFalseStops());
    assertEquals(Recovery.NONE, p.recovery());
    assertTrue(p.accepts("k".repeat(255)));
    assertFalse(p.accepts("k".repeat(256)));
    assertTrue(p.accepts("order_42"), "short keys are Stripe's to take");
  }

  @Test
  void goCardlessReadsTheConflictingResource() {
    IdempotencyProfile p = IdempotencyProfile.goCardless();

    assertEquals(Optional.of(Situation.ALREADY_DONE), classify(p, 409, "idempotent_creation_conflict", "invalid_state"));
    assertEquals(Optional.empty(), classify(p, 422, "validation_failed"), "GoCardless's 422 is a validation error");
    assertEquals(Optional.empty(), classify(p, 409, "invalid_state"));
    assertEquals(Recovery.NAMED_RESOURCE, p.recovery());
    assertEquals(Optional.of("error.errors.links.conflicting_resource_id"), p.resourceIdField());
    assertEquals(Optional.empty(), p.replayHeader());
  }

  @Test
  void increaseReadsTheResourceItsConflictNames() {
    IdempotencyProfile p = IdempotencyProfile.increase();

    assertEquals(Optional.of(Situation.ALREADY_DONE), classify(p, 409, "idempotency_key_already_used_error"));
    assertEquals(Optional.empty(), classify(p, 409, "object_conflict_error"));
    assertEquals(Optional.of("resource_id"), p.resourceIdField());
    assertEquals(Optional.of("Idempotent-Replayed"), p.replayHeader());
    assertTrue(p.accepts("k".repeat(200)));
    assertFalse(p.accepts("k".repeat(201)));
  }

  @Test
  void payPalCheckoutAndAdyenSendTheirOwnHeadersAndRecogniseNothingUndocumented() {
    assertEquals("PayPal-Request-Id", IdempotencyProfile.payPal().keyHeader());
    assertEquals(Optional.of(Duration.ofHours(6)), IdempotencyProfile.payPal().keyWindow());
    assertEquals("Cko-Idempotency-Key", IdempotencyProfile.checkoutCom().keyHeader());
    assertEquals(Optional.of(Duration.ofHours(24)), IdempotencyProfile.checkoutCom().keyWindow());
    assertEquals("Idempotency-Key", IdempotencyProfile.adyen().keyHeader());
    assertEquals(Optional.of(Duration.ofDays(31)), IdempotencyProfile.adyen().keyWindow());
    assertEquals(Optional.of("Transient-Error"), IdempotencyProfile.adyen().retryHintHeader());
    assertFalse(IdempotencyProfile.adyen().retryHintFalseStops());
    assertTrue(IdempotencyProfile.adyen().accepts("k".repeat(64)));
    assertFalse(IdempotencyProfile.adyen().accepts("k".repeat(65)));
    for (IdempotencyProfile p : List.of(IdempotencyProfile.payPal(), IdempotencyProfile.checkoutCom(),
        IdempotencyProfile.adyen())) {
      assertEquals(Optional.empty(), classify(p, 409), p.name());
      assertEquals(Optional.empty(), classify(p, 422, "validation"), p.name());
      assertEquals(Recovery.NONE, p.recovery(), p.name());
      assertEquals(Optional.empty(), p.replayHeader(), p.name());
    }
  }

  @Test
  void mangoPayAndDwollaAreTheSeedsDialects() {
    IdempotencyProfile mango = IdempotencyProfile.mangoPay();
    IdempotencyProfile dwolla = IdempotencyProfile.dwolla();

    assertEquals(Optional.of(Situation.ALREADY_DONE), classify(mango, 409, "idempotent_creation_conflict"));
    assertEquals(Optional.empty(), classify(mango, 422), "MangoPay answers every reuse with its 409");
    assertEquals(Recovery.RESPONSES_ROUTE, mango.recovery());
    assertEquals(Optional.of(Situation.IN_PROGRESS), classify(dwolla, 409, "Conflict"));
    assertEquals(Optional.of(Situation.IN_PROGRESS), classify(dwolla, 409));
    assertEquals(Recovery.NONE, dwolla.recovery());
    assertEquals(Optional.of(Duration.ofHours(24)), mango.keyWindow());
    assertEquals(Optional.of(Duration.ofHours(24)), dwolla.keyWindow());
  }

  @Test
  void classifiesKeyReuseBeforeConflictsBeforeDoneBeforeInProgress() {
    IdempotencyProfile p = IdempotencyProfile.builder()
        .inProgress(409, "busy").alreadyDone(409, "done").businessConflict(409, "duplicate").keyReused(409, "reused")
        .build();

    assertEquals(Optional.of(Situation.KEY_REUSED), classify(p, 409, "busy", "done", "duplicate", "reused"));
    assertEquals(Optional.of(Situation.BUSINESS_CONFLICT), classify(p, 409, "busy", "done", "duplicate"));
    assertEquals(Optional.of(Situation.ALREADY_DONE), classify(p, 409, "busy", "done"));
    assertEquals(Optional.of(Situation.IN_PROGRESS), classify(p, 409, "BUSY"));
    assertEquals(Optional.empty(), classify(p, 422, "busy"), "the status must match too");
  }

  @Test
  void theBuilderNeverRecognisesAStatusAlone() {
    IdempotencyProfile.Builder b = IdempotencyProfile.builder();

    IllegalArgumentException any = assertThrows(IllegalArgumentException.class, () -> b.inProgress(409, "*"));
    assertTrue(any.getMessage().contains("never recognised by its status alone"), any.getMessage());
    assertThrows(IllegalArgumentException.class, () -> b.alreadyDone(409, " "));
    assertThrows(IllegalArgumentException.class, () -> b.keyReused(500, "x"), "a 5xx is retried whatever it says");
    assertThrows(NullPointerException.class, () -> b.businessConflict(409, null));
    assertThrows(IllegalArgumentException.class, () -> IdempotencyProfile.stripe().newBuilder().inProgress(409, "*"));
  }

  @Test
  void theBuilderChecksItsSettingsAtOnce() {
    IdempotencyProfile.Builder b = IdempotencyProfile.builder();

    assertThrows(IllegalArgumentException.class, () -> b.keyHeader("Idempotency Key"));
    assertThrows(IllegalArgumentException.class, () -> b.keyLength(0, 36));
    assertThrows(IllegalArgumentException.class, () -> b.keyLength(40, 36));
    assertThrows(IllegalArgumentException.class, () -> b.keyCharacters("[a-z]"));
    assertThrows(IllegalArgumentException.class, () -> b.keyCharacters("\\"));
    assertThrows(IllegalArgumentException.class, () -> b.keyWindow(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> b.recoverFromNamedResource("error..id"));
    IllegalArgumentException uuid = assertThrows(IllegalArgumentException.class,
        () -> IdempotencyProfile.builder().keyLength(1, 32).build());
    assertTrue(uuid.getMessage().contains("UUID"), uuid.getMessage());
    assertThrows(IllegalArgumentException.class, () -> IdempotencyProfile.builder().keyCharacters("a-z0-9-").build(),
        "an upper-case UUID must fit too");
  }

  @Test
  void aCustomProfileKeepsWhatItWasGiven() {
    IdempotencyProfile p = IdempotencyProfile.builder()
        .name("acme")
        .keyHeader("X-Acme-Request-Key")
        .keyLength(8, 64)
        .keyCharacters("A-Za-z0-9_-")
        .keyWindow(Duration.ofHours(12))
        .inProgress(409, "request_in_flight")
        .alreadyDone(409, "already_processed")
        .recoverFromNamedResource("existing.id")
        .businessConflict(409, "duplicate_reference")
        .replayHeader("X-Acme-Replayed", "yes")
        .retryHintHeader("X-Acme-Retry", true)
        .build();

    assertEquals("acme", p.name());
    assertEquals("X-Acme-Request-Key", p.keyHeader());
    assertTrue(p.accepts("order_42_a"));
    assertEquals(Optional.of(Situation.BUSINESS_CONFLICT), classify(p, 409, "duplicate_reference"));
    assertEquals(Optional.of("existing.id"), p.resourceIdField());
    assertEquals("yes", p.replayHeaderValue());
    assertEquals(p, p.newBuilder().build());
    assertEquals(p.hashCode(), p.newBuilder().build().hashCode());
    assertTrue(p.toString().contains("X-Acme-Request-Key"), p.toString());
  }

  @Test
  void checkKeyNamesTheKeyAndTheProfile() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> IdempotencyProfile.adyen().checkKey("k".repeat(65)));

    assertTrue(e.getMessage().startsWith("idempotencyKey \"kkk"), e.getMessage());
    assertTrue(e.getMessage().contains("adyen profile"), e.getMessage());
    assertTrue(e.getMessage().contains("1 to 64 characters"), e.getMessage());
  }

  @Test
  void requestOptionsTakeALongerKeyWhenTheProfileDoes() {
    String longKey = "order-" + "9".repeat(100);

    RequestOptions options = RequestOptions.builder().idempotencyKey(longKey, IdempotencyProfile.stripe()).build();

    assertEquals(Optional.of(longKey), options.idempotencyKey());
    assertThrows(IllegalArgumentException.class, () -> RequestOptions.builder().idempotencyKey(longKey));
    assertThrows(IllegalArgumentException.class,
        () -> RequestOptions.builder().idempotencyKey(longKey, IdempotencyProfile.adyen()));
  }
}

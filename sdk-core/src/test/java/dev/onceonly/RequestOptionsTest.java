package dev.onceonly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestOptionsTest {

  @Test
  void acceptsAUuidKeyVerbatim() {
    String key = "19051a62-3403-11e6-ac61-9e71128cae77";

    RequestOptions options = RequestOptions.builder().idempotencyKey(key).build();

    assertEquals(Optional.of(key), options.idempotencyKey());
    assertEquals(Optional.empty(), options.keyFirstUsedAt());
  }

  @ParameterizedTest
  @ValueSource(strings = {"ABCDEFGHIJKLMNOP", "abcdefghijklmnopqrstuvwxyz0123456789", "----------------", "Mixed-Case-0123456789"})
  void acceptsKeysOfSixteenToThirtySixAllowedCharacters(String key) {
    assertEquals(Optional.of(key), RequestOptions.builder().idempotencyKey(key).build().idempotencyKey());
  }

  @Test
  void acceptsARandomUuidInUpperCase() {
    String key = UUID.randomUUID().toString().toUpperCase();

    assertEquals(Optional.of(key), RequestOptions.builder().idempotencyKey(key).build().idempotencyKey());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "ABCDEFGHIJKLMNO",                        // 15
      "19051a62-3403-11e6-ac61-9e71128cae77a",  // 37
      "19051a62_3403_11e6_ac61_9e71128cae77",   // underscores
      "19051a62 3403-11e6-ac61-9e71128cae77",   // a space
      "19051a62-3403-11e6-ac61-9e71128cäe77",   // non-ASCII letter
      "19051a62-3403-11e6-ac61-٩e71128cae77",   // non-ASCII digit
      " 19051a62-3403-11e6-ac61-9e71128cae7",   // leading blank
      "19051a62-3403-11e6-ac61-9e71128cae7\n",  // a line break
      "",
  })
  void refusesAKeyThatBreaksTheKeyRuleNamingIdempotencyKey(String key) {
    RequestOptions.Builder builder = RequestOptions.builder();

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> builder.idempotencyKey(key));

    assertTrue(e.getMessage().startsWith("idempotencyKey "), e.getMessage());
  }

  @Test
  void refusesANullKeyNamingIt() {
    NullPointerException e =
        assertThrows(NullPointerException.class, () -> RequestOptions.builder().idempotencyKey(null));

    assertEquals("idempotencyKey", e.getMessage());
  }

  @Test
  void keepsWhenTheKeyWasFirstUsed() {
    Instant firstUsed = Instant.parse("2026-11-23T10:15:30Z");

    RequestOptions options = RequestOptions.builder()
        .idempotencyKey("19051a62-3403-11e6-ac61-9e71128cae77")
        .keyFirstUsedAt(firstUsed)
        .build();

    assertEquals(Optional.of(firstUsed), options.keyFirstUsedAt());
  }

  @Test
  void refusesKeyFirstUsedAtWithoutAKey() {
    RequestOptions.Builder builder = RequestOptions.builder().keyFirstUsedAt(Instant.parse("2026-11-23T10:15:30Z"));

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);

    assertTrue(e.getMessage().contains("keyFirstUsedAt") && e.getMessage().contains("idempotencyKey"),
        e.getMessage());
  }

  @Test
  void refusesANullKeyFirstUsedAtNamingIt() {
    NullPointerException e =
        assertThrows(NullPointerException.class, () -> RequestOptions.builder().keyFirstUsedAt(null));

    assertEquals("keyFirstUsedAt", e.getMessage());
  }

  @Test
  void noneHasNoKeyAndNoTime() {
    RequestOptions none = RequestOptions.none();

    assertEquals(Optional.empty(), none.idempotencyKey());
    assertEquals(Optional.empty(), none.keyFirstUsedAt());
    assertSame(none, RequestOptions.none());
  }

  @Test
  void reusingTheBuilderDoesNotChangeBuiltOptions() {
    RequestOptions.Builder builder = RequestOptions.builder().idempotencyKey("AAAAAAAAAAAAAAAAAAAA");
    RequestOptions first = builder.build();

    builder.idempotencyKey("BBBBBBBBBBBBBBBBBBBB").keyFirstUsedAt(Instant.EPOCH);

    assertEquals(Optional.of("AAAAAAAAAAAAAAAAAAAA"), first.idempotencyKey());
    assertEquals(Optional.empty(), first.keyFirstUsedAt());
  }
}

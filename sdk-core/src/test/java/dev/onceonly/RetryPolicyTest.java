package dev.onceonly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RetryPolicyTest {

  @Test
  void defaultsAreTheDocumentedValues() {
    RetryPolicy defaults = RetryPolicy.defaults();

    assertEquals(6, defaults.maxAttempts());
    assertEquals(Duration.ofMillis(200), defaults.initialBackoff());
    assertEquals(Duration.ofSeconds(5), defaults.maxBackoff());
    assertEquals(Duration.ofSeconds(60), defaults.maxElapsed());
    assertEquals(Duration.ofHours(24), defaults.keyWindow());
    assertEquals(Duration.ofMinutes(5), defaults.keyExpiryMargin());
    assertEquals(defaults, RetryPolicy.builder().build());
  }

  @Test
  void noneMakesOneAttempt() {
    RetryPolicy none = RetryPolicy.none();

    assertEquals(1, none.maxAttempts());
    assertEquals(RetryPolicy.defaults().keyWindow(), none.keyWindow());
  }

  @Test
  void builderSetsEveryValue() {
    RetryPolicy policy = RetryPolicy.builder()
        .maxAttempts(3)
        .initialBackoff(Duration.ZERO)
        .maxBackoff(Duration.ofSeconds(1))
        .maxElapsed(Duration.ofSeconds(10))
        .keyWindow(Duration.ofHours(1))
        .keyExpiryMargin(Duration.ofMinutes(1))
        .build();

    assertEquals(3, policy.maxAttempts());
    assertEquals(Duration.ZERO, policy.initialBackoff());
    assertEquals(Duration.ofSeconds(1), policy.maxBackoff());
    assertEquals(Duration.ofSeconds(10), policy.maxElapsed());
    assertEquals(Duration.ofHours(1), policy.keyWindow());
    assertEquals(Duration.ofMinutes(1), policy.keyExpiryMargin());
  }

  @Test
  void maxAttemptsBelowOneIsRefusedNamingIt() {
    IllegalArgumentException zero =
        assertThrows(IllegalArgumentException.class, () -> RetryPolicy.builder().maxAttempts(0));
    IllegalArgumentException negative =
        assertThrows(IllegalArgumentException.class, () -> RetryPolicy.builder().maxAttempts(-1));

    assertTrue(zero.getMessage().contains("maxAttempts"), zero.getMessage());
    assertTrue(negative.getMessage().contains("maxAttempts"), negative.getMessage());
  }

  static Stream<Arguments> durationSetters() {
    return Stream.of(
        Arguments.of("initialBackoff", (Setter) RetryPolicy.Builder::initialBackoff),
        Arguments.of("maxBackoff", (Setter) RetryPolicy.Builder::maxBackoff),
        Arguments.of("maxElapsed", (Setter) RetryPolicy.Builder::maxElapsed),
        Arguments.of("attemptTimeout", (Setter) RetryPolicy.Builder::attemptTimeout),
        Arguments.of("keyWindow", (Setter) RetryPolicy.Builder::keyWindow),
        Arguments.of("keyExpiryMargin", (Setter) RetryPolicy.Builder::keyExpiryMargin));
  }

  interface Setter {
    RetryPolicy.Builder set(RetryPolicy.Builder builder, Duration value);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("durationSetters")
  void aNegativeDurationIsRefusedNamingIt(String name, Setter setter) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> setter.set(RetryPolicy.builder(), Duration.ofMillis(-1)));

    assertTrue(e.getMessage().startsWith(name + " "), e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("durationSetters")
  void aDurationSoLargeItWouldOverflowDeadlineArithmeticIsRefusedNamingIt(String name, Setter setter) {
    for (Duration huge : new Duration[] {RetryPolicy.MAX_DURATION.plusMillis(1), Duration.ofSeconds(Long.MAX_VALUE)}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> setter.set(RetryPolicy.builder(), huge));
      assertTrue(e.getMessage().startsWith(name + " must be at most 365 days"), e.getMessage());
    }
    setter.set(RetryPolicy.builder(), RetryPolicy.MAX_DURATION); // the bound itself is fine
  }

  @Test
  void theAttemptTimeoutDefaultsTo30SecondsAndIsKeptByNewBuilder() {
    assertEquals(Duration.ofSeconds(30), RetryPolicy.defaults().attemptTimeout());
    RetryPolicy p = RetryPolicy.builder().attemptTimeout(Duration.ofSeconds(3)).build();
    assertEquals(Duration.ofSeconds(3), p.newBuilder().build().attemptTimeout());
    assertNotEquals(RetryPolicy.defaults(), p);
    assertTrue(p.toString().contains("attemptTimeout=PT3S"), p.toString());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("durationSetters")
  void aNullDurationIsRefusedNamingIt(String name, Setter setter) {
    NullPointerException e = assertThrows(NullPointerException.class, () -> setter.set(RetryPolicy.builder(), null));

    assertEquals(name, e.getMessage());
  }

  @Test
  void zeroIsRefusedWhereOnlyPositiveDurationsMakeSense() {
    IllegalArgumentException elapsed =
        assertThrows(IllegalArgumentException.class, () -> RetryPolicy.builder().maxElapsed(Duration.ZERO));
    IllegalArgumentException window =
        assertThrows(IllegalArgumentException.class, () -> RetryPolicy.builder().keyWindow(Duration.ZERO));

    assertTrue(elapsed.getMessage().startsWith("maxElapsed "), elapsed.getMessage());
    assertTrue(window.getMessage().startsWith("keyWindow "), window.getMessage());
  }

  @Test
  void initialBackoffAboveMaxBackoffIsRefusedAtBuild() {
    RetryPolicy.Builder builder =
        RetryPolicy.builder().initialBackoff(Duration.ofSeconds(10)).maxBackoff(Duration.ofSeconds(5));

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);

    assertTrue(e.getMessage().contains("initialBackoff") && e.getMessage().contains("maxBackoff"), e.getMessage());
  }

  @Test
  void aMarginNotShorterThanTheKeyWindowIsRefusedAtBuild() {
    RetryPolicy.Builder builder =
        RetryPolicy.builder().keyWindow(Duration.ofMinutes(5)).keyExpiryMargin(Duration.ofMinutes(5));

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);

    assertTrue(e.getMessage().contains("keyExpiryMargin"), e.getMessage());
  }

  @Test
  void reusingTheBuilderAfterBuildDoesNotChangeTheBuiltPolicy() {
    RetryPolicy.Builder builder = RetryPolicy.builder().maxAttempts(3).maxBackoff(Duration.ofSeconds(2));
    RetryPolicy built = builder.build();

    builder.maxAttempts(9).initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofSeconds(9))
        .maxElapsed(Duration.ofSeconds(99)).keyWindow(Duration.ofHours(2)).keyExpiryMargin(Duration.ZERO);
    RetryPolicy later = builder.build();

    assertEquals(3, built.maxAttempts());
    assertEquals(Duration.ofMillis(200), built.initialBackoff());
    assertEquals(Duration.ofSeconds(2), built.maxBackoff());
    assertEquals(Duration.ofSeconds(60), built.maxElapsed());
    assertEquals(Duration.ofHours(24), built.keyWindow());
    assertEquals(Duration.ofMinutes(5), built.keyExpiryMargin());
    assertEquals(9, later.maxAttempts());
    assertNotEquals(built, later);
  }

  @Test
  void newBuilderRoundTripsAndLeavesTheOriginalAlone() {
    RetryPolicy original = RetryPolicy.builder()
        .maxAttempts(4).initialBackoff(Duration.ofMillis(50)).maxBackoff(Duration.ofSeconds(3))
        .maxElapsed(Duration.ofSeconds(30)).keyWindow(Duration.ofHours(12)).keyExpiryMargin(Duration.ofMinutes(2))
        .build();

    RetryPolicy copy = original.newBuilder().build();
    RetryPolicy variant = original.newBuilder().maxAttempts(2).build();

    assertNotSame(original, copy);
    assertEquals(original, copy);
    assertEquals(original.toString(), copy.toString());
    assertEquals(2, variant.maxAttempts());
    assertEquals(4, original.maxAttempts());
    assertEquals(original.maxElapsed(), variant.maxElapsed());
    assertEquals(RetryPolicy.defaults(), RetryPolicy.defaults().newBuilder().build());
  }

  @Test
  void equalsAndHashCodeCompareEveryValue() {
    RetryPolicy base = RetryPolicy.defaults();
    assertEquals(base, RetryPolicy.builder().build());
    assertEquals(base.hashCode(), RetryPolicy.builder().build().hashCode());

    Stream.<Consumer<RetryPolicy.Builder>>of(
            b -> b.maxAttempts(5),
            b -> b.initialBackoff(Duration.ofMillis(201)),
            b -> b.maxBackoff(Duration.ofSeconds(6)),
            b -> b.maxElapsed(Duration.ofSeconds(61)),
            b -> b.keyWindow(Duration.ofHours(23)),
            b -> b.keyExpiryMargin(Duration.ofMinutes(4)))
        .forEach(change -> {
          RetryPolicy.Builder builder = base.newBuilder();
          change.accept(builder);
          RetryPolicy changed = builder.build();
          assertNotEquals(base, changed, changed.toString());
          assertNotEquals(changed, base, changed.toString());
        });
    assertNotEquals(base, null);
    assertNotEquals(base, "RetryPolicy");
  }
}

package dev.onceonly.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

final class FaultsTest {

  @Test
  void defaultsToNoFaultsAndNoProcessingTime() {
    Faults none = Faults.none();

    for (FaultKind kind : FaultKind.values()) {
      assertEquals(0.0, none.rate(kind));
    }
    assertEquals(503, none.serverErrorStatus());
    assertEquals(Optional.empty(), none.retryAfter());
    assertEquals(Duration.ZERO, none.processingTime());
    assertEquals(Duration.ofSeconds(15), none.stallTime());
  }

  @Test
  void checksEachArgumentAsItIsSet() {
    Faults.Builder builder = Faults.builder();

    assertMessage("dropRate must be from 0 to 1", () -> builder.dropRate(1.5));
    assertMessage("resetRate must be from 0 to 1", () -> builder.resetRate(-0.1));
    assertMessage("stallRate must be from 0 to 1", () -> builder.stallRate(Double.NaN));
    assertMessage("serverErrorStatus must be from 500 to 599", () -> builder.serverErrorStatus(429));
    assertMessage("stallTime must not be negative", () -> builder.stallTime(Duration.ofMillis(-1)));
    assertMessage("retryAfter must not be negative", () -> builder.retryAfter(Duration.ofSeconds(-1)));
  }

  @Test
  void refusesRatesAddingUpToMoreThanOne() {
    Faults.Builder builder = Faults.builder().dropRate(0.6).resetRate(0.5);

    assertMessage("the fault rates must add up to at most 1", builder::build);
  }

  @Test
  void newBuilderStartsFromTheseFaults() {
    Faults faults = Faults.builder().dropRate(0.25).retryAfter(Duration.ofSeconds(2)).build();

    Faults changed = faults.newBuilder().stallRate(0.5).build();

    assertEquals(0.25, changed.dropRate());
    assertEquals(0.5, changed.stallRate());
    assertEquals(Optional.of(Duration.ofSeconds(2)), changed.retryAfter());
    assertEquals(0.0, faults.stallRate(), "the original is unchanged");
  }

  private static void assertMessage(String expected, Runnable action) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action::run);
    assertTrue(e.getMessage().startsWith(expected), e.getMessage());
  }
}

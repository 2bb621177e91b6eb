package dev.onceonly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryBudgetTest {

  @Test
  void defaultsAreARatioOfOneLookupsToOneAndAHalfTenASecondOverTenSeconds() {
    RetryBudget budget = RetryBudget.defaults();

    assertEquals(1.0, budget.ratio());
    assertEquals(1.5, budget.lookupRatio());
    assertEquals(10, budget.minRetriesPerSecond());
    assertEquals(Duration.ofSeconds(10), budget.window());
    assertEquals(budget, RetryBudget.builder().build());
    assertTrue(!budget.isUnlimited());
  }

  @Test
  void unlimitedIsItsOwnThing() {
    assertTrue(RetryBudget.unlimited().isUnlimited());
    assertNotEquals(RetryBudget.defaults(), RetryBudget.unlimited());
    assertEquals("RetryBudget{unlimited}", RetryBudget.unlimited().toString());
    assertEquals(RetryBudget.defaults(), RetryBudget.unlimited().newBuilder().build());
  }

  @Test
  void newBuilderKeepsTheValues() {
    RetryBudget budget = RetryBudget.builder().ratio(0.2).lookupRatio(0.5).minRetriesPerSecond(3)
        .window(Duration.ofSeconds(30)).build();

    assertEquals(budget, budget.newBuilder().build());
    assertEquals(budget.hashCode(), budget.newBuilder().build().hashCode());
    assertEquals("RetryBudget{ratio=0.2, lookupRatio=0.5, minRetriesPerSecond=3, window=PT30S}", budget.toString());
  }

  @Test
  void eachSetterNamesItsArgument() {
    RetryBudget.Builder b = RetryBudget.builder();
    assertMessage("ratio must be from 0", () -> b.ratio(-0.1));
    assertMessage("ratio must be from 0", () -> b.ratio(Double.NaN));
    assertMessage("ratio must be from 0", () -> b.ratio(1001));
    assertMessage("lookupRatio must be from 0", () -> b.lookupRatio(Double.POSITIVE_INFINITY));
    assertMessage("minRetriesPerSecond must be >= 0", () -> b.minRetriesPerSecond(-1));
    assertMessage("window must be from 1 s to 60 s", () -> b.window(Duration.ofMillis(999)));
    assertMessage("window must be from 1 s to 60 s", () -> b.window(Duration.ofSeconds(61)));
    assertMessage("window must be a whole number of milliseconds", () -> b.window(Duration.ofNanos(1_500_000_001L)));
    assertThrows(NullPointerException.class, () -> b.window(null));
  }

  @Test
  void lookupsMayNotHaveLessThanRetries() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RetryBudget.builder().ratio(0.5).lookupRatio(0.4).build());

    assertTrue(e.getMessage().contains("lookupRatio (0.4) must not be less than ratio (0.5)"), e.getMessage());
  }

  private static void assertMessage(String start, org.junit.jupiter.api.function.Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().startsWith(start), e.getMessage());
  }
}

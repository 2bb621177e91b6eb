package dev.onceonly.internal;

import static dev.onceonly.internal.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onceonly.RetryBudget;
import dev.onceonly.internal.RetryBudgetTracker.Draw;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryBudgetTrackerTest {

  static final RetryBudget HALF = RetryBudget.builder().ratio(0.5).lookupRatio(1.0).minRetriesPerSecond(0)
      .window(Duration.ofSeconds(10)).build();

  @Test
  void retriesAreEarnedByOperationsStarted() {
    RetryBudgetTracker budget = new RetryBudgetTracker(HALF);
    assertFalse(budget.tryRetry(Draw.RETRY, T0), "nothing started, no floor: nothing earned");

    for (int i = 0; i < 10; i++) {
      budget.started(T0);
    }

    assertEquals(5, drain(budget, Draw.RETRY, T0), "half a retry per operation");
  }

  @Test
  void lookupsMaySpendFurtherThanRetriesFromTheSameAllowance() {
    RetryBudgetTracker budget = new RetryBudgetTracker(HALF);
    for (int i = 0; i < 10; i++) {
      budget.started(T0);
    }

    assertEquals(5, drain(budget, Draw.RETRY, T0));
    assertEquals(5, drain(budget, Draw.LOOKUP, T0), "up to 1.0 per operation, the 5 retries included");
    assertFalse(budget.tryRetry(Draw.RETRY, T0));
  }

  @Test
  void theFloorAllowsRetriesWithoutTraffic() {
    RetryBudgetTracker budget = new RetryBudgetTracker(HALF.newBuilder().minRetriesPerSecond(2).build());

    assertEquals(20, drain(budget, Draw.RETRY, T0), "2 a second over a 10 s window");
  }

  @Test
  void theWindowSlidesSoTheBudgetRecovers() {
    RetryBudgetTracker budget = new RetryBudgetTracker(HALF);
    for (int i = 0; i < 10; i++) {
      budget.started(T0);
    }
    assertEquals(5, drain(budget, Draw.RETRY, T0));

    Instant later = T0.plus(Duration.ofSeconds(5));
    assertFalse(budget.tryRetry(Draw.RETRY, later), "still in the window");
    budget.started(later);
    budget.started(later);
    assertTrue(budget.tryRetry(Draw.RETRY, later), "two more operations earn one retry");
    assertFalse(budget.tryRetry(Draw.RETRY, later));

    Instant afterWindow = T0.plus(Duration.ofSeconds(11));
    assertFalse(budget.tryRetry(Draw.RETRY, afterWindow),
        "the first ten and their five retries have left the window; the two of 5 s and their one retry remain");
    budget.started(afterWindow);
    budget.started(afterWindow);
    assertEquals(1, drain(budget, Draw.RETRY, afterWindow));
    Instant wellAfter = T0.plus(Duration.ofSeconds(30));
    assertFalse(budget.tryRetry(Draw.RETRY, wellAfter), "an empty window earns nothing");
  }

  @Test
  void aClockSteppedBackLeavesTheLaterBucketsOutUntilTheirTime() {
    RetryBudgetTracker budget = new RetryBudgetTracker(HALF);
    budget.started(T0);
    budget.started(T0);
    Instant back = T0.minus(Duration.ofMillis(1500));

    budget.started(back);
    budget.started(back);
    assertEquals(1, drain(budget, Draw.RETRY, back), "the two of T0 are in the future here");
    assertEquals(1, drain(budget, Draw.RETRY, T0), "at T0 all four count, and one retry was spent");
  }

  @Test
  void unlimitedAllowsEverything() {
    for (int i = 0; i < 10_000; i++) {
      assertTrue(RetryBudgetTracker.UNLIMITED.tryRetry(Draw.RETRY, T0));
    }
  }

  @Test
  void manyThreadsNeverSpendMoreThanEarned() throws InterruptedException {
    RetryBudgetTracker budget = new RetryBudgetTracker(HALF);
    for (int i = 0; i < 1_000; i++) {
      budget.started(T0);
    }
    AtomicInteger allowed = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      Thread thread = new Thread(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < 200; i++) {
          if (budget.tryRetry(Draw.RETRY, T0)) {
            allowed.incrementAndGet();
          }
        }
      });
      thread.start();
      threads.add(thread);
    }
    go.countDown();
    for (Thread thread : threads) {
      thread.join();
    }

    assertEquals(500, allowed.get(), "exactly half a retry per operation, whatever the interleaving");
  }

  private static int drain(RetryBudgetTracker budget, Draw draw, Instant now) {
    int n = 0;
    while (budget.tryRetry(draw, now)) {
      n++;
      if (n > 100_000) {
        throw new AssertionError("no limit");
      }
    }
    return n;
  }
}

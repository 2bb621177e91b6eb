package dev.onceonly.samples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onceonly.testkit.Dialect;
import dev.onceonly.testkit.Faults;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The demonstration's flags. */
final class DemoOptionsTest {

  @Test
  void defaultsAreTheDocumentedWorkloadAndFaults() {
    DemoOptions options = DemoOptions.parse(new String[0]).orElseThrow();

    assertEquals(2_000, options.creates());
    assertEquals(16, options.threads());
    assertEquals(Dialect.FULL, options.dialect());
    assertNull(options.seed());
    Faults faults = options.faults();
    assertEquals(0.20, faults.dropRate());
    assertEquals(0.10, faults.serverErrorRate());
    assertEquals(0.05, faults.stallRate());
    assertEquals(0.0, faults.resetRate());
    assertEquals(503, faults.serverErrorStatus());
    assertTrue(faults.stallTime().compareTo(SdkCreateClient.READ_TIMEOUT) > 0,
        "a stalled answer outlasts the read timeout, so the attempt times out");
  }

  @Test
  void readsEveryFlagInBothForms() {
    DemoOptions options = DemoOptions.parse(new String[] {"--creates", "10", "--threads=3", "--drop-rate", "0.5",
        "--error-rate=0", "--stall-rate", "0.25", "--dialect", "MangoPay", "--seed=-7"}).orElseThrow();

    assertEquals(new DemoOptions(10, 3, 0.5, 0.0, 0.25, Dialect.MANGOPAY, -7L, false), options);
    assertEquals(Duration.ofMillis(1500), options.faults().stallTime());
  }

  @Test
  void checksTheRatesTogetherWhateverTheOrderOfTheFlags() {
    // 0.9 + 0.10 + 0.05 > 1 with the defaults, but the error rate given later brings it under.
    DemoOptions options = DemoOptions.parse(new String[] {"--drop-rate", "0.9", "--error-rate", "0"}).orElseThrow();

    assertEquals(0.9, options.dropRate());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DemoOptions.parse(new String[] {"--drop-rate", "0.9"}));
    assertTrue(e.getMessage().contains("add up to at most 1"), e.getMessage());
  }

  @Test
  void asyncIsASwitch() {
    assertTrue(DemoOptions.parse(new String[] {"--async", "--creates", "5"}).orElseThrow().async());
    assertTrue(DemoOptions.parse(new String[] {"--creates", "5", "--async"}).orElseThrow().async());
    assertTrue(!DemoOptions.parse(new String[] {"--async=false"}).orElseThrow().async());
    assertTrue(!DemoOptions.defaults().async());
    assertMessage("--async: needs true or false", "--async=yes");
  }

  @Test
  void helpIsEmpty() {
    assertTrue(DemoOptions.parse(new String[] {"--creates", "5", "--help"}).isEmpty());
  }

  @Test
  void badValuesNameTheirFlag() {
    assertMessage("--creates must be at least 1", "--creates", "0");
    assertMessage("--threads must be from 1 to 512", "--threads", "0");
    assertMessage("--stall-rate must be from 0 to 1", "--stall-rate", "1.5");
    assertMessage("--seed needs a number", "--seed", "x");
    assertMessage("--dialect: dialect must be one of", "--dialect", "klarna");
    assertMessage("--creates needs a value", "--creates");
    assertMessage("unexpected argument: 5", "5");
  }

  private static void assertMessage(String expected, String... args) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DemoOptions.parse(args));
    assertTrue(e.getMessage().startsWith(expected), e.getMessage());
  }
}

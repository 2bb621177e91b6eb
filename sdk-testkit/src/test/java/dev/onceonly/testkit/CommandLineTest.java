package dev.onceonly.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

final class CommandLineTest {

  @Test
  void defaultsToFullDialectOnPort8080WithoutFaults() {
    SandboxServer server = CommandLine.parse(new String[0]).orElseThrow();

    assertEquals(8080, server.port());
    assertEquals(Dialect.FULL, server.dialect());
    assertEquals(0.0, server.faults().dropRate());
    assertEquals(OptionalLong.empty(), server.seed());
    assertEquals(Duration.ofHours(24), server.keyWindow());
    assertFalse(server.requiresToken());
  }

  @Test
  void readsEveryFlag() {
    SandboxServer server = CommandLine.parse(new String[] {
        "--port", "0", "--dialect", "MangoPay", "--seed=42", "--drop-rate", "0.1",
        "--reset-rate", "0.05", "--stall-rate", "0.05", "--stall-ms", "20000",
        "--error-rate", "0.2", "--error-status", "502", "--retry-after", "3",
        "--processing-ms", "250", "--token", "t0k3n", "--key-window-hours", "0.5"}).orElseThrow();

    assertEquals(0, server.port());
    assertEquals(Dialect.MANGOPAY, server.dialect());
    assertEquals(OptionalLong.of(42), server.seed());
    Faults faults = server.faults();
    assertEquals(0.1, faults.dropRate());
    assertEquals(0.05, faults.resetRate());
    assertEquals(0.05, faults.stallRate());
    assertEquals(Duration.ofSeconds(20), faults.stallTime());
    assertEquals(0.2, faults.serverErrorRate());
    assertEquals(502, faults.serverErrorStatus());
    assertEquals(Optional.of(Duration.ofSeconds(3)), faults.retryAfter());
    assertEquals(Duration.ofMillis(250), faults.processingTime());
    assertTrue(server.requiresToken());
    assertEquals(Duration.ofMinutes(30), server.keyWindow());
    assertFalse(server.toString().contains("t0k3n"), "the token is never printed");
  }

  @Test
  void helpReturnsNothingToStart() {
    assertEquals(Optional.empty(), CommandLine.parse(new String[] {"--dialect", "ietf", "--help"}));
    assertTrue(CommandLine.usage().contains("--key-window-hours"));
  }

  @Test
  void namesTheFlagThatIsWrong() {
    assertMessage("--colour: unknown flag", "--colour", "red");
    assertMessage("--port needs a value", "--port");
    assertMessage("--drop-rate needs a number, was: lots", "--drop-rate", "lots");
    assertMessage("--dialect: dialect must be one of", "--dialect", "klarna");
    assertMessage("the fault rates must add up to at most 1", "--drop-rate", "0.7",
        "--reset-rate", "0.7");
    assertMessage("--key-window-hours: must be a positive number", "--key-window-hours", "0");
    assertMessage("unexpected argument: full", "full");
  }

  private static void assertMessage(String expected, String... args) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CommandLine.parse(args));
    assertTrue(e.getMessage().startsWith(expected), e.getMessage());
  }
}

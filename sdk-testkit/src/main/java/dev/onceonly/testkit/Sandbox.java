package dev.onceonly.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Starts a sandbox of the Transfers API for a JUnit 5 test class, and stops it after the class:
 * a real HTTP server on {@code 127.0.0.1}, speaking {@link #dialect()}, with the faults asked for.
 * A test method or constructor takes it as a {@link RunningSandbox} parameter (its base URL, its
 * records of transfers, duplicates and stats).
 *
 * <pre>{@code
 * @Sandbox(dialect = Dialect.MANGOPAY, dropRate = 0.2, seed = 42)
 * class PaymentsTest {
 *   @Test
 *   void paysOnce(RunningSandbox sandbox) {
 *     try (PaymentsClient client = OkHttpPaymentsClient.builder().baseUrl(sandbox.baseUrl()).build()) {
 *       // ... create transfers ...
 *     }
 *     assertEquals(Map.of(), sandbox.duplicatedOperations());
 *   }
 * }
 * }</pre>
 *
 * One sandbox per class: its records accumulate across the class's tests (give each test its own
 * {@code metadata.operation_id}s, or count before and after).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(SandboxExtension.class)
public @interface Sandbox {

  /** How the server speaks idempotency. */
  Dialect dialect() default Dialect.FULL;

  /** The share of {@code POST /transfers} that the sandbox does, stores, then answers by closing the connection. */
  double dropRate() default 0;

  /** The share answered {@code 503} before any work. */
  double serverErrorRate() default 0;

  /** The share whose answer is held past a client's read timeout, after the work. */
  double stallRate() default 0;

  /** The share answered with a real TCP reset after the work. */
  double resetRate() default 0;

  /** How long the work of a new key takes, in milliseconds (0: at once); a repeat meanwhile meets "in progress". */
  long processingMillis() default 0;

  /** The seed of the fault draws; 0 for a random one (printed by {@link RunningSandbox#seed()}). */
  long seed() default 0;
}

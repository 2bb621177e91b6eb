package dev.onceonly.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** {@code @Sandbox} starts one sandbox for the class, as described, and hands it to the tests. */
@Sandbox(dialect = Dialect.MANGOPAY, seed = 7)
class SandboxExtensionTest {

  private final RunningSandbox fromConstructor;

  SandboxExtensionTest(RunningSandbox sandbox) {
    this.fromConstructor = sandbox;
  }

  @Test
  void aTestGetsTheRunningSandboxOfItsClassAsDescribed(RunningSandbox sandbox) throws Exception {
    assertSame(fromConstructor, sandbox, "one sandbox per class");
    assertEquals(Dialect.MANGOPAY, sandbox.dialect());
    assertEquals(7, sandbox.seed());
    assertTrue(sandbox.baseUrl().startsWith("http://127.0.0.1:"), sandbox.baseUrl());

    String key = TestHttp.newKey();
    HttpResponse<String> first = new TestHttp(sandbox).post(key, TestHttp.transfer("10.00", "ext-op-1"));
    HttpResponse<String> again = new TestHttp(sandbox).post(key, TestHttp.transfer("10.00", "ext-op-1"));

    assertEquals(201, first.statusCode());
    assertEquals(409, again.statusCode(), "MangoPay answers every reuse of a key with 409");
    assertEquals(1, sandbox.transfersWithOperationId("ext-op-1").size(), "the records the test judges by");
  }
}

package dev.onceonly.okhttp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.concurrent.ThreadPoolExecutor;
import okhttp3.Dispatcher;
import org.junit.jupiter.api.Test;

final class DispatchersTest {

  @Test
  void sendsAtMostTheLimitInAllAndPerHostOnAtMostThatManyThreads() {
    Dispatcher dispatcher = Dispatchers.bounded(7);
    try {
      assertEquals(7, dispatcher.getMaxRequests());
      assertEquals(7, dispatcher.getMaxRequestsPerHost());
      ThreadPoolExecutor executor = assertInstanceOf(ThreadPoolExecutor.class, dispatcher.executorService());
      assertEquals(7, executor.getMaximumPoolSize());
      assertEquals(0, executor.getPoolSize(), "threads are made on demand");
    } finally {
      dispatcher.executorService().shutdown();
    }
  }
}

package dev.onceonly.okhttp;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

/**
 * A {@code MockWebServer} dispatcher that holds every request until the test releases it, so a
 * test knows a request is in flight (it {@linkplain #awaitArrival arrived} and is unanswered)
 * without timing anything. Thread-safe.
 */
public final class HoldingDispatcher extends Dispatcher {

  private final BlockingQueue<RecordedRequest> arrived = new LinkedBlockingQueue<>();
  private final Semaphore releases = new Semaphore(0);
  private final Function<RecordedRequest, MockResponse> answer;
  private volatile boolean closed;

  /** @param answer what each request gets once released */
  public HoldingDispatcher(Function<RecordedRequest, MockResponse> answer) {
    this.answer = answer;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
    arrived.add(request);
    if (!closed) {
      releases.acquire();
    }
    return answer.apply(request);
  }

  /** The next request to arrive; fails the test if none comes within 10 s. */
  public RecordedRequest awaitArrival() throws InterruptedException {
    RecordedRequest request = arrived.poll(10, TimeUnit.SECONDS);
    if (request == null) {
      throw new AssertionError("no request arrived");
    }
    return request;
  }

  /** Lets {@code n} held (or future) requests be answered. */
  public void release(int n) {
    releases.release(n);
  }

  @Override
  public void close() {
    closed = true;
    releases.release(10_000);
  }
}

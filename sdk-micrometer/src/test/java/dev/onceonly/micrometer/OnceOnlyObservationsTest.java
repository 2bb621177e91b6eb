package dev.onceonly.micrometer;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.onceonly.Money;
import dev.onceonly.NetworkException;
import dev.onceonly.OutcomeUnknownException;
import dev.onceonly.PaymentsClient;
import dev.onceonly.RequestOptions;
import dev.onceonly.RetryListener;
import dev.onceonly.RetryPolicy;
import dev.onceonly.Sleeper;
import dev.onceonly.http.HttpRequest;
import dev.onceonly.http.HttpResponse;
import dev.onceonly.http.HttpTransport;
import dev.onceonly.internal.ClientConfig;
import dev.onceonly.internal.DefaultPaymentsClient;
import dev.onceonly.transfers.TransferCreateParams;
import io.micrometer.observation.tck.TestObservationRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Observations of real operations through the engine, against a scripted transport. */
class OnceOnlyObservationsTest {

  static final String KEY = "6a1f0c3e-2b4c-4e6f-8a9b-0c1d2e3f4a5b";
  static final String TRANSFER = "{\"id\":\"t-1\",\"status\":\"pending\",\"amount\":{\"currency\":\"USD\",\"value\":\"25.00\"},"
      + "\"created\":\"2026-11-23T10:15:30.123Z\",\"metadata\":{}}";

  final TestObservationRegistry registry = TestObservationRegistry.create();
  final Deque<Supplier<HttpResponse>> script = new ArrayDeque<>();

  PaymentsClient client(RetryListener listener) {
    HttpTransport transport = new HttpTransport() {
      @Override
      public HttpResponse execute(HttpRequest request, Duration timeout) {
        return script.size() > 1 ? script.poll().get() : script.peek().get();
      }

      @Override
      public void close() {}
    };
    Sleeper noWait = d -> { };
    return new DefaultPaymentsClient(transport, new ClientConfig(URI.create("https://api.example.test/"), null,
        RetryPolicy.builder().maxAttempts(3).build(), listener, Clock.systemUTC(), noWait));
  }

  static TransferCreateParams params() {
    return TransferCreateParams.builder()
        .source("https://api.example.test/funding-sources/a").destination("https://api.example.test/funding-sources/b")
        .amount(Money.of("USD", "25.00")).build();
  }

  static HttpResponse created() {
    return new HttpResponse(201, Map.of("Content-Type", List.of("application/json")), TRANSFER.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aCreateIsOneObservationWithItsOutcomeStatusClassKeyAndAttempts() {
    script.add(() -> {
      throw new NetworkException("reset", true, null, null);
    });
    script.add(OnceOnlyObservationsTest::created);

    client(OnceOnlyObservations.listener(registry)).transfers().create(params(),
        RequestOptions.builder().idempotencyKey(KEY).build());

    assertThat(registry).hasNumberOfObservationsWithNameEqualTo(OnceOnlyObservations.NAME, 1)
        .hasObservationWithNameEqualTo(OnceOnlyObservations.NAME).that()
        .hasBeenStarted().hasBeenStopped()
        .hasContextualNameEqualTo("transfers.create")
        .hasLowCardinalityKeyValue("onceonly.operation", "transfers.create")
        .hasLowCardinalityKeyValue("onceonly.outcome", "succeeded")
        .hasLowCardinalityKeyValue("http.status_class", "2xx")
        .hasHighCardinalityKeyValue("onceonly.idempotency_key", KEY)
        .hasHighCardinalityKeyValue("onceonly.attempts", "2")
        .doesNotHaveLowCardinalityKeyValueWithKey("onceonly.idempotency_key");
  }

  @Test
  void anUnknownOutcomeIsRecordedWithItsErrorAndNoStatusClass() {
    script.add(() -> {
      throw new NetworkException("reset", true, null, null);
    });

    OnceOnlyObservations listener = (OnceOnlyObservations) OnceOnlyObservations.listener(registry);
    assertThrows(OutcomeUnknownException.class, () -> client(listener).transfers().create(params()));

    assertThat(registry).hasObservationWithNameEqualTo(OnceOnlyObservations.NAME).that()
        .hasBeenStopped()
        .hasLowCardinalityKeyValue("onceonly.outcome", "unknown")
        .hasLowCardinalityKeyValue("http.status_class", "none")
        .hasError();
    assertEquals(0, listener.openObservations(), "nothing left open");
  }

  @Test
  void aReadIsObservedWithoutAKey() {
    script.add(() -> new HttpResponse(200, Map.of(), TRANSFER.getBytes(StandardCharsets.UTF_8)));

    client(RetryListener.all(RetryListener.NONE, OnceOnlyObservations.listener(registry))).transfers().get("t-1");

    assertThat(registry).hasObservationWithNameEqualTo(OnceOnlyObservations.NAME).that()
        .hasLowCardinalityKeyValue("onceonly.operation", "transfers.get")
        .doesNotHaveHighCardinalityKeyValueWithKey("onceonly.idempotency_key");
  }

  @Test
  void statusClassesAreLowCardinality() {
    assertEquals("2xx", OnceOnlyObservations.statusClass(201));
    assertEquals("5xx", OnceOnlyObservations.statusClass(524));
    assertEquals("none", OnceOnlyObservations.statusClass(0));
  }
}

package dev.onceonly.micrometer;

import dev.onceonly.OperationInfo;
import dev.onceonly.OperationOutcome;
import dev.onceonly.PaymentsException;
import dev.onceonly.RetryListener;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * One Micrometer {@link Observation} per OnceOnly operation (a create, a read, a resumed
 * operation), started when it sends its first request and stopped when it ends. With a
 * {@code MeterRegistry} handler that is a timer per operation and outcome; with Micrometer
 * Tracing's bridges, an OpenTelemetry (or Brave) span.
 *
 * <pre>{@code
 * PaymentsClient client = OkHttpPaymentsClient.builder()
 *     .baseUrl("https://api.example.test/")
 *     .retryListener(OnceOnlyObservations.listener(observationRegistry))
 *     .build();
 * }</pre>
 *
 * <p>The observation is named {@value #NAME}, with these key values:
 * <ul>
 *   <li>low cardinality, fit for metric tags: {@code onceonly.operation} ({@code transfers.create},
 *       {@code transfers.get}), {@code onceonly.outcome} ({@code succeeded}, {@code replayed},
 *       {@code failed}, {@code unknown}, {@code not_sent}), {@code http.status_class} ({@code 2xx},
 *       {@code 4xx}, {@code 5xx}, or {@code none} when the last attempt got no answer);
 *   <li>high cardinality, for spans only: {@code onceonly.idempotency_key} (never a metric tag:
 *       one per operation) and {@code onceonly.attempts}.
 * </ul>
 * A failed operation's exception is recorded as the observation's error. The observation is not
 * opened as a scope on the calling thread (an asynchronous operation ends on another thread).
 *
 * <p>Thread-safe. Like every listener, it can never change an operation's outcome: the engine
 * ignores whatever it throws.
 */
public final class OnceOnlyObservations implements RetryListener {

  /** The observation's name. */
  public static final String NAME = "onceonly.operation";

  private final ObservationRegistry registry;
  private final Map<Long, Observation> open = new ConcurrentHashMap<>();

  private OnceOnlyObservations(ObservationRegistry registry) {
    this.registry = registry;
  }

  /** A listener that makes an observation of each operation in {@code registry}. */
  public static RetryListener listener(ObservationRegistry registry) {
    return new OnceOnlyObservations(Objects.requireNonNull(registry, "registry"));
  }

  @Override
  public void onOperationStart(OperationInfo operation) {
    if (registry.isNoop()) {
      return;
    }
    Observation observation = Observation.createNotStarted(NAME, registry)
        .contextualName(operation.operation())
        .lowCardinalityKeyValue("onceonly.operation", operation.operation());
    if (operation.idempotencyKey() != null) {
      observation.highCardinalityKeyValue("onceonly.idempotency_key", operation.idempotencyKey());
    }
    open.put(operation.id(), observation.start());
  }

  @Override
  public void onOperationEnd(
      OperationInfo operation, OperationOutcome outcome, int attempts, int statusCode, @Nullable PaymentsException error) {
    Observation observation = open.remove(operation.id());
    if (observation == null) {
      return;
    }
    observation.lowCardinalityKeyValue(KeyValue.of("onceonly.outcome", outcome.name().toLowerCase(java.util.Locale.ROOT)));
    observation.lowCardinalityKeyValue(KeyValue.of("http.status_class", statusClass(statusCode)));
    observation.highCardinalityKeyValue(KeyValue.of("onceonly.attempts", Integer.toString(attempts)));
    if (error != null) {
      observation.error(error);
    }
    observation.stop();
  }

  static String statusClass(int status) {
    return status >= 100 && status < 600 ? (status / 100) + "xx" : "none";
  }

  /** How many operations are under way (for tests). */
  int openObservations() {
    return open.size();
  }
}

package dev.onceonly.internal;

import dev.onceonly.OperationResult;
import dev.onceonly.RequestOptions;
import dev.onceonly.http.HttpRequest;
import dev.onceonly.transfers.Transfer;
import dev.onceonly.transfers.TransferCreateParams;
import dev.onceonly.transfers.TransferService;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** {@link TransferService} over the retry engine. Thread-safe. */
final class DefaultTransferService implements TransferService {

  private static final Map<String, String> GET_HEADERS = Map.of("Accept", "application/json");
  /** Holds the headers every create sends before its key, in this order. */
  private static final HttpRequest POST_HEADERS = new HttpRequest("POST", "/transfers", postHeaders(), null);

  private final RetryEngine engine;
  private final String transfersUrl;

  DefaultTransferService(RetryEngine engine, URI baseUrl) {
    this.engine = engine;
    this.transfersUrl = baseUrl.resolve("transfers").toString();
  }

  @Override
  public OperationResult<Transfer> createWithResult(TransferCreateParams params, RequestOptions options) {
    Create create = prepareCreate(params, options);
    RetryEngine.Completed<Transfer> created = engine.executeIdempotent(create.post(), create.key(),
        create.keyFirstUsedAt(), create.keyFromCaller(), create.reader());
    return create.succeeded(created);
  }

  @Override
  public Transfer get(String id) {
    return engine.executeSafe(getRequest(id), TransferAnswers.forGet(id, engine.redactor())).value();
  }

  /** One create, ready for either driver: the request with its key and body, and how to read its answer. */
  record Create(HttpRequest post, String key, @Nullable Instant keyFirstUsedAt, boolean keyFromCaller,
      AnswerReader<Transfer> reader, RetryEngine engine) {

    /** The result of the create, reported to the listener. */
    OperationResult<Transfer> succeeded(RetryEngine.Completed<Transfer> created) {
      OperationResult<Transfer> result = new OperationResult<>(created.value(), key, created.attempts(), created.replay());
      engine.reportSuccess(result);
      return result;
    }
  }

  /** Checks the arguments and builds the create (shared with {@link DefaultTransferServiceAsync}). */
  Create prepareCreate(TransferCreateParams params, RequestOptions options) {
    Objects.requireNonNull(params, "params");
    Objects.requireNonNull(options, "options");
    // One key and one body per logical operation: every attempt re-sends these very bytes.
    String key = options.idempotencyKey().orElseGet(() -> UUID.randomUUID().toString());
    byte[] body = TransferJson.encodeCreate(params);
    // The constant headers are shared (a request's headers are immutable); the key goes last.
    HttpRequest post = new HttpRequest("POST", transfersUrl, POST_HEADERS.headers(), body)
        .withHeader("Idempotency-Key", key);
    // The answer (first, replayed, stored, or read back from its Location) is returned only if
    // it is this request's: same amount, currency, source and destination.
    return new Create(post, key, options.keyFirstUsedAt().orElse(null), options.idempotencyKey().isPresent(),
        TransferAnswers.forCreate(params, engine.redactor()), engine);
  }

  /** Checks {@code id} and builds its read (shared with {@link DefaultTransferServiceAsync}). */
  HttpRequest getRequest(String id) {
    Objects.requireNonNull(id, "id");
    if (id.isBlank()) {
      throw new IllegalArgumentException("id must not be blank");
    }
    String url = transfersUrl + "/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    return new HttpRequest("GET", url, GET_HEADERS, null);
  }

  private static Map<String, String> postHeaders() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("Accept", "application/json");
    return headers;
  }
}

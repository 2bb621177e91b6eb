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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/** {@link TransferService} over the retry engine. Thread-safe. */
final class DefaultTransferService implements TransferService {

  /** The journal's name for a transfer create. */
  static final String CREATE = "transfers.create";

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
    Objects.requireNonNull(params, "params");
    Objects.requireNonNull(options, "options");
    // One key and one body per logical operation: every attempt re-sends these very bytes.
    String key = options.idempotencyKey().orElseGet(() -> UUID.randomUUID().toString());
    if (options.idempotencyKey().isPresent()) {
      engine.profile().checkKey(key); // the client's API's key rules, before anything is sent
    }
    byte[] body = TransferJson.encodeCreate(params);
    // The constant headers are shared (a request's headers are immutable); the key goes last.
    HttpRequest post = new HttpRequest("POST", transfersUrl, POST_HEADERS.headers(), body)
        .withHeader(engine.profile().keyHeader(), key);

    // The answer (first, replayed, stored, or read back from its Location) is returned only if
    // it is this request's: same amount, currency, source and destination.
    Decider.Step.Done<Transfer> created = engine.executeIdempotent(post, key, CREATE,
        options.keyFirstUsedAt().orElse(null), options.idempotencyKey().isPresent(), options.reference().orElse(null),
        TransferAnswers.forCreate(params, engine.redactor()));
    OperationResult<Transfer> result = new OperationResult<>(created.value(), key, created.attempts(), created.replay(),
        created.journalError());
    engine.reportSuccess(result);
    return result;
  }

  @Override
  public Transfer get(String id) {
    Objects.requireNonNull(id, "id");
    if (id.isBlank()) {
      throw new IllegalArgumentException("id must not be blank");
    }
    String url = transfersUrl + "/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    return engine.executeSafe(new HttpRequest("GET", url, GET_HEADERS, null),
        TransferAnswers.forGet(id, engine.redactor())).value();
  }

  private static Map<String, String> postHeaders() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("Accept", "application/json");
    return headers;
  }
}

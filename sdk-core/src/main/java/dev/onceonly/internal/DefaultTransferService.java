package dev.onceonly.internal;

import dev.onceonly.InvalidResponseException;
import dev.onceonly.OperationResult;
import dev.onceonly.PaymentsException;
import dev.onceonly.RequestOptions;
import dev.onceonly.http.HttpRequest;
import dev.onceonly.http.HttpResponse;
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
import org.jspecify.annotations.Nullable;

/** {@link TransferService} over the retry engine. Thread-safe. */
final class DefaultTransferService implements TransferService {

  private static final Map<String, String> GET_HEADERS = Map.of("Accept", "application/json");
  /** Holds the headers every create sends before its key, in this order. */
  private static final HttpRequest POST_HEADERS = new HttpRequest("POST", "/transfers", postHeaders(), null);

  private final RetryEngine engine;
  private final URI baseUrl;
  private final String transfersUrl;
  private final String origin;

  DefaultTransferService(RetryEngine engine, URI baseUrl) {
    this.engine = engine;
    this.baseUrl = baseUrl;
    this.transfersUrl = baseUrl.resolve("transfers").toString();
    this.origin = baseUrl.getScheme() + "://" + baseUrl.getRawAuthority();
  }

  @Override
  public OperationResult<Transfer> createWithResult(TransferCreateParams params, RequestOptions options) {
    Objects.requireNonNull(params, "params");
    Objects.requireNonNull(options, "options");
    // One key and one body per logical operation: every attempt re-sends these very bytes.
    String key = options.idempotencyKey().orElseGet(() -> UUID.randomUUID().toString());
    byte[] body = TransferJson.encodeCreate(params);
    // The constant headers are shared (a request's headers are immutable); the key goes last.
    HttpRequest post = new HttpRequest("POST", transfersUrl, POST_HEADERS.headers(), body)
        .withHeader("Idempotency-Key", key);

    RetryEngine.Completed created = engine.executeIdempotent(
        post, key, options.keyFirstUsedAt().orElse(null), options.idempotencyKey().isPresent());
    HttpResponse response = created.response();
    int attempts = created.attempts();
    Transfer transfer;
    if (isBlank(response.body())) {
      // Dwolla answers 201 with only a Location: the transfer exists, and a GET is safe to retry.
      String location = response.header("Location").orElseThrow(() -> new InvalidResponseException(
          "the server answered " + response.statusCode() + " with neither a body nor a Location; the transfer"
              + " may exist: resend with Idempotency-Key " + key, response.statusCode(), key, null));
      RetryEngine.Completed fetched = fetchCreated(location, key);
      attempts += fetched.attempts();
      transfer = decode(fetched.response(), key);
    } else {
      transfer = decode(response, key);
    }
    OperationResult<Transfer> result = new OperationResult<>(transfer, key, attempts, created.replay());
    engine.reportSuccess(result);
    return result;
  }

  private RetryEngine.Completed fetchCreated(String location, String key) {
    URI target;
    try {
      target = baseUrl.resolve(location);
    } catch (IllegalArgumentException e) {
      throw new InvalidResponseException("the Location of the created transfer is not a URL", 201, key, e);
    }
    if (!(target.getScheme() + "://" + target.getRawAuthority()).equalsIgnoreCase(origin)) {
      // Never follow the API's answer to another origin: the bearer token would not go there,
      // and the caller did not ask to trust it.
      throw new InvalidResponseException("the created transfer's Location points to another origin ("
          + target.getScheme() + "://" + target.getRawAuthority() + "); it was created: Idempotency-Key " + key,
          201, key, null);
    }
    try {
      return engine.executeSafe(new HttpRequest("GET", target.toString(), GET_HEADERS, null), key);
    } catch (PaymentsException e) {
      throw new PaymentsException("the transfer was created (" + target + ") but reading it back failed: "
          + e.getMessage(), key, e);
    }
  }

  @Override
  public Transfer get(String id) {
    Objects.requireNonNull(id, "id");
    if (id.isBlank()) {
      throw new IllegalArgumentException("id must not be blank");
    }
    String url = transfersUrl + "/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    return decode(engine.executeSafe(new HttpRequest("GET", url, GET_HEADERS, null), null).response(), null);
  }

  private static Transfer decode(HttpResponse response, @Nullable String key) {
    try {
      return TransferJson.decodeTransfer(response.body());
    } catch (TransferJson.JsonProblem e) {
      String hint = key == null ? "" : "; the transfer may exist: resend with Idempotency-Key " + key;
      throw new InvalidResponseException(
          "the server's " + response.statusCode() + " answer is not a transfer: " + e.getMessage() + hint,
          response.statusCode(), key, e);
    }
  }

  private static Map<String, String> postHeaders() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("Accept", "application/json");
    return headers;
  }

  private static boolean isBlank(byte[] body) {
    for (byte b : body) {
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return false;
      }
    }
    return true;
  }
}

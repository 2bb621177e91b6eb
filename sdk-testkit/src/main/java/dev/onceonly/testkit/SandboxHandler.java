package dev.onceonly.testkit;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.onceonly.Sleeper;
import dev.onceonly.testkit.IdempotencyStore.Busy;
import dev.onceonly.testkit.IdempotencyStore.Claim;
import dev.onceonly.testkit.IdempotencyStore.Finished;
import dev.onceonly.testkit.IdempotencyStore.Owned;
import dev.onceonly.testkit.IdempotencyStore.ScopedKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Serves the Transfers API in one dialect: routing, authentication, {@code POST /transfers} and
 * {@code POST /refunds} exactly once per key, the reads ({@code GET /transfers/{id}}, the listing
 * {@code GET /transfers?metadata[name]=value&limit=n&starting_after=id}, {@code GET /refunds/{id}},
 * {@code GET /responses/{key}}), and the faults.
 *
 * <p>The order of a {@code POST}: token ({@code 401}), key format ({@code 400}), body
 * size ({@code 413}); then the fault draw, where a server error ends the request before any work;
 * then the key claim, where a repeated key is answered from the store in the dialect's way; then
 * the work (processing time, validation, creation), whose answer is stored, errors included;
 * then, after that commit, a drop, reset or stall in place of the answer.
 *
 * <p>Thread-safe: all state is in the thread-safe stores and counters.
 */
final class SandboxHandler implements HttpHandler {

  private static final System.Logger LOG = System.getLogger(SandboxHandler.class.getName());

  static final Pattern KEY = Pattern.compile("[A-Za-z0-9-]{16,36}");
  static final int MAX_BODY_BYTES = 1 << 20;
  static final String STATS_PATH = "/_sandbox/stats";
  private static final String ANONYMOUS = "anonymous";
  private static final Duration MIN_RETRY_AFTER = Duration.ofSeconds(1);

  private final Dialect dialect;
  private final Faults faults;
  private final Clock clock;
  private final Sleeper sleeper;
  private final byte @Nullable [] requiredTokenHash;
  private final long seed;
  private final String baseUrl;
  private final ErrorBodies errors;
  private final IdempotencyStore keys;
  private final TransferStore transfers;
  private final RefundStore refunds;
  private final Counters counters;
  private final FaultPicker picker;
  private final TcpFront front;

  /** The resources a client creates with a {@code POST}, each exactly once per key. */
  private enum Resource {
    TRANSFERS("/transfers"),
    REFUNDS("/refunds");

    final String path;

    Resource(String path) {
      this.path = path;
    }
  }

  SandboxHandler(SandboxServer config, long seed, String baseUrl, TransferStore transfers,
      RefundStore refunds, Counters counters, TcpFront front) {
    this.dialect = config.dialect();
    this.faults = config.faults();
    this.clock = config.clock();
    this.sleeper = config.sleeper();
    String token = config.requiredToken();
    // Only a hash is kept: the token itself is never compared in variable time nor printed.
    this.requiredTokenHash = token == null ? null : Digests.sha256(token);
    this.seed = seed;
    this.baseUrl = baseUrl;
    this.errors = new ErrorBodies(dialect, clock);
    this.keys = new IdempotencyStore(clock, config.keyWindow());
    this.transfers = transfers;
    this.refunds = refunds;
    this.counters = counters;
    this.picker = new FaultPicker(faults, seed);
    this.front = front;
  }

  @Override
  public void handle(HttpExchange exchange) {
    try {
      serve(exchange);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the sandbox is closing; the connection just ends
    } catch (IOException e) {
      // The client went away while we read or wrote: there is no one left to answer.
    } catch (RuntimeException | Error e) {
      // A bug here must not look like an injected drop: answer 500 if nothing was sent yet.
      LOG.log(System.Logger.Level.WARNING, "sandbox failed on " + exchange.getRequestMethod()
          + " " + exchange.getRequestURI().getRawPath(), e);
      if (exchange.getResponseCode() == -1) {
        try {
          send(exchange, errors.serverError(500, Optional.empty()));
        } catch (IOException ignored) {
          // the connection is closed below anyway
        }
      }
    } finally {
      exchange.close();
    }
  }

  private void serve(HttpExchange exchange) throws IOException, InterruptedException {
    String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
    String path = trimSlash(exchange.getRequestURI().getRawPath());
    if (path.equals(STATS_PATH)) {
      send(exchange, method.equals("GET")
          ? Answer.json(200, JsonBodies.stats(counters.snapshot(), dialect, seed, transfers.count()))
          : errors.methodNotAllowed("GET"));
      return;
    }
    counters.requests.increment();
    Optional<String> scope = scope(exchange.getRequestHeaders().getFirst("Authorization"));
    if (scope.isEmpty()) {
      send(exchange, errors.unauthorized());
      return;
    }
    if (path.equals("/transfers")) {
      switch (method) {
        case "POST" -> create(exchange, scope.get(), Resource.TRANSFERS);
        case "GET" -> send(exchange, listTransfers(exchange.getRequestURI().getRawQuery()));
        default -> send(exchange, errors.methodNotAllowed("GET, POST"));
      }
      return;
    }
    String transferId = lastSegment(path, "/transfers/");
    if (transferId != null) {
      send(exchange, method.equals("GET") ? readTransfer(transferId) : errors.methodNotAllowed("GET"));
      return;
    }
    if (path.equals("/refunds")) {
      if (method.equals("POST")) {
        create(exchange, scope.get(), Resource.REFUNDS);
      } else {
        send(exchange, errors.methodNotAllowed("POST"));
      }
      return;
    }
    String refundId = lastSegment(path, "/refunds/");
    if (refundId != null) {
      send(exchange, method.equals("GET") ? readRefund(refundId) : errors.methodNotAllowed("GET"));
      return;
    }
    String key = dialect.servesStoredResponses() ? lastSegment(path, "/responses/") : null;
    if (key != null) {
      send(exchange, method.equals("GET") ? storedResponse(scope.get(), key)
          : errors.methodNotAllowed("GET"));
      return;
    }
    send(exchange, errors.notFound());
  }

  /**
   * The scope of the caller's keys: a hash of its bearer token, or one shared scope without a
   * token; empty if a token is required and this is not it.
   */
  private Optional<String> scope(@Nullable String authorization) {
    String token = bearerToken(authorization);
    if (requiredTokenHash != null
        && (token == null || !MessageDigest.isEqual(requiredTokenHash, Digests.sha256(token)))) {
      return Optional.empty();
    }
    return Optional.of(token == null ? ANONYMOUS : Digests.sha256Hex(token.getBytes(StandardCharsets.UTF_8)));
  }

  private static @Nullable String bearerToken(@Nullable String authorization) {
    String scheme = "Bearer ";
    if (authorization == null || authorization.length() <= scheme.length()
        || !authorization.regionMatches(true, 0, scheme, 0, scheme.length())) {
      return null;
    }
    String token = authorization.substring(scheme.length()).trim();
    return token.isEmpty() ? null : token;
  }

  private void create(HttpExchange exchange, String scope, Resource resource) throws IOException, InterruptedException {
    counters.posts.increment();
    String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
    if (key != null && !dialect.acceptsKey(key)) {
      send(exchange, errors.badRequest("The Idempotency-Key header must be " + dialect.keyRule() + "."));
      return;
    }
    byte[] body = readBody(exchange);
    if (body == null) {
      send(exchange, errors.tooLarge(MAX_BODY_BYTES));
      return;
    }
    Optional<FaultKind> fault = picker.next();
    fault.ifPresent(counters::fault);
    if (fault.isPresent() && fault.get() == FaultKind.SERVER_ERROR) {
      send(exchange, errors.serverError(faults.serverErrorStatus(), faults.retryAfter()));
      return;
    }
    // Without a key nothing can be deduplicated: every POST does the work, as in the seeds.
    Answer answer = key == null ? perform(resource, body) : performOnce(resource, new ScopedKey(scope, key), body);
    if (fault.isPresent()) {
      endWithoutAnswer(exchange, fault.get());
      return;
    }
    send(exchange, answer);
  }

  private Answer performOnce(Resource resource, ScopedKey key, byte[] body) throws InterruptedException {
    // A key's request is its resource and its body: the same body sent to another resource is
    // another request.
    String fingerprint = resource == Resource.TRANSFERS ? Digests.sha256Hex(body)
        : Digests.sha256Hex((resource.path + "\n" + new String(body, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
    Claim claim = keys.claim(key, fingerprint);
    if (claim instanceof Owned owned) {
      Answer answer;
      try {
        answer = perform(resource, body);
      } catch (InterruptedException | RuntimeException | Error e) {
        keys.release(owned); // no work was done: a retry must be able to do it
        throw e;
      }
      keys.complete(owned, new StoredResponse(answer, clock.instant(), baseUrl + resource.path));
      return answer;
    }
    if (claim instanceof Finished finished) {
      return repeated(finished);
    }
    return busy((Busy) claim);
  }

  /** Does the work of one {@code POST}: the answer is final, a validation error included. */
  private Answer perform(Resource resource, byte[] body) throws InterruptedException {
    if (!faults.processingTime().isZero()) {
      sleeper.sleep(faults.processingTime());
    }
    if (resource == Resource.REFUNDS) {
      return refund(body);
    }
    TransferRequest.Result result = TransferRequest.parse(body);
    if (result instanceof TransferRequest.Malformed malformed) {
      return errors.badRequest(malformed.reason());
    }
    if (result instanceof TransferRequest.Invalid invalid) {
      return errors.validation(invalid.errors());
    }
    TransferRequest.Valid valid = (TransferRequest.Valid) result;
    SandboxTransfer transfer = new SandboxTransfer(UUID.randomUUID().toString(), valid.currency(),
        valid.value(), clock.instant().truncatedTo(ChronoUnit.MILLIS), valid.metadata(),
        valid.source(), valid.destination());
    boolean duplicate = transfers.add(transfer);
    counters.transfersCreated.increment();
    if (duplicate) {
      counters.duplicateCreations.increment();
    }
    String location = transferUrl(transfer.id());
    Answer created = dialect == Dialect.DWOLLA
        ? Answer.empty(201) // Dwolla sends only the Location; the client GETs it
        : Answer.json(201, JsonBodies.transfer(transfer, location));
    return created.withHeader("Location", location);
  }

  /** Creates a refund of an existing transfer, no more than what is left of it. */
  private Answer refund(byte[] body) {
    Object parsed = RefundRequest.parse(body);
    if (parsed instanceof TransferRequest.Malformed malformed) {
      return errors.badRequest(malformed.reason());
    }
    if (parsed instanceof TransferRequest.Invalid invalid) {
      return errors.validation(invalid.errors());
    }
    RefundRequest.Valid valid = (RefundRequest.Valid) parsed;
    synchronized (refunds) { // what is left to refund is read and taken at once
      Optional<SandboxTransfer> transfer = transfers.get(valid.transferId());
      if (transfer.isEmpty()) {
        return errors.validation(List.of(FieldError.invalid("/transfer_id", "No transfer has this id.")));
      }
      if (!transfer.get().currency().equals(valid.currency())) {
        return errors.validation(List.of(FieldError.invalid("/amount/currency",
            "A refund is in the transfer's currency, " + transfer.get().currency() + ".")));
      }
      BigDecimal left = new BigDecimal(transfer.get().value()).subtract(refunds.refundedOf(valid.transferId()));
      if (new BigDecimal(valid.value()).compareTo(left) > 0 || new BigDecimal(valid.value()).signum() == 0) {
        return errors.validation(List.of(FieldError.invalid("/amount/value",
            "A refund must be more than zero and at most what is left of the transfer, " + left.toPlainString() + ".")));
      }
      SandboxRefund refund = new SandboxRefund("re_" + UUID.randomUUID(), valid.transferId(), valid.currency(),
          valid.value(), clock.instant().truncatedTo(ChronoUnit.MILLIS), valid.metadata());
      refunds.add(refund);
      String location = baseUrl + "/refunds/" + refund.id();
      Answer created = dialect == Dialect.DWOLLA ? Answer.empty(201) : Answer.json(201, JsonBodies.refund(refund));
      return created.withHeader("Location", location);
    }
  }

  /** A key whose first request has finished. */
  private Answer repeated(Finished finished) {
    if (!finished.sameBody()) {
      counters.keyMismatches.increment();
    }
    return switch (dialect) {
      case FULL, IETF, STRIPE -> finished.sameBody() ? replay(finished.response()) : errors.keyReused();
      case DWOLLA -> replay(finished.response());
      case MANGOPAY -> {
        counters.conflicts.increment();
        yield errors.creationConflict();
      }
      case GOCARDLESS -> {
        // GoCardless answers every reuse of a key whose resource exists with a conflict naming it.
        String created = createdId(finished.response());
        if (created == null) {
          yield replay(finished.response()); // the first request failed: its answer again
        }
        counters.conflicts.increment();
        yield errors.goCardlessConflict(created);
      }
      case INCREASE -> {
        String created = createdId(finished.response());
        if (finished.sameBody() || created == null) {
          yield replay(finished.response());
        }
        counters.conflicts.increment();
        yield errors.increaseConflict(created);
      }
    };
  }

  /** The id of what a stored success created (the last segment of its Location), or null. */
  private static @Nullable String createdId(StoredResponse stored) {
    Answer answer = stored.answer();
    String location = answer.header("Location");
    if (answer.status() < 200 || answer.status() > 299 || location == null) {
      return null;
    }
    return location.substring(location.lastIndexOf('/') + 1);
  }

  private Answer replay(StoredResponse stored) {
    counters.replays.increment();
    Answer answer = stored.answer();
    return dialect.marksReplays() ? answer.withHeader("Idempotent-Replayed", "true") : answer;
  }

  /** A key whose first request is still being processed. */
  private Answer busy(Busy busy) {
    if (!busy.sameBody()) {
      counters.keyMismatches.increment();
      if (dialect == Dialect.FULL || dialect == Dialect.IETF || dialect == Dialect.STRIPE) {
        return errors.keyReused(); // the body settles it: waiting would not help
      }
    }
    counters.conflicts.increment();
    // Come back when the first request should be done, and not sooner than a second.
    Duration processing = faults.processingTime();
    return errors.inProgress(processing.compareTo(MIN_RETRY_AFTER) > 0 ? processing : MIN_RETRY_AFTER);
  }

  private void endWithoutAnswer(HttpExchange exchange, FaultKind fault) throws InterruptedException {
    switch (fault) {
      case DROP -> front.end(exchange.getRemoteAddress(), false);
      case RESET -> front.end(exchange.getRemoteAddress(), true);
      case STALL -> {
        sleeper.sleep(faults.stallTime());
        front.end(exchange.getRemoteAddress(), false);
      }
      case SERVER_ERROR -> throw new IllegalStateException("a server error is sent before the work");
    }
  }

  private Answer readTransfer(String id) {
    return transfers.get(id)
        .map(transfer -> Answer.json(200, JsonBodies.transfer(transfer, transferUrl(transfer.id()))))
        .orElseGet(errors::notFound);
  }

  private Answer readRefund(String id) {
    return refunds.get(id).map(refund -> Answer.json(200, JsonBodies.refund(refund))).orElseGet(errors::notFound);
  }

  /**
   * {@code GET /transfers}: {@code metadata[name]=value} (any number, all must match),
   * {@code limit} (1 to 100, default 10) and {@code starting_after} (a transfer id), newest first.
   */
  private Answer listTransfers(@Nullable String rawQuery) {
    Map<String, String> metadata = new LinkedHashMap<>();
    int limit = 10;
    String startingAfter = null;
    if (rawQuery != null && !rawQuery.isEmpty()) {
      for (String pair : rawQuery.split("&")) {
        int eq = pair.indexOf('=');
        String name;
        String value;
        try {
          name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
          value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          return errors.badRequest("The query is not URL-encoded.");
        }
        if (name.startsWith("metadata[") && name.endsWith("]") && name.length() > "metadata[]".length()) {
          metadata.put(name.substring("metadata[".length(), name.length() - 1), value);
        } else if (name.equals("limit")) {
          try {
            limit = Integer.parseInt(value);
          } catch (NumberFormatException e) {
            limit = -1;
          }
          if (limit < 1 || limit > 100) {
            return errors.badRequest("limit must be a whole number from 1 to 100.");
          }
        } else if (name.equals("starting_after")) {
          startingAfter = value;
        }
      }
    }
    TransferStore.Page page = transfers.list(metadata, limit, startingAfter);
    return Answer.json(200, JsonBodies.page(page.data(), page.hasMore(), baseUrl));
  }

  private Answer storedResponse(String scope, String key) {
    counters.responsesLookups.increment();
    Optional<StoredResponse> stored = keys.lookup(new ScopedKey(scope, key));
    if (stored.isEmpty()) {
      return errors.notFound();
    }
    counters.responsesFound.increment();
    return Answer.json(200, JsonBodies.envelope(stored.get()));
  }

  private String transferUrl(String id) {
    return baseUrl + "/transfers/" + id;
  }

  /** The body, or {@code null} if it is larger than {@link #MAX_BODY_BYTES}. */
  private static byte @Nullable [] readBody(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
      return body.length > MAX_BODY_BYTES ? null : body;
    }
  }

  private static void send(HttpExchange exchange, Answer answer) throws IOException {
    Headers headers = exchange.getResponseHeaders();
    if (answer.contentType() != null) {
      headers.set("Content-Type", answer.contentType());
    }
    answer.headers().forEach(headers::set);
    byte[] body = answer.body();
    // -1 is the JDK server's "no body" (Content-Length: 0); 0 would mean chunked.
    exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static String trimSlash(String path) {
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  /** The segment after {@code prefix} if it is the last one and not empty, else {@code null}. */
  private static @Nullable String lastSegment(String path, String prefix) {
    if (!path.startsWith(prefix)) {
      return null;
    }
    String segment = path.substring(prefix.length());
    return segment.isEmpty() || segment.contains("/") ? null : segment;
  }
}

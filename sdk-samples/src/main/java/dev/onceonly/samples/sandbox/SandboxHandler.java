package dev.onceonly.samples.sandbox;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.onceonly.Sleeper;
import dev.onceonly.samples.sandbox.IdempotencyStore.Busy;
import dev.onceonly.samples.sandbox.IdempotencyStore.Claim;
import dev.onceonly.samples.sandbox.IdempotencyStore.Finished;
import dev.onceonly.samples.sandbox.IdempotencyStore.Owned;
import dev.onceonly.samples.sandbox.IdempotencyStore.ScopedKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Serves the Transfers API in one dialect: routing, authentication, {@code POST /transfers}
 * exactly once per key, the reads, and the faults.
 *
 * <p>The order of a {@code POST /transfers}: token ({@code 401}), key format ({@code 400}), body
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
  private final Counters counters;
  private final FaultPicker picker;
  private final TcpFront front;

  SandboxHandler(SandboxServer config, long seed, String baseUrl, TransferStore transfers,
      Counters counters, TcpFront front) {
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
      if (method.equals("POST")) {
        create(exchange, scope.get());
      } else {
        send(exchange, errors.methodNotAllowed("POST"));
      }
      return;
    }
    String transferId = lastSegment(path, "/transfers/");
    if (transferId != null) {
      send(exchange, method.equals("GET") ? readTransfer(transferId) : errors.methodNotAllowed("GET"));
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

  private void create(HttpExchange exchange, String scope) throws IOException, InterruptedException {
    counters.posts.increment();
    String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
    if (key != null && !KEY.matcher(key).matches()) {
      send(exchange, errors.badRequest(
          "The Idempotency-Key header must be 16 to 36 characters of A-Z, a-z, 0-9 and -."));
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
    Answer answer = key == null ? perform(body) : performOnce(new ScopedKey(scope, key), body);
    if (fault.isPresent()) {
      endWithoutAnswer(exchange, fault.get());
      return;
    }
    send(exchange, answer);
  }

  private Answer performOnce(ScopedKey key, byte[] body) throws InterruptedException {
    Claim claim = keys.claim(key, Digests.sha256Hex(body));
    if (claim instanceof Owned owned) {
      Answer answer;
      try {
        answer = perform(body);
      } catch (InterruptedException | RuntimeException | Error e) {
        keys.release(owned); // no work was done: a retry must be able to do it
        throw e;
      }
      keys.complete(owned, new StoredResponse(answer, clock.instant(), baseUrl + "/transfers"));
      return answer;
    }
    if (claim instanceof Finished finished) {
      return repeated(finished);
    }
    return busy((Busy) claim);
  }

  /** Does the work of one {@code POST}: the answer is final, a validation error included. */
  private Answer perform(byte[] body) throws InterruptedException {
    if (!faults.processingTime().isZero()) {
      sleeper.sleep(faults.processingTime());
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

  /** A key whose first request has finished. */
  private Answer repeated(Finished finished) {
    if (!finished.sameBody()) {
      counters.keyMismatches.increment();
    }
    return switch (dialect) {
      case FULL, IETF -> finished.sameBody() ? replay(finished.response()) : errors.keyReused();
      case DWOLLA -> replay(finished.response());
      case MANGOPAY -> {
        counters.conflicts.increment();
        yield errors.creationConflict();
      }
    };
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
      if (dialect == Dialect.FULL || dialect == Dialect.IETF) {
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

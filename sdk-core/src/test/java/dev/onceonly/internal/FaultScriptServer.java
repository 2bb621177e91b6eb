package dev.onceonly.internal;

import dev.onceonly.InvalidResponseException;
import dev.onceonly.NetworkException;
import dev.onceonly.PaymentsException;
import dev.onceonly.http.HttpRequest;
import dev.onceonly.http.HttpResponse;
import dev.onceonly.http.HttpTransport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A simulated Transfers API that follows a script of faults, one per request, and keeps the
 * truth the client cannot see: per {@code Idempotency-Key}, whether a transfer was committed
 * (and its JSON), or a failure stored as the key's answer; every request with the simulated
 * time it arrived and ended, and whether it could have been acted on.
 *
 * <p>Every answer it gives is one a real server (or a proxy, or the network) could give in that
 * state: faults that make no sense in a state fall back to the server's normal answer (a stored
 * error cannot replace a transfer already committed, an unreadable {@code 2xx} only replaces a
 * {@code 2xx}), and a stray answer is withheld (lost instead) where the client could not tell
 * it from the key's genuine reuse (see {@link #callerKey}).
 *
 * <p>Time: a request "takes" its drawn stall, cut at the bound the engine passed to
 * {@link #execute}; a stall that reaches the bound is a timeout ({@link NetworkException} that
 * may have reached the server), after the server did whatever the fault does.
 */
final class FaultScriptServer implements HttpTransport {

  static final String BASE = "https://api.example.test";

  // ---- the script ---------------------------------------------------------------------------

  /** How the server speaks: one choice per run. */
  record Dialect(
      /** Replays of a finished key carry {@code Idempotent-Replayed: true} (Dwolla's do not). */
      boolean replaysMarked,
      Route responsesRoute,
      /** MangoPay: every reuse of a key, finished or not, is {@code 409 idempotent_creation_conflict}. */
      boolean conflictOnReuse,
      /** Dwolla: a created transfer is answered {@code 201} with an empty body and a {@code Location}. */
      boolean bodilessCreated,
      /** The {@code Retry-After} of an "in progress" {@code 409}; empty for none. */
      String inProgressRetryAfter) {}

  /** {@code GET /responses/{key}}: offered, or absent and answered {@code 404} or {@code 405}. */
  enum Route { PRESENT, ABSENT_404, ABSENT_405 }

  /** What happens to one {@code POST /transfers}. */
  enum PostKind {
    /** The server's normal processing (commits if the key is new) and its normal answer. */
    OK,
    /** The connection is refused: nothing is sent ({@code NetworkException(false)}). */
    REFUSE_CONNECT,
    /** Processed normally, then the answer is lost (reset, timeout: {@code NetworkException(true)}). */
    COMMIT_THEN_LOSE,
    /** The request arrives, the connection dies before the server does anything. */
    LOSE_BEFORE_COMMIT,
    /** A {@code 5xx} before any work. */
    ERROR_BEFORE_WORK,
    /** Processed normally, then a {@code 5xx} instead of the answer. */
    ERROR_AFTER_WORK,
    /** {@code 408}/{@code 429}: not acted on, by definition; maybe a {@code Retry-After}. */
    THROTTLE,
    /** {@code 401}/{@code 403}/{@code 404}/{@code 3xx} from a layer in front (an expired token, a proxy in a deploy): nothing done. */
    REJECT,
    /** A new key is settled as a failed operation (a stored {@code 4xx}/{@code 5xx}), answered as a marked replay. */
    STORED_ERROR,
    /** Another request's {@code 201} (another transfer, another amount); nothing done. */
    STRAY,
    /** A new key starts processing for {@code ticks} more requests for it; the first answer is lost. */
    SLOW,
    /** Processed normally; a {@code 2xx} answer becomes unreadable (garbage, or beyond the transport's bound). */
    UNREADABLE_2XX,
    /** {@code 409} business conflict (a duplicate reference): nothing done. */
    BUSINESS_CONFLICT,
    /** The client is closed while this request is out; see {@link CloseVariant}. */
    CLOSE_MIDFLIGHT
  }

  /** After {@code close()} mid-flight, the transport... */
  enum CloseVariant {
    /** ...still delivers the server's normal answer. */
    ANSWERS,
    /** ...throws {@code IllegalStateException}; the server had processed the request. */
    THROWS_AFTER_WORK,
    /** ...throws {@code IllegalStateException}; the server had not processed it. */
    THROWS_BEFORE_WORK,
    /** ...refuses to send it ({@code PaymentsException}, as a closed transport does). */
    REFUSES_TO_SEND
  }

  /**
   * One scripted {@code POST} fault.
   *
   * @param status the status for the kinds that have one, else 0
   * @param retryAfter a {@code Retry-After} value for error kinds, empty for none
   * @param ticks for {@link PostKind#SLOW}: requests for the key until it is done
   * @param flag {@link PostKind#STRAY}: marked as a replay; {@link PostKind#UNREADABLE_2XX}: thrown by the transport as beyond its bound
   * @param close for {@link PostKind#CLOSE_MIDFLIGHT}
   */
  record PostFault(PostKind kind, int status, String retryAfter, int ticks, boolean flag, @Nullable CloseVariant close) {
    static final PostFault OK = of(PostKind.OK);

    static PostFault of(PostKind kind) {
      return new PostFault(kind, 0, "", 0, false, null);
    }

    @Override
    public String toString() {
      StringBuilder s = new StringBuilder(kind.name());
      if (status != 0) {
        s.append(' ').append(status);
      }
      if (!retryAfter.isEmpty()) {
        s.append(" Retry-After=").append(retryAfter);
      }
      if (kind == PostKind.SLOW) {
        s.append(" ticks=").append(ticks);
      }
      if (flag) {
        s.append(kind == PostKind.STRAY ? " marked" : " thrown");
      }
      if (close != null) {
        s.append(' ').append(close);
      }
      return s.toString();
    }
  }

  /** What happens to one {@code GET /responses/{key}}. */
  enum PollKind {
    /** The truth: the stored answer as an envelope, or {@code 404} while nothing is stored (or the dialect's "no route"). */
    CORRECT, NOT_FOUND_404, METHOD_NOT_ALLOWED_405, GONE_410, SERVER_ERROR,
    /** {@code 200} with something that is not an envelope (a proxy's page, another API). */
    NOT_AN_ENVELOPE,
    /** An envelope holding a stored {@code 500}. */
    STORED_500,
    /**
     * An envelope holding another request's {@code 201} (another transfer, another amount: a
     * confused cache or proxy); only for a key minted for the call, see {@link #callerKey}.
     */
    STRAY_ENVELOPE,
    /** The answer is lost. */
    LOSE
  }

  record PollFault(PollKind kind, int status) {
    static final PollFault CORRECT = new PollFault(PollKind.CORRECT, 0);

    @Override
    public String toString() {
      return status == 0 ? kind.name() : kind + " " + status;
    }
  }

  /** What happens to one read-back {@code GET} of a created transfer's {@code Location}. */
  enum ReadKind { OK, SERVER_ERROR, NOT_FOUND, LOSE }

  /**
   * The whole script of a run: a fault for each successive request of each kind (then
   * {@code OK}/{@code CORRECT}), and a stall for each successive request of any kind (then none).
   */
  record Script(List<PostFault> posts, List<PollFault> polls, List<ReadKind> reads, List<Long> stallsMillis) {}

  // ---- the truth ----------------------------------------------------------------------------

  /** What the server holds for one key. */
  static final class KeyState {
    final byte[] body;
    /** The transfer committed for the key, if any. */
    final @Nullable String transferId;
    final @Nullable String transferJson;
    /** The key's answer: the creation's {@code 201}, or the stored failure. */
    final HttpResponse answer;
    /** Requests for the key still to come before its processing is done. */
    int ticksLeft;

    KeyState(byte[] body, @Nullable String transferId, @Nullable String transferJson, HttpResponse answer, int ticks) {
      this.body = body;
      this.transferId = transferId;
      this.transferJson = transferJson;
      this.answer = answer;
      this.ticksLeft = ticks;
    }

    boolean inProgress() {
      return ticksLeft > 0;
    }
  }

  /**
   * One request as the server saw it.
   *
   * @param arrived whether it left the client at all (a refused connect, a closed transport: no)
   * @param couldHaveBeenActedOn a {@code POST} that arrived and was not answered {@code 408}/{@code 429}
   * @param answer the status delivered, 0 when none (an exception)
   * @param creationConflict the answer was a {@code 409 idempotent_creation_conflict}
   * @param bodiless2xx the answer was a {@code 2xx} without a body (directly or inside an envelope)
   */
  record Seen(int index, HttpRequest request, Duration bound, Instant start, Instant end, boolean arrived,
      boolean couldHaveBeenActedOn, int answer, boolean creationConflict, boolean bodiless2xx, String what) {

    boolean isPost() {
      return request.method().equals("POST");
    }

    String path() {
      return request.url().replaceFirst("^https?://[^/]+", "");
    }

    @Override
    public String toString() {
      return "#" + index + " " + request.method() + " " + path() + " bound=" + bound.toMillis() + "ms "
          + "t=" + Duration.between(Fixtures.T0, start).toMillis() + ".." + Duration.between(Fixtures.T0, end).toMillis()
          + "ms -> " + what;
    }
  }

  final Dialect dialect;
  final Script script;
  private final FakeClock clock;
  private Runnable closeClient = () -> { };

  /** Every request, in order. */
  final List<Seen> seen = new ArrayList<>();
  /** What the server holds per key. */
  final Map<String, KeyState> keys = new LinkedHashMap<>();
  /** Every transfer the server ever created, by id, with the key that created it. */
  final Map<String, String> transfersCreated = new LinkedHashMap<>();
  /** Keys for which the server has shown the client that it knows them (see {@link #showsKey}). */
  final Map<String, Boolean> keyShown = new HashMap<>();

  private int posts;
  private int polls;
  private int reads;
  private int nextId = 1;
  private int stray = 1;
  /**
   * Whether the operation's key is the caller's (from the start, or since the caller resumed an
   * unknown outcome with it): a contradicting replay (marked, or after the server showed it
   * knows the key, or stored under {@code /responses}) is then indistinguishable from the
   * caller's reuse of the key for another operation, which the protocol reads as such; no stray
   * answer is sent there. To a key minted for the call, every stray answer is sent.
   */
  boolean callerKey;
  /** The stray answers sent, by kind (see {@link #strayKind}), and those withheld. */
  final List<String> strays = new ArrayList<>();

  FaultScriptServer(Dialect dialect, Script script, FakeClock clock) {
    this.dialect = dialect;
    this.script = script;
    this.clock = clock;
  }

  /** What {@link CloseVariant} faults and close-while-waiting call: the client's {@code close()}. */
  void onClose(Runnable closeClient) {
    this.closeClient = closeClient;
  }

  // ---- the transport ------------------------------------------------------------------------

  @Override
  public HttpResponse execute(HttpRequest request, Duration timeout) {
    int index = seen.size();
    long stall = index < script.stallsMillis().size() ? script.stallsMillis().get(index) : 0;
    Instant start = clock.instant();
    String path = request.url().replaceFirst("^https?://[^/]+", "");
    Outcome outcome;
    if (request.method().equals("POST") && path.equals("/transfers")) {
      PostFault fault = posts < script.posts().size() ? script.posts().get(posts) : PostFault.OK;
      posts++;
      outcome = post(request, fault, stall, timeout);
    } else if (request.method().equals("GET") && path.startsWith("/responses/")) {
      PollFault fault = polls < script.polls().size() ? script.polls().get(polls) : PollFault.CORRECT;
      polls++;
      outcome = poll(path.substring("/responses/".length()), fault, stall, timeout);
    } else if (request.method().equals("GET") && path.startsWith("/transfers/")) {
      ReadKind fault = reads < script.reads().size() ? script.reads().get(reads) : ReadKind.OK;
      reads++;
      outcome = read(path.substring("/transfers/".length()), fault, stall, timeout);
    } else {
      outcome = Outcome.answer(error(404, "NotFound", "no route"), true, false);
    }
    HttpResponse r = outcome.response;
    if (r != null && showsKey(r, path)) {
      keyShown.put(keyOf(request, path), true);
    }
    String what = outcome.failure != null ? outcome.failure.getClass().getSimpleName() + "(" + outcome.failure.getMessage() + ")"
        : r.statusCode() + (r.headers().containsKey("Idempotent-Replayed") ? " replayed" : "")
            + (r.body().length == 0 ? " (no body)" : "");
    seen.add(new Seen(index, request, timeout, start, clock.instant(), outcome.arrived, outcome.actedOn,
        r == null ? 0 : r.statusCode(), r != null && isCreationConflict(r), r != null && isBodiless2xx(r),
        what + (outcome.note.isEmpty() ? "" : " [" + outcome.note + "]")));
    if (outcome.failure != null) {
      throw outcome.failure;
    }
    return r;
  }

  /** A request's fate: an answer, or an exception; whether it arrived and could have been acted on. */
  private static final class Outcome {
    @Nullable HttpResponse response;
    @Nullable RuntimeException failure;
    boolean arrived;
    boolean actedOn;
    String note = "";

    static Outcome answer(HttpResponse r, boolean arrived, boolean actedOn) {
      Outcome o = new Outcome();
      o.response = r;
      o.arrived = arrived;
      o.actedOn = actedOn;
      return o;
    }

    static Outcome failure(RuntimeException e, boolean arrived, boolean actedOn) {
      Outcome o = new Outcome();
      o.failure = e;
      o.arrived = arrived;
      o.actedOn = actedOn;
      return o;
    }

    Outcome note(String note) {
      this.note = note;
      return this;
    }
  }

  /** Takes the stall, cut at the bound; true when the client timed out. */
  private boolean stall(long stallMillis, Duration bound) {
    Duration stall = Duration.ofMillis(stallMillis);
    if (stallMillis > 0 && stall.compareTo(bound) >= 0) {
      clock.advance(bound);
      return true;
    }
    clock.advance(stall);
    return false;
  }

  private static NetworkException timeout() {
    return new NetworkException("read timed out", true, null, new java.net.SocketTimeoutException("timeout"));
  }

  private static NetworkException reset() {
    return new NetworkException("connection reset after the request was written", true, null, null);
  }

  private Outcome post(HttpRequest request, PostFault fault, long stallMillis, Duration bound) {
    String key = String.valueOf(request.headers().get("Idempotency-Key"));
    byte[] body = request.body() == null ? new byte[0] : request.body();
    if (fault.kind() == PostKind.CLOSE_MIDFLIGHT) {
      closeClient.run();
      stall(Math.min(stallMillis, bound.toMillis() - 1), bound);
      CloseVariant v = java.util.Objects.requireNonNull(fault.close());
      return switch (v) {
        case ANSWERS -> Outcome.answer(process(key, body), true, true);
        case THROWS_AFTER_WORK -> {
          process(key, body);
          yield Outcome.failure(new IllegalStateException("the client is closed"), true, true);
        }
        case THROWS_BEFORE_WORK -> Outcome.failure(new IllegalStateException("the client is closed"), true, true);
        case REFUSES_TO_SEND -> Outcome.failure(new PaymentsException("the client is closed"), false, false);
      };
    }
    if (fault.kind() == PostKind.REFUSE_CONNECT) {
      stall(stallMillis, bound); // a connect that times out is refused all the same
      return Outcome.failure(new NetworkException("connect refused", false, null, new java.net.ConnectException()),
          false, false);
    }
    boolean works = switch (fault.kind()) {
      case OK, COMMIT_THEN_LOSE, ERROR_AFTER_WORK, STORED_ERROR, SLOW, UNREADABLE_2XX -> true;
      default -> false;
    };
    boolean throttled = fault.kind() == PostKind.THROTTLE;
    if (stall(stallMillis, bound)) {
      // The client gave up; the server goes on with what it was doing.
      if (works) {
        work(key, body, fault);
      }
      return Outcome.failure(timeout(), true, !throttled).note("timed out, " + (works ? "worked" : "did nothing"));
    }
    return switch (fault.kind()) {
      case OK -> Outcome.answer(process(key, body), true, true);
      case COMMIT_THEN_LOSE -> {
        process(key, body);
        yield Outcome.failure(reset(), true, true);
      }
      case LOSE_BEFORE_COMMIT -> Outcome.failure(reset(), true, true);
      case ERROR_BEFORE_WORK -> Outcome.answer(withRetryAfter(error(fault.status(), "ServerError", "try later"), fault), true, true);
      case ERROR_AFTER_WORK -> {
        process(key, body);
        yield Outcome.answer(withRetryAfter(error(fault.status(), "ServerError", "try later"), fault), true, true);
      }
      case THROTTLE -> Outcome.answer(withRetryAfter(error(fault.status(), "TooManyRequests", "slow down"), fault), true, false);
      case REJECT -> {
        HttpResponse r = error(fault.status(), fault.status() == 401 ? "InvalidAccessToken" : "Forbidden", "rejected");
        if (fault.status() >= 300 && fault.status() < 400) {
          r = withHeader(r, "Location", BASE + "/maintenance");
        }
        yield Outcome.answer(r, true, true);
      }
      case STORED_ERROR -> {
        if (keys.containsKey(key)) {
          yield Outcome.answer(process(key, body), true, true).note("key already settled: normal answer");
        }
        HttpResponse stored = error(fault.status(), fault.status() >= 500 ? "ServerError" : "ValidationError", "stored");
        keys.put(key, new KeyState(body, null, null, stored, 0));
        yield Outcome.answer(withHeader(stored, "Idempotent-Replayed", "true"), true, true);
      }
      case STRAY -> {
        if (callerKey && (fault.flag() || keyShown.containsKey(key))) {
          // With the caller's key, a contradicting replay is indistinguishable from the caller
          // having reused the key for another operation, which the protocol reads as such.
          strays.add("withheld: a replay to the caller's key");
          yield Outcome.failure(reset(), true, true).note("stray withheld: a genuine reuse looks the same");
        }
        strays.add(strayKind(fault.flag(), keyShown.containsKey(key)));
        HttpResponse r = strayCreated();
        yield Outcome.answer(fault.flag() ? withHeader(r, "Idempotent-Replayed", "true") : r, true, true);
      }
      case SLOW -> {
        work(key, body, fault);
        yield Outcome.failure(timeout(), true, true);
      }
      case UNREADABLE_2XX -> {
        HttpResponse r = process(key, body);
        if (!r.isSuccessful()) {
          yield Outcome.answer(r, true, true).note("not a 2xx: normal answer");
        }
        if (fault.flag()) {
          yield Outcome.failure(new InvalidResponseException("the answer's body is beyond the bound", r.statusCode(), null, null),
              true, true);
        }
        yield Outcome.answer(new HttpResponse(r.statusCode(), r.headers(),
            "<html><body>502 Bad Gat".getBytes(StandardCharsets.UTF_8)), true, true);
      }
      case BUSINESS_CONFLICT -> Outcome.answer(error(409, "DuplicateResource", "a transfer with this reference exists"), true, true);
      case REFUSE_CONNECT, CLOSE_MIDFLIGHT -> throw new AssertionError("handled above");
    };
  }

  /** What a fault that works does to the key, when the answer does not matter. */
  private void work(String key, byte[] body, PostFault fault) {
    if (fault.kind() == PostKind.SLOW && !keys.containsKey(key)) {
      commit(key, body, fault.ticks());
    } else if (fault.kind() == PostKind.STORED_ERROR && !keys.containsKey(key)) {
      HttpResponse stored = error(fault.status(), fault.status() >= 500 ? "ServerError" : "ValidationError", "stored");
      keys.put(key, new KeyState(body, null, null, stored, 0));
    } else {
      process(key, body);
    }
  }

  /** The server's normal processing of a {@code POST} and its normal answer. */
  private HttpResponse process(String key, byte[] body) {
    KeyState s = keys.get(key);
    if (s == null) {
      return commit(key, body, 0).answer;
    }
    if (!Arrays.equals(s.body, body)) {
      return error(422, "idempotency_key_reused", "The key was used with a different request body.");
    }
    tick(s);
    if (dialect.conflictOnReuse()) {
      return error(409, "idempotent_creation_conflict", "A resource has already been created with this Idempotency Key");
    }
    if (s.inProgress()) {
      HttpResponse r = error(409, "idempotency_request_in_progress", "A request with this key is still being processed.");
      return dialect.inProgressRetryAfter().isEmpty() ? r : withHeader(r, "Retry-After", dialect.inProgressRetryAfter());
    }
    return dialect.replaysMarked() ? withHeader(s.answer, "Idempotent-Replayed", "true") : s.answer;
  }

  private KeyState commit(String key, byte[] body, int ticks) {
    String id = "t-" + nextId++;
    String json = Fixtures.TRANSFER.replace("74c9129b-d14a-e511-80da-0aa34a9b2388", id);
    KeyState s = new KeyState(body, id, json, created(id, json, dialect.bodilessCreated()), ticks);
    keys.put(key, s);
    transfersCreated.put(id, key);
    return s;
  }

  private static void tick(KeyState s) {
    if (s.ticksLeft > 0) {
      s.ticksLeft--;
    }
  }

  private Outcome poll(String key, PollFault fault, long stallMillis, Duration bound) {
    KeyState s = keys.get(key);
    if (s != null) {
      tick(s);
    }
    if (stall(stallMillis, bound) || fault.kind() == PollKind.LOSE) {
      return Outcome.failure(timeout(), true, false);
    }
    if (fault.kind() == PollKind.STRAY_ENVELOPE && dialect.responsesRoute() == Route.PRESENT && callerKey) {
      // Another request's stored answer under the caller's key is the key's genuine reuse.
      strays.add("withheld: an envelope for the caller's key");
      return Outcome.failure(timeout(), true, false).note("stray envelope withheld: a genuine reuse looks the same");
    }
    HttpResponse noRoute = dialect.responsesRoute() == Route.ABSENT_405
        ? new HttpResponse(405, Map.of("Allow", List.of("POST")), new byte[0])
        : error(404, "NotFound", "no route");
    HttpResponse r = switch (fault.kind()) {
      case CORRECT -> {
        if (dialect.responsesRoute() != Route.PRESENT) {
          yield noRoute;
        }
        if (s == null || s.inProgress()) {
          yield error(404, "NotFound", "no completed response for this key");
        }
        yield json(200, envelope(s.answer));
      }
      case NOT_FOUND_404 -> error(404, "NotFound", "no completed response for this key");
      case METHOD_NOT_ALLOWED_405 -> new HttpResponse(405, Map.of(), new byte[0]);
      case GONE_410 -> error(410, "Gone", "expired");
      case SERVER_ERROR -> error(fault.status(), "ServerError", "try later");
      case NOT_AN_ENVELOPE -> json(200, "{\"data\":[],\"has_more\":false}");
      case STORED_500 -> {
        if (dialect.responsesRoute() != Route.PRESENT) {
          yield noRoute;
        }
        yield json(200, Fixtures.envelope(500, "{\"code\":\"ServerError\",\"message\":\"stored\"}"));
      }
      case STRAY_ENVELOPE -> {
        if (dialect.responsesRoute() != Route.PRESENT) {
          yield noRoute;
        }
        strays.add("envelope, minted key");
        yield json(200, envelope(strayCreated()));
      }
      case LOSE -> throw new AssertionError("handled above");
    };
    return Outcome.answer(r, true, false);
  }

  private Outcome read(String id, ReadKind fault, long stallMillis, Duration bound) {
    if (stall(stallMillis, bound) || fault == ReadKind.LOSE) {
      return Outcome.failure(timeout(), true, false);
    }
    String json = null;
    for (KeyState s : keys.values()) {
      if (id.equals(s.transferId)) {
        json = s.transferJson;
      }
    }
    HttpResponse r = switch (fault) {
      case OK -> json == null ? error(404, "NotFound", "no such transfer") : json(200, json);
      case SERVER_ERROR -> error(502, "BadGateway", "try later");
      case NOT_FOUND -> error(404, "NotFound", "no such transfer");
      case LOSE -> throw new AssertionError("handled above");
    };
    return Outcome.answer(r, true, false);
  }

  // ---- answers ------------------------------------------------------------------------------

  /** Another request's {@code 201}: another transfer, another amount. */
  private HttpResponse strayCreated() {
    String id = "stray-" + stray++;
    String json = Fixtures.TRANSFER.replace("74c9129b-d14a-e511-80da-0aa34a9b2388", id).replace("1337.00", "1.00");
    return created(id, json, false);
  }

  /** How a stray {@code 201} sent to a {@code POST} looks to the client. */
  private String strayKind(boolean marked, boolean shown) {
    return (marked ? "marked" : "unmarked") + (shown ? ", after the server showed the key" : "")
        + (callerKey ? ", caller's key" : ", minted key");
  }

  private static HttpResponse created(String id, String json, boolean bodiless) {
    Map<String, List<String>> headers = new HashMap<>();
    headers.put("Location", List.of(BASE + "/transfers/" + id));
    headers.put("Content-Type", List.of("application/json"));
    return new HttpResponse(201, headers, bodiless ? new byte[0] : json.getBytes(StandardCharsets.UTF_8));
  }

  /** The stored answer as MangoPay's envelope; a bodiless one keeps its {@code Location}. */
  private static String envelope(HttpResponse stored) {
    if (stored.body().length == 0) {
      return "{\"StatusCode\":\"" + stored.statusCode() + "\",\"ContentLength\":\"0\",\"Location\":\""
          + stored.header("Location").orElse("") + "\",\"RequestURL\":\"" + BASE + "/transfers\",\"Resource\":null}";
    }
    return Fixtures.envelope(stored.statusCode(), new String(stored.body(), StandardCharsets.UTF_8));
  }

  private HttpResponse error(int status, String code, String message) {
    if (dialect.conflictOnReuse()) {
      return json(status, "{\"Message\":\"" + message + "\",\"Type\":\"" + code + "\",\"Id\":\"x\",\"Date\":1452723944,\"errors\":null}");
    }
    return json(status, "{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}");
  }

  private static HttpResponse json(int status, String body) {
    return new HttpResponse(status, Map.of("Content-Type", List.of("application/json")), body.getBytes(StandardCharsets.UTF_8));
  }

  private static HttpResponse withRetryAfter(HttpResponse r, PostFault fault) {
    return fault.retryAfter().isEmpty() ? r : withHeader(r, "Retry-After", fault.retryAfter());
  }

  private static HttpResponse withHeader(HttpResponse r, String name, String value) {
    Map<String, List<String>> headers = new HashMap<>(r.headers());
    headers.put(name, List.of(value));
    return new HttpResponse(r.statusCode(), headers, r.body());
  }

  /**
   * Whether an answer tells the client that the server knows the key: a {@code 409} (the engine
   * cannot tell a business conflict from an idempotency one once an attempt may have arrived), a
   * marked replay, or a stored response.
   */
  private static boolean showsKey(HttpResponse r, String path) {
    return r.statusCode() == 409
        || "true".equals(r.header("Idempotent-Replayed").orElse(""))
        || (path.startsWith("/responses/") && r.statusCode() == 200);
  }

  private static String keyOf(HttpRequest request, String path) {
    return path.startsWith("/responses/") ? path.substring("/responses/".length())
        : String.valueOf(request.headers().get("Idempotency-Key"));
  }

  private static boolean isCreationConflict(HttpResponse r) {
    return r.statusCode() == 409 && new String(r.body(), StandardCharsets.UTF_8).contains("idempotent_creation_conflict");
  }

  private static boolean isBodiless2xx(HttpResponse r) {
    if (r.isSuccessful() && r.body().length == 0) {
      return true;
    }
    return r.statusCode() == 200 && new String(r.body(), StandardCharsets.UTF_8).contains("\"Resource\":null");
  }

  /** Every request, one per line, for failure messages. */
  String log() {
    StringBuilder b = new StringBuilder();
    for (Seen s : seen) {
      b.append("\n    ").append(s);
    }
    return b.toString();
  }

  @Override
  public void close() {}
}

package dev.onceonly.internal;

import dev.onceonly.NetworkException;
import dev.onceonly.http.HttpRequest;
import dev.onceonly.http.HttpResponse;
import dev.onceonly.http.HttpTransport;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A single-threaded, in-memory Transfers API speaking one of the protocol's server variants,
 * with scripted faults on successive new POSTs. "Time" is counted in requests: a slow operation
 * finishes after a number of further requests for its key.
 */
final class InMemoryApi implements HttpTransport {

  enum Dialect { FULL, DWOLLA, MANGOPAY, IETF }

  /** What happens to the next POST that brings a new key. */
  record Fault(String kind, int ticks) {
    static final Fault OK = new Fault("ok", 0);
    /** Created and stored, then the connection dies before the answer. */
    static final Fault LOSE_AFTER_COMMIT = new Fault("lose", 0);
    /** 503 before anything is stored. */
    static final Fault UNAVAILABLE = new Fault("503", 0);
    /** The connection is refused: the request never arrives. */
    static final Fault REFUSE = new Fault("refuse", 0);

    /** Still processing for {@code ticks} more requests with this key; the first answer is lost. */
    static Fault slow(int ticks) {
      return new Fault("slow", ticks);
    }
  }

  private static final class Entry {
    final byte[] body;
    int ticksLeft;
    HttpResponse stored;

    Entry(byte[] body, int ticksLeft, HttpResponse stored) {
      this.body = body;
      this.ticksLeft = ticksLeft;
      this.stored = stored;
    }

    boolean done() {
      return ticksLeft <= 0;
    }
  }

  final Dialect dialect;
  final List<HttpRequest> requests = new ArrayList<>();
  final Map<String, String> transfers = new LinkedHashMap<>();
  private final Map<String, Entry> keys = new HashMap<>();
  private final Deque<Fault> faults = new ArrayDeque<>();
  private int nextId = 1;

  InMemoryApi(Dialect dialect, Fault... faults) {
    this.dialect = dialect;
    this.faults.addAll(List.of(faults));
  }

  @Override
  public HttpResponse execute(HttpRequest request, java.time.Duration timeout) {
    requests.add(request);
    String path = request.url().replaceFirst("^https?://[^/]+", "");
    if (request.method().equals("POST") && path.equals("/transfers")) {
      return post(request);
    }
    if (request.method().equals("GET") && path.startsWith("/responses/")) {
      return responses(path.substring("/responses/".length()));
    }
    if (request.method().equals("GET") && path.startsWith("/transfers/")) {
      String json = transfers.get(path.substring("/transfers/".length()));
      return json == null ? error(404, "NotFound", "The requested resource was not found.") : json(200, json);
    }
    return error(404, "NotFound", "no route");
  }

  private HttpResponse post(HttpRequest request) {
    String key = request.headers().get("Idempotency-Key");
    byte[] body = request.body();
    Entry entry = keys.get(key);
    if (entry != null) {
      entry.ticksLeft--;
      boolean sameBody = Arrays.equals(entry.body, body);
      if (dialect == Dialect.MANGOPAY && entry.done()) {
        return mango(409, "idempotent_creation_conflict", "A resource has already been created with this Idempotency Key");
      }
      if (!entry.done()) {
        return inProgress();
      }
      if (!sameBody) {
        return error(422, "idempotency_key_reused", "The key was used with a different request body.");
      }
      return dialect == Dialect.DWOLLA ? entry.stored : withHeader(entry.stored, "Idempotent-Replayed", "true");
    }
    Fault fault = faults.isEmpty() ? Fault.OK : faults.poll();
    switch (fault.kind()) {
      case "refuse" -> throw new NetworkException("connection refused", false, null, null);
      case "503" -> {
        return withHeader(error(503, "ServiceUnavailable", "try later"), "Retry-After", "1");
      }
      default -> { }
    }
    String id = "t-" + nextId++;
    String transfer = Fixtures.TRANSFER.replace("74c9129b-d14a-e511-80da-0aa34a9b2388", id);
    transfers.put(id, transfer);
    Map<String, List<String>> headers = Map.of("Location", List.of("https://api.example.test/transfers/" + id));
    HttpResponse created = new HttpResponse(201, headers,
        dialect == Dialect.DWOLLA ? new byte[0] : transfer.getBytes(StandardCharsets.UTF_8));
    keys.put(key, new Entry(body, fault.kind().equals("slow") ? fault.ticks() : 0, created));
    if (fault.kind().equals("lose") || fault.kind().equals("slow")) {
      throw new NetworkException("connection reset after the request was written", true, null, null);
    }
    return created;
  }

  private HttpResponse responses(String key) {
    if (dialect == Dialect.DWOLLA) {
      return error(404, "NotFound", "no route");
    }
    if (dialect == Dialect.IETF) {
      return new HttpResponse(405, Map.of(), new byte[0]);
    }
    Entry entry = keys.get(key);
    if (entry != null) {
      entry.ticksLeft--;
    }
    if (entry == null || !entry.done()) {
      return error(404, "NotFound", "no completed response for this key");
    }
    String resource = new String(entry.stored.body(), StandardCharsets.UTF_8);
    return json(200, Fixtures.envelope(entry.stored.statusCode(), resource));
  }

  private HttpResponse inProgress() {
    HttpResponse r = switch (dialect) {
      case FULL -> error(409, "idempotency_request_in_progress", "A request with this key is still being processed.");
      case DWOLLA -> error(409, "Conflict", "in progress");
      // MangoPay blocks every reuse of a key with the same answer, finished or not.
      case MANGOPAY -> mango(409, "idempotent_creation_conflict", "A resource has already been created with this Idempotency Key");
      case IETF -> problem(409, "https://example.test/problems/idempotency-in-progress", "In progress");
    };
    return withHeader(r, "Retry-After", "1");
  }

  private HttpResponse error(int status, String code, String message) {
    return switch (dialect) {
      case MANGOPAY -> mango(status, code, message);
      case IETF -> problem(status, "https://example.test/problems/" + code, message);
      default -> json(status, "{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}");
    };
  }

  private static HttpResponse mango(int status, String type, String message) {
    return json(status, "{\"Message\":\"" + message + "\",\"Type\":\"" + type + "\",\"Id\":\"x\",\"Date\":1452723944,\"errors\":null}");
  }

  private static HttpResponse problem(int status, String type, String title) {
    return json(status, "{\"type\":\"" + type + "\",\"title\":\"" + title + "\",\"status\":" + status + "}");
  }

  private static HttpResponse json(int status, String body) {
    return new HttpResponse(status, Map.of("Content-Type", List.of("application/json")), body.getBytes(StandardCharsets.UTF_8));
  }

  private static HttpResponse withHeader(HttpResponse r, String name, String value) {
    Map<String, List<String>> headers = new HashMap<>(r.headers());
    headers.put(name, List.of(value));
    return new HttpResponse(r.statusCode(), headers, r.body());
  }

  long posts() {
    return requests.stream().filter(r -> r.method().equals("POST")).count();
  }

  @Override
  public void close() {}
}

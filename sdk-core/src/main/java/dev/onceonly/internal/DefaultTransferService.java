package dev.onceonly.internal;

import dev.onceonly.OperationResult;
import dev.onceonly.RequestOptions;
import dev.onceonly.http.HttpRequest;
import dev.onceonly.transfers.Transfer;
import dev.onceonly.transfers.TransferCreateParams;
import dev.onceonly.transfers.TransferListParams;
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

  /** The journal's name for a transfer create. */
  static final String CREATE = "transfers.create";
  /** The name of a transfer read, for listeners. */
  static final String GET = "transfers.get";
  /** The name of a page of a transfer lookup, for listeners. */
  static final String LIST = "transfers.list";

  private static final Map<String, String> GET_HEADERS = Map.of("Accept", "application/json");
  /** Holds the headers every create sends before its key, in this order. */
  private static final HttpRequest POST_HEADERS = new HttpRequest("POST", "/transfers", postHeaders(), null);

  private final RetryEngine engine;
  private final String transfersUrl;
  /** What every call of this service applies unless its own options say otherwise. */
  private final RequestOptions defaults;

  DefaultTransferService(RetryEngine engine, URI baseUrl) {
    this(engine, baseUrl, RequestOptions.none());
  }

  DefaultTransferService(RetryEngine engine, URI baseUrl, RequestOptions defaults) {
    this.engine = engine;
    this.transfersUrl = baseUrl.resolve("transfers").toString();
    this.defaults = defaults;
  }

  @Override
  public OperationResult<Transfer> createWithResult(TransferCreateParams params, RequestOptions options) {
    Create create = prepareCreate(params, options);
    Decider.Step.Done<Transfer> created = engine.executeIdempotent(create.post(), create.key(), CREATE, create.policy(),
        create.keyFirstUsedAt(), create.keyFromCaller(), create.reference(), create.reader());
    return create.succeeded(created);
  }

  @Override
  public Transfer get(String id) {
    return engine.executeSafe(getRequest(id), GET, policyFor(defaults), TransferAnswers.forGet(id, engine.redactor()))
        .value();
  }

  /** The policy of a read: the client's defaults'. */
  dev.onceonly.RetryPolicy readPolicy() {
    return policyFor(defaults);
  }

  /**
   * One create, ready for either driver: the request with its key and body, the call's policy
   * and reference, and how to read its answer.
   */
  record Create(HttpRequest post, String key, dev.onceonly.RetryPolicy policy, @Nullable Instant keyFirstUsedAt,
      boolean keyFromCaller, @Nullable String reference, AnswerReader<Transfer> reader, RetryEngine engine) {

    /** The result of the create, reported to the listener. */
    OperationResult<Transfer> succeeded(Decider.Step.Done<Transfer> created) {
      OperationResult<Transfer> result = new OperationResult<>(created.value(), key, created.attempts(), created.replay(),
          created.journalError());
      engine.reportSuccess(result);
      return result;
    }
  }

  /** Checks the arguments and builds the create (shared with {@link DefaultTransferServiceAsync}). */
  Create prepareCreate(TransferCreateParams params, RequestOptions options) {
    Objects.requireNonNull(params, "params");
    Objects.requireNonNull(options, "options");
    options = options.withDefaults(defaults);
    // One key and one body per logical operation: every attempt re-sends these very bytes.
    String key = options.idempotencyKey().orElseGet(() -> UUID.randomUUID().toString());
    if (options.idempotencyKey().isPresent()) {
      engine.profile().checkKey(key); // the client's API's key rules, before anything is sent
    }
    byte[] body = TransferJson.encodeCreate(params);
    // The constant headers are shared (a request's headers are immutable); the key goes last.
    HttpRequest post = withHeaders(new HttpRequest("POST", transfersUrl, POST_HEADERS.headers(), body), options)
        .withHeader(engine.profile().keyHeader(), key);
    // The answer (first, replayed, stored, or read back from its Location) is returned only if
    // it is this request's: same amount, currency, source and destination.
    return new Create(post, key, policyFor(options), options.keyFirstUsedAt().orElse(null),
        options.idempotencyKey().isPresent(), options.reference().orElse(null),
        TransferAnswers.forCreate(params, engine.redactor()), engine);
  }

  /** Checks {@code id} and builds its read (shared with {@link DefaultTransferServiceAsync}). */
  HttpRequest getRequest(String id) {
    Objects.requireNonNull(id, "id");
    if (id.isBlank()) {
      throw new IllegalArgumentException("id must not be blank");
    }
    String url = transfersUrl + "/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    return withHeaders(new HttpRequest("GET", url, GET_HEADERS, null), defaults);
  }

  /** The policy of a call: its own, else the client's, with its attempt timeout if it gives one. */
  private dev.onceonly.RetryPolicy policyFor(RequestOptions options) {
    dev.onceonly.RetryPolicy policy = options.retryPolicy().orElse(engine.policy());
    if (options.attemptTimeout().isPresent() && !options.attemptTimeout().get().equals(policy.attemptTimeout())) {
      policy = policy.newBuilder().attemptTimeout(options.attemptTimeout().get()).build();
    }
    return policy;
  }

  private static HttpRequest withHeaders(HttpRequest request, RequestOptions options) {
    HttpRequest with = request;
    for (Map.Entry<String, String> header : options.headers().entrySet()) {
      with = with.withHeader(header.getKey(), header.getValue());
    }
    return with;
  }

  @Override
  public Iterable<Transfer> list(TransferListParams params) {
    Objects.requireNonNull(params, "params");
    return () -> new TransferPages(params);
  }

  /**
   * One iteration over {@link #list}: a page is read when the one before is used up, and only
   * transfers that have the metadata asked for are yielded. Not thread-safe, as iterators are not.
   */
  private final class TransferPages implements java.util.Iterator<Transfer> {
    private final TransferListParams params;
    private final java.util.Set<String> seenCursors = new java.util.HashSet<>();
    private java.util.List<Transfer> page = java.util.List.of();
    private int next;
    private boolean more = true;
    private @org.jspecify.annotations.Nullable String after;
    private @org.jspecify.annotations.Nullable Transfer ahead;

    TransferPages(TransferListParams params) {
      this.params = params;
      this.after = params.startingAfter().orElse(null);
    }

    @Override
    public boolean hasNext() {
      while (ahead == null) {
        if (next < page.size()) {
          Transfer t = page.get(next++);
          if (t.metadata().entrySet().containsAll(params.metadata().entrySet())) {
            ahead = t;
          }
          continue;
        }
        if (!more) {
          return false;
        }
        readPage();
      }
      return true;
    }

    @Override
    public Transfer next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException("no more transfers match " + params.metadata());
      }
      Transfer t = ahead;
      ahead = null;
      return t;
    }

    private void readPage() {
      StringBuilder url = new StringBuilder(transfersUrl).append('?');
      for (Map.Entry<String, String> m : params.metadata().entrySet()) {
        url.append(encode("metadata[" + m.getKey() + "]")).append('=').append(encode(m.getValue())).append('&');
      }
      url.append("limit=").append(params.limit());
      if (after != null) {
        url.append("&starting_after=").append(encode(after));
      }
      HttpRequest get = withHeaders(new HttpRequest("GET", url.toString(), GET_HEADERS, null), defaults);
      TransferJson.Page read = engine.executeSafe(get, LIST, policyFor(defaults), response -> {
        try {
          return AnswerReader.Answer.matches(TransferJson.decodePage(response.body()));
        } catch (TransferJson.JsonProblem e) {
          return AnswerReader.Answer.unreadable("not a page of transfers: "
              + engine.redactor().scrub(String.valueOf(e.getMessage())), e);
        }
      }).value();
      page = read.data();
      next = 0;
      more = read.hasMore() && !page.isEmpty();
      if (!page.isEmpty()) {
        after = page.get(page.size() - 1).id();
        if (!seenCursors.add(after)) {
          // A server whose pages do not advance would keep this loop going for ever.
          throw new dev.onceonly.InvalidResponseException("the server's pages of transfers do not advance (transfer "
              + Excerpt.of(after, 64) + " ends two pages)", 200, null, null);
        }
      }
    }
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static Map<String, String> postHeaders() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("Accept", "application/json");
    return headers;
  }
}

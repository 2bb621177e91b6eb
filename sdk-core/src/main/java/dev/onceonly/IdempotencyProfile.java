package dev.onceonly;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * How one API speaks idempotency: the header that carries the key, the key's rules and window,
 * how its error answers say "still in progress", "already done", "key reused with another body"
 * or "a conflict of your own", how it marks a replay, how a finished operation's answer is read
 * back, and which response header (if any) tells whether to retry. The retry engine's decisions
 * follow the profile of its client ({@code OkHttpPaymentsClient.Builder.profile(...)});
 * {@link #standard()} is the default.
 *
 * <p>An error answer is recognised by its status <em>and</em> a machine code from its body (any
 * of the codes the body carries: {@code code}, {@code Type}, a problem's {@code type},
 * {@code error.code}, {@code error.type}, {@code error.errors[].reason}...), never by its status
 * alone, with two exceptions inherited from the APIs themselves and confined to built-ins:
 * {@link #standard()} and {@link #dwolla()} read any {@code 409} after an attempt that may have
 * arrived as "in progress", because Dwolla documents that status and no code. An answer a
 * profile does not recognise is classified as the protocol says for any other answer: a
 * {@code 409} to the very first {@code POST} of a key the SDK minted is the API's own conflict,
 * and any other {@code 4xx} after an attempt that may have arrived ends as an unknown outcome.
 *
 * <p>The built-ins encode what each provider documents; where a fact is not documented, the
 * profile makes the conservative choice and its Javadoc says so. A conservative key rule is
 * narrow (a key the server might truncate or ignore is refused before anything is sent); a
 * conservative window is short (the engine stops re-sending a key before the server could
 * forget it); an unknown "in progress" code is not guessed (such an answer ends as an unknown
 * outcome, which a caller resumes with the same key).
 *
 * <p>The window a client uses is the shorter of the profile's and
 * {@link RetryPolicy#keyWindow()} (24 h by default): raise the policy's to use a longer one, such
 * as Adyen's 31 days.
 *
 * <p>Immutable and thread-safe; equal profiles have equal settings.
 */
public final class IdempotencyProfile {

  /** What an error answer to a {@code POST} says about its key, as a profile recognises it. */
  public enum Situation {
    /** The key was used with another request: the server's final refusal. */
    KEY_REUSED,
    /** The API's own conflict (a duplicate reference, a state clash): a refusal, never retried. */
    BUSINESS_CONFLICT,
    /** The key's operation is finished: its answer is recovered as {@link Recovery} says. */
    ALREADY_DONE,
    /** The key's first request is still being processed: wait, then ask again. */
    IN_PROGRESS
  }

  /** How the answer of an operation the server says is finished is read. */
  public enum Recovery {
    /**
     * {@code GET /responses/{key}}, MangoPay's stored response; when the server turns out not to
     * have that route ({@code 404} or {@code 405} before it said "already done"), the same
     * {@code POST} again.
     */
    RESPONSES_ROUTE,
    /**
     * The "already done" answer names the resource ({@link #resourceIdField()}): a {@code GET}
     * of the {@code POST}'s URL plus {@code /{id}}, within the same operation (same deadline,
     * same attempts), settles it. An answer that names no resource is treated as "in progress".
     */
    NAMED_RESOURCE,
    /** None: a repeated {@code POST} replays the answer, and "already done" cannot be read. */
    NONE
  }

  /**
   * One recognised answer: a status and a machine code, compared without case. In built-ins
   * only, the code {@code "*"} matches any code (or none) and {@code "*text*"} any code that
   * contains {@code text}; {@link Builder} takes exact codes.
   */
  public record Match(int status, String code) {

    public Match {
      Objects.requireNonNull(code, "code");
    }

    /** Whether an answer with {@code status} whose body carries {@code codes} is this one. */
    public boolean matches(int status, Collection<String> codes) {
      if (status != this.status) {
        return false;
      }
      if (code.equals("*")) {
        return true;
      }
      boolean contains = code.length() > 2 && code.startsWith("*") && code.endsWith("*");
      String wanted = contains ? code.substring(1, code.length() - 1).toLowerCase(Locale.ROOT) : code;
      for (String c : codes) {
        if (contains ? c.toLowerCase(Locale.ROOT).contains(wanted) : c.equalsIgnoreCase(wanted)) {
          return true;
        }
      }
      return false;
    }

    @Override
    public String toString() {
      return status + (code.equals("*") ? " (any code)" : " " + code);
    }
  }

  /** A key the SDK mints: a random UUID fits every profile. */
  private static final String UUID_SHAPE = "0e6a6c4b-2f0e-4b8e-9c3d-5a1f7e2b9c40";
  private static final String UNRESERVED = "A-Za-z0-9_-";

  private static final IdempotencyProfile STANDARD = new Builder("standard", true)
      .keyReused(422, "*").keyReused(417, "*").keyReused(400, "*idempoten*")
      .alreadyDone(409, "idempotent_creation_conflict")
      .inProgress(409, "*")
      .recoverFromResponsesRoute()
      .build();

  private static final IdempotencyProfile STRIPE = new Builder("stripe", true)
      .keyLength(1, 255).keyCharacters(UNRESERVED)
      .keyWindow(Duration.ofHours(24))
      .keyReused(400, "idempotency_error")
      .inProgress(409, "idempotency_key_in_use")
      .retryHintHeader("Stripe-Should-Retry", true)
      .build();

  private static final IdempotencyProfile GOCARDLESS = new Builder("goCardless", true)
      .keyLength(1, 36).keyCharacters(UNRESERVED)
      .keyWindow(Duration.ofHours(24))
      .alreadyDone(409, "idempotent_creation_conflict")
      .recoverFromNamedResource("error.errors.links.conflicting_resource_id")
      .noReplayHeader()
      .build();

  private static final IdempotencyProfile INCREASE = new Builder("increase", true)
      .keyLength(1, 200).keyCharacters(UNRESERVED)
      .keyWindow(Duration.ofHours(24))
      .alreadyDone(409, "idempotency_key_already_used_error")
      .recoverFromNamedResource("resource_id")
      .build();

  private static final IdempotencyProfile PAYPAL = new Builder("payPal", true)
      .keyHeader("PayPal-Request-Id")
      .keyLength(1, 36).keyCharacters(UNRESERVED)
      .keyWindow(Duration.ofHours(6))
      .noReplayHeader()
      .build();

  private static final IdempotencyProfile CHECKOUT_COM = new Builder("checkoutCom", true)
      .keyHeader("Cko-Idempotency-Key")
      .keyLength(1, 36).keyCharacters(UNRESERVED)
      .keyWindow(Duration.ofHours(24))
      .noReplayHeader()
      .build();

  private static final IdempotencyProfile ADYEN = new Builder("adyen", true)
      .keyLength(1, 64).keyCharacters(UNRESERVED)
      .keyWindow(Duration.ofDays(31))
      .noReplayHeader()
      .retryHintHeader("Transient-Error", false)
      .build();

  private static final IdempotencyProfile MANGOPAY = new Builder("mangoPay", true)
      .keyWindow(Duration.ofHours(24))
      .alreadyDone(409, "idempotent_creation_conflict")
      .recoverFromResponsesRoute()
      .noReplayHeader()
      .build();

  private static final IdempotencyProfile DWOLLA = new Builder("dwolla", true)
      .keyWindow(Duration.ofHours(24))
      .inProgress(409, "*")
      .noReplayHeader()
      .build();

  private final String name;
  private final String keyHeader;
  private final int minKeyLength;
  private final int maxKeyLength;
  private final String keyCharacters;
  private final Pattern keyPattern;
  private final @Nullable Duration keyWindow;
  private final List<Match> keyReused;
  private final List<Match> businessConflict;
  private final List<Match> alreadyDone;
  private final List<Match> inProgress;
  private final @Nullable String replayHeader;
  private final String replayValue;
  private final Recovery recovery;
  private final @Nullable String resourceIdField;
  private final @Nullable String retryHintHeader;
  private final boolean retryHintFalseStops;

  private IdempotencyProfile(Builder b) {
    this.name = b.name;
    this.keyHeader = b.keyHeader;
    this.minKeyLength = b.minKeyLength;
    this.maxKeyLength = b.maxKeyLength;
    this.keyCharacters = b.keyCharacters;
    this.keyPattern = Pattern.compile("[" + b.keyCharacters + "]{" + b.minKeyLength + "," + b.maxKeyLength + "}");
    this.keyWindow = b.keyWindow;
    this.keyReused = List.copyOf(b.keyReused);
    this.businessConflict = List.copyOf(b.businessConflict);
    this.alreadyDone = List.copyOf(b.alreadyDone);
    this.inProgress = List.copyOf(b.inProgress);
    this.replayHeader = b.replayHeader;
    this.replayValue = b.replayValue;
    this.recovery = b.recovery;
    this.resourceIdField = b.resourceIdField;
    this.retryHintHeader = b.retryHintHeader;
    this.retryHintFalseStops = b.retryHintFalseStops;
  }

  /**
   * Today's behaviour, for the servers of the protocol (the sandbox's full dialect, Dwolla,
   * MangoPay, the IETF draft) at once: {@code Idempotency-Key} of 16 to 36 of
   * {@code A-Z a-z 0-9 -}; the window of {@link RetryPolicy#keyWindow()}; {@code 422},
   * {@code 417}, or {@code 400} with a code containing "idempoten" is a key reused;
   * {@code 409 idempotent_creation_conflict} is "already done", read through
   * {@code GET /responses/{key}}; any other {@code 409} after an attempt that may have arrived is
   * "in progress" (polled through {@code /responses}, or re-POSTed where the server has no such
   * route); {@code Idempotent-Replayed: true} marks a replay.
   */
  public static IdempotencyProfile standard() {
    return STANDARD;
  }

  /**
   * Stripe (API v1): {@code Idempotency-Key} up to 255 characters (documented; which characters
   * is not, so letters, digits, {@code -} and {@code _}); keys may be pruned after 24 h
   * (documented for v1: v2's 30 days are not assumed); {@code 409 idempotency_key_in_use} while
   * the first request runs; {@code 400 idempotency_error} for another body;
   * {@code Idempotent-Replayed: true} on replays (errors included: v1 stores a {@code 500} and
   * replays it, which ends as an unknown outcome rather than a retry loop); no route to read a
   * stored answer (a repeated {@code POST} replays it); {@code Stripe-Should-Retry: true} retries
   * an answer the table would not, {@code false} stops one it would.
   */
  public static IdempotencyProfile stripe() {
    return STRIPE;
  }

  /**
   * GoCardless: {@code Idempotency-Key}; any reuse of a key whose resource exists answers
   * {@code 409} with {@code error.errors[].reason: idempotent_creation_conflict} and the resource
   * in {@code links.conflicting_resource_id} (documented; GoCardless's own clients then
   * {@code GET} it), so the engine reads that resource and checks it against the request. Not
   * documented, and chosen conservatively: the key's length and characters (1 to 36 letters,
   * digits, {@code -} and {@code _}: a UUID fits), its window (24 h), the answer to a key still
   * in progress (not recognised: after an attempt that may have arrived it ends as an unknown
   * outcome; a conflict that names no resource yet is waited out as "in progress"), and replay
   * marking (none).
   */
  public static IdempotencyProfile goCardless() {
    return GOCARDLESS;
  }

  /**
   * Increase: {@code Idempotency-Key} up to 200 characters (documented; characters are not, so
   * letters, digits, {@code -} and {@code _}); a repeated request replays the object with
   * {@code Idempotent-Replayed: true}; a key already used for an object answers {@code 409} with
   * {@code type: idempotency_key_already_used_error} and that object's {@code resource_id}
   * (documented), which the engine reads and checks against the request: since the SDK never
   * changes the bytes sent under one key, the object is this operation's, or the key was reused
   * for another one ({@link IdempotencyKeyReusedException} where the answer can be checked).
   * Not documented, and chosen conservatively: the window (24 h) and the answer to a key still
   * in progress (not recognised).
   */
  public static IdempotencyProfile increase() {
    return INCREASE;
  }

  /**
   * PayPal: {@code PayPal-Request-Id}; a repeated request returns the latest state of the first
   * one, unmarked; the window varies by API and is as short as 6 h (Orders), which this profile
   * uses for all. Not documented, and chosen conservatively: the key's length and characters
   * (1 to 36 letters, digits, {@code -} and {@code _}), and the answer to two requests at once
   * with one id (PayPal says it "might fail" the second: not recognised, so it ends as an unknown
   * outcome to resume).
   */
  public static IdempotencyProfile payPal() {
    return PAYPAL;
  }

  /**
   * Checkout.com: {@code Cko-Idempotency-Key}; keys expire after 24 h; a repeated request
   * replays the first answer (only successes are stored), unmarked. A concurrent request with
   * the same key answers {@code 409} (formerly {@code 429}, which the engine retries anyway), but
   * its body code is not documented, so the profile does not recognise it as "in progress": it
   * ends as an unknown outcome to resume. The key's length and characters are not documented
   * (1 to 36 letters, digits, {@code -} and {@code _}: a UUID fits).
   */
  public static IdempotencyProfile checkoutCom() {
    return CHECKOUT_COM;
  }

  /**
   * Adyen: {@code Idempotency-Key} of at most 64 characters (documented; characters are not, so
   * letters, digits, {@code -} and {@code _}), valid for at least 31 days (capped by the policy's
   * window, 24 h by default); a repeated request returns the first answer, unmarked;
   * {@code Transient-Error: true} on an answer means the same request may be retried with the
   * same key, so the engine retries it. The answer to a key still in progress is not documented
   * and not recognised.
   */
  public static IdempotencyProfile adyen() {
    return ADYEN;
  }

  /**
   * MangoPay, as its documentation (the protocol's seed) says: {@code Idempotency-Key} of 16 to 36
   * of {@code A-Z a-z 0-9 -}; 24 h; every reuse of a key, finished or in progress, same body or
   * not, answers {@code 409 idempotent_creation_conflict}, and the stored answer is read with
   * {@code GET /responses/{key}} ({@code 404} there meaning "not stored yet", for a few polls);
   * the answer read is checked against the request, which tells a reused key.
   */
  public static IdempotencyProfile mangoPay() {
    return MANGOPAY;
  }

  /**
   * Dwolla, as its documentation (the protocol's seed) says: {@code Idempotency-Key} (16 to 36 of
   * {@code A-Z a-z 0-9 -}, the protocol's rule, as Dwolla states none); 24 h; a repeated request
   * gets the original {@code 201}, unmarked; a key still being processed gets a {@code 409}
   * whose body Dwolla does not document, so any {@code 409} after an attempt that may have
   * arrived is "in progress"; no route to read a stored answer.
   */
  public static IdempotencyProfile dwolla() {
    return DWOLLA;
  }

  /**
   * A builder for another API's profile. Its defaults are the protocol's: {@code Idempotency-Key}
   * of 16 to 36 of {@code A-Z a-z 0-9 -}, the policy's window, no recognised answers,
   * {@code Idempotent-Replayed: true} as the replay mark, no recovery, no retry header.
   */
  public static Builder builder() {
    return new Builder("custom", false);
  }

  /** A builder that starts from this profile (a built-in's wildcard codes are kept; new codes must be exact). */
  public Builder newBuilder() {
    return new Builder(this);
  }

  /** The profile's name, such as {@code "stripe"}, for messages. */
  public String name() {
    return name;
  }

  /** The request header that carries the key, such as {@code Idempotency-Key}. */
  public String keyHeader() {
    return keyHeader;
  }

  /** The shortest key the API takes. */
  public int minKeyLength() {
    return minKeyLength;
  }

  /** The longest key the API takes. */
  public int maxKeyLength() {
    return maxKeyLength;
  }

  /** The characters a key may have, as the inside of a regular-expression class ({@code A-Za-z0-9-}). */
  public String keyCharacters() {
    return keyCharacters;
  }

  /** How long the server remembers a key after its first use, if the profile says; else the policy's. */
  public Optional<Duration> keyWindow() {
    return Optional.ofNullable(keyWindow);
  }

  /** The answers that mean "the key was used with another request". */
  public List<Match> keyReusedAnswers() {
    return keyReused;
  }

  /** The answers that are the API's own conflict, refused at once. */
  public List<Match> businessConflictAnswers() {
    return businessConflict;
  }

  /** The answers that mean "the key's operation is finished". */
  public List<Match> alreadyDoneAnswers() {
    return alreadyDone;
  }

  /** The answers that mean "the key's first request is still being processed". */
  public List<Match> inProgressAnswers() {
    return inProgress;
  }

  /** The response header that marks a replay (its value {@link #replayHeaderValue()}), if the API marks them. */
  public Optional<String> replayHeader() {
    return Optional.ofNullable(replayHeader);
  }

  /** The value of {@link #replayHeader()} on a replay, compared without case: {@code true}. */
  public String replayHeaderValue() {
    return replayValue;
  }

  /** How a finished operation's answer is read. */
  public Recovery recovery() {
    return recovery;
  }

  /**
   * Where an "already done" answer names the resource, for {@link Recovery#NAMED_RESOURCE}: a path
   * of field names through the JSON body, arrays crossed, such as {@code resource_id}.
   */
  public Optional<String> resourceIdField() {
    return Optional.ofNullable(resourceIdField);
  }

  /**
   * The response header whose {@code true} retries an answer with the same key (such as
   * {@code Stripe-Should-Retry}), if the API sends one.
   */
  public Optional<String> retryHintHeader() {
    return Optional.ofNullable(retryHintHeader);
  }

  /** Whether {@code false} in {@link #retryHintHeader()} stops an answer the engine would retry. */
  public boolean retryHintFalseStops() {
    return retryHintFalseStops;
  }

  /**
   * What an error answer to a {@code POST} says about its key, by its status and the machine
   * codes of its body; empty when the profile does not recognise it. Checked in this order: key
   * reused, business conflict, already done, in progress.
   */
  public Optional<Situation> classify(int status, Collection<String> codes) {
    Objects.requireNonNull(codes, "codes");
    if (any(keyReused, status, codes)) {
      return Optional.of(Situation.KEY_REUSED);
    }
    if (any(businessConflict, status, codes)) {
      return Optional.of(Situation.BUSINESS_CONFLICT);
    }
    if (any(alreadyDone, status, codes)) {
      return Optional.of(Situation.ALREADY_DONE);
    }
    if (any(inProgress, status, codes)) {
      return Optional.of(Situation.IN_PROGRESS);
    }
    return Optional.empty();
  }

  private static boolean any(List<Match> matches, int status, Collection<String> codes) {
    for (Match m : matches) {
      if (m.matches(status, codes)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code key} keeps this profile's key rules. */
  public boolean accepts(String key) {
    return key != null && keyPattern.matcher(key).matches();
  }

  /**
   * Returns {@code key} if it keeps this profile's key rules.
   *
   * @throws IllegalArgumentException naming the key and the profile, if it does not
   */
  public String checkKey(String key) {
    Objects.requireNonNull(key, "idempotencyKey");
    if (!accepts(key)) {
      throw new IllegalArgumentException("idempotencyKey \"" + printable(key) + "\" (" + key.length()
          + " characters) breaks the key rules of the " + name + " profile: " + describeKeyRule()
          + "; nothing was sent");
    }
    return key;
  }

  /** The key rule in words: {@code 16 to 36 characters of A-Za-z0-9-}. */
  public String describeKeyRule() {
    return minKeyLength + " to " + maxKeyLength + " characters of " + keyCharacters;
  }

  private static String printable(String key) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < key.length() && i < 80; i++) {
      char c = key.charAt(i);
      b.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    return key.length() > 80 ? b + "..." : b.toString();
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    return o instanceof IdempotencyProfile p
        && name.equals(p.name) && keyHeader.equals(p.keyHeader)
        && minKeyLength == p.minKeyLength && maxKeyLength == p.maxKeyLength
        && keyCharacters.equals(p.keyCharacters) && Objects.equals(keyWindow, p.keyWindow)
        && keyReused.equals(p.keyReused) && businessConflict.equals(p.businessConflict)
        && alreadyDone.equals(p.alreadyDone) && inProgress.equals(p.inProgress)
        && Objects.equals(replayHeader, p.replayHeader) && replayValue.equals(p.replayValue)
        && recovery == p.recovery && Objects.equals(resourceIdField, p.resourceIdField)
        && Objects.equals(retryHintHeader, p.retryHintHeader) && retryHintFalseStops == p.retryHintFalseStops;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, keyHeader, minKeyLength, maxKeyLength, keyCharacters, keyWindow, keyReused,
        businessConflict, alreadyDone, inProgress, replayHeader, replayValue, recovery, resourceIdField,
        retryHintHeader, retryHintFalseStops);
  }

  @Override
  public String toString() {
    return "IdempotencyProfile{" + name + ", key " + keyHeader + " (" + describeKeyRule() + ")"
        + ", window " + (keyWindow == null ? "the policy's" : keyWindow)
        + ", keyReused=" + keyReused + ", businessConflict=" + businessConflict
        + ", alreadyDone=" + alreadyDone + ", inProgress=" + inProgress
        + ", replay " + (replayHeader == null ? "unmarked" : replayHeader + ": " + replayValue)
        + ", recovery " + recovery + (resourceIdField == null ? "" : " (" + resourceIdField + ")")
        + (retryHintHeader == null ? "" : ", retry hint " + retryHintHeader) + '}';
  }

  /**
   * Builds an {@link IdempotencyProfile}; each setter checks its argument at once and throws
   * {@link IllegalArgumentException} or {@link NullPointerException} naming it. Answers are
   * recognised by status and exact code: status alone is never enough.
   */
  public static final class Builder {
    private String name;
    private final boolean builtIn;
    private String keyHeader = "Idempotency-Key";
    private int minKeyLength = 16;
    private int maxKeyLength = 36;
    private String keyCharacters = "A-Za-z0-9-";
    private @Nullable Duration keyWindow;
    private final List<Match> keyReused = new ArrayList<>();
    private final List<Match> businessConflict = new ArrayList<>();
    private final List<Match> alreadyDone = new ArrayList<>();
    private final List<Match> inProgress = new ArrayList<>();
    private @Nullable String replayHeader = "Idempotent-Replayed";
    private String replayValue = "true";
    private Recovery recovery = Recovery.NONE;
    private @Nullable String resourceIdField;
    private @Nullable String retryHintHeader;
    private boolean retryHintFalseStops;

    private Builder(String name, boolean builtIn) {
      this.name = name;
      this.builtIn = builtIn;
    }

    private Builder(IdempotencyProfile p) {
      this.name = p.name;
      this.builtIn = false; // the built-in's wildcard codes are copied as they are; new codes must be exact
      this.keyHeader = p.keyHeader;
      this.minKeyLength = p.minKeyLength;
      this.maxKeyLength = p.maxKeyLength;
      this.keyCharacters = p.keyCharacters;
      this.keyWindow = p.keyWindow;
      this.keyReused.addAll(p.keyReused);
      this.businessConflict.addAll(p.businessConflict);
      this.alreadyDone.addAll(p.alreadyDone);
      this.inProgress.addAll(p.inProgress);
      this.replayHeader = p.replayHeader;
      this.replayValue = p.replayValue;
      this.recovery = p.recovery;
      this.resourceIdField = p.resourceIdField;
      this.retryHintHeader = p.retryHintHeader;
      this.retryHintFalseStops = p.retryHintFalseStops;
    }

    /** The name used in messages, such as {@code "acme"}; 1 to 64 visible characters. */
    public Builder name(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank() || name.length() > 64 || !name.strip().equals(name)) {
        throw new IllegalArgumentException("name must be 1 to 64 characters without surrounding blanks, was \""
            + name + "\"");
      }
      this.name = name;
      return this;
    }

    /** The request header that carries the key; default {@code Idempotency-Key}. */
    public Builder keyHeader(String keyHeader) {
      this.keyHeader = checkHeaderName(keyHeader, "keyHeader");
      return this;
    }

    /**
     * The lengths of key the API takes, from 1 to 255; default 16 to 36. The SDK mints a random
     * UUID (36 characters) when the caller gives no key, so {@code max} must be at least 36.
     */
    public Builder keyLength(int min, int max) {
      if (min < 1 || max > 255 || min > max) {
        throw new IllegalArgumentException("keyLength must satisfy 1 <= min <= max <= 255, was " + min + " to " + max);
      }
      this.minKeyLength = min;
      this.maxKeyLength = max;
      return this;
    }

    /**
     * The characters a key may have, written as the inside of a regular-expression character
     * class, such as {@code A-Za-z0-9_-}; default {@code A-Za-z0-9-}. They must include those of
     * a UUID ({@code 0-9}, {@code a-f}, {@code -}), the key the SDK mints.
     */
    public Builder keyCharacters(String keyCharacters) {
      Objects.requireNonNull(keyCharacters, "keyCharacters");
      if (keyCharacters.isEmpty() || keyCharacters.indexOf('[') >= 0 || keyCharacters.indexOf(']') >= 0
          || keyCharacters.startsWith("^")) {
        throw new IllegalArgumentException("keyCharacters must be the inside of a character class such as A-Za-z0-9-,"
            + " was \"" + keyCharacters + "\"");
      }
      try {
        Pattern.compile("[" + keyCharacters + "]");
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("keyCharacters is not a character class: " + e.getDescription(), e);
      }
      this.keyCharacters = keyCharacters;
      return this;
    }

    /** How long the server remembers a key from its first use; more than zero, at most 365 days. */
    public Builder keyWindow(Duration keyWindow) {
      Objects.requireNonNull(keyWindow, "keyWindow");
      if (keyWindow.isNegative() || keyWindow.isZero() || keyWindow.compareTo(RetryPolicy.MAX_DURATION) > 0) {
        throw new IllegalArgumentException("keyWindow must be more than zero and at most 365 days, was " + keyWindow);
      }
      this.keyWindow = keyWindow;
      return this;
    }

    /** An answer ({@code 4xx} status and exact code) that means "in progress". */
    public Builder inProgress(int status, String code) {
      inProgress.add(match(status, code, "inProgress"));
      return this;
    }

    /** An answer that means "already done": its answer is read as {@link Recovery} says. */
    public Builder alreadyDone(int status, String code) {
      alreadyDone.add(match(status, code, "alreadyDone"));
      return this;
    }

    /** An answer that means "the key was used with another request". */
    public Builder keyReused(int status, String code) {
      keyReused.add(match(status, code, "keyReused"));
      return this;
    }

    /** An answer that is the API's own conflict: refused at once, never retried. */
    public Builder businessConflict(int status, String code) {
      businessConflict.add(match(status, code, "businessConflict"));
      return this;
    }

    /** The response header and value (compared without case) that mark a replay. */
    public Builder replayHeader(String name, String value) {
      this.replayHeader = checkHeaderName(name, "replayHeader");
      Objects.requireNonNull(value, "value");
      if (value.isBlank()) {
        throw new IllegalArgumentException("value must not be blank");
      }
      this.replayValue = value.strip();
      return this;
    }

    /** The API does not mark replays. */
    public Builder noReplayHeader() {
      this.replayHeader = null;
      return this;
    }

    /** Finished operations are read with {@code GET /responses/{key}} (MangoPay's route). */
    public Builder recoverFromResponsesRoute() {
      this.recovery = Recovery.RESPONSES_ROUTE;
      this.resourceIdField = null;
      return this;
    }

    /**
     * Finished operations are read with a {@code GET} of the {@code POST}'s URL plus the id that
     * the "already done" answer names at {@code idField}, a dotted path of JSON field names
     * (arrays crossed), such as {@code error.errors.links.conflicting_resource_id}.
     */
    public Builder recoverFromNamedResource(String idField) {
      Objects.requireNonNull(idField, "idField");
      for (String segment : idField.split("\\.", -1)) {
        if (segment.isBlank()) {
          throw new IllegalArgumentException("idField must be dot-separated field names, was \"" + idField + "\"");
        }
      }
      this.recovery = Recovery.NAMED_RESOURCE;
      this.resourceIdField = idField;
      return this;
    }

    /** Finished operations cannot be read back; a repeated {@code POST} replays them. The default. */
    public Builder noRecovery() {
      this.recovery = Recovery.NONE;
      this.resourceIdField = null;
      return this;
    }

    /**
     * The response header whose {@code true} means "retry this with the same key" (such as
     * Stripe's {@code Stripe-Should-Retry}, Adyen's {@code Transient-Error}); if
     * {@code falseStops}, its {@code false} stops an answer the engine would otherwise retry.
     */
    public Builder retryHintHeader(String name, boolean falseStops) {
      this.retryHintHeader = checkHeaderName(name, "retryHintHeader");
      this.retryHintFalseStops = falseStops;
      return this;
    }

    /** No retry header. The default. */
    public Builder noRetryHint() {
      this.retryHintHeader = null;
      this.retryHintFalseStops = false;
      return this;
    }

    /**
     * @throws IllegalArgumentException if the key rules do not accept a UUID, the key the SDK mints
     */
    public IdempotencyProfile build() {
      IdempotencyProfile profile = new IdempotencyProfile(this);
      if (!profile.accepts(UUID_SHAPE) || !profile.accepts(UUID_SHAPE.toUpperCase(Locale.ROOT))) {
        throw new IllegalArgumentException("the key rules (" + profile.describeKeyRule() + ") must accept a UUID in"
            + " either case, the key the SDK mints when the caller gives none");
      }
      return profile;
    }

    private Match match(int status, String code, String what) {
      if (status < 400 || status > 499) {
        throw new IllegalArgumentException(what + " status must be a 4xx (a 5xx is retried whatever it says), was "
            + status);
      }
      Objects.requireNonNull(code, what + " code");
      if (code.isBlank() || code.length() > 200 || (!builtIn && code.contains("*"))) {
        throw new IllegalArgumentException(what + " code must be an exact machine code (1 to 200 characters, no *):"
            + " an answer is never recognised by its status alone, was \"" + code + "\"");
      }
      return new Match(status, code.strip());
    }

    private static String checkHeaderName(String name, String what) {
      Objects.requireNonNull(name, what);
      if (name.isEmpty() || name.length() > 100) {
        throw new IllegalArgumentException(what + " must be 1 to 100 characters, was \"" + name + "\"");
      }
      for (int i = 0; i < name.length(); i++) {
        char c = name.charAt(i);
        boolean token = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
            || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
        if (!token) {
          throw new IllegalArgumentException(what + " must be an HTTP header name, was \"" + name + "\"");
        }
      }
      return name;
    }
  }
}

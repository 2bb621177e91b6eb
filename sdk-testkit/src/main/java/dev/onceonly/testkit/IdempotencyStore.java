package dev.onceonly.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The answers stored by {@code Idempotency-Key}, per client scope.
 *
 * <p>A key is first <em>claimed</em>: exactly one request gets to do the work (even when many
 * arrive at once; the claim is a single atomic {@link ConcurrentMap#compute}), the others find
 * it in progress. The owner then completes the claim with its answer, or releases it when it
 * failed before doing the work. A completed entry is kept for the key window, measured from the
 * key's first use on the injected clock; after that it is forgotten and the same key starts
 * afresh. An entry in progress never expires: its owner is still working.
 *
 * <p>Thread-safe.
 */
final class IdempotencyStore {

  private static final int SWEEP_EVERY = 1024;

  /** A key as seen by one client: keys of different clients never meet. */
  record ScopedKey(String scope, String key) {}

  /** What a claim found. */
  sealed interface Claim permits Owned, Finished, Busy {}

  /** The caller owns the key and must {@link #complete} or {@link #release} it. */
  static final class Owned implements Claim {
    private final ScopedKey key;
    private final Pending entry;

    private Owned(ScopedKey key, Pending entry) {
      this.key = key;
      this.entry = entry;
    }
  }

  /** The key's first request has finished with {@code response}. */
  record Finished(StoredResponse response, boolean sameBody) implements Claim {}

  /** The key's first request is still being processed. */
  record Busy(boolean sameBody) implements Claim {}

  // Entries compare by identity, so that replace() and remove() only touch the caller's entry.
  private abstract static sealed class Entry permits Pending, Done {
    final String fingerprint;
    final Instant firstUse;

    Entry(String fingerprint, Instant firstUse) {
      this.fingerprint = fingerprint;
      this.firstUse = firstUse;
    }
  }

  private static final class Pending extends Entry {
    Pending(String fingerprint, Instant firstUse) {
      super(fingerprint, firstUse);
    }
  }

  private static final class Done extends Entry {
    final StoredResponse response;

    Done(Pending pending, StoredResponse response) {
      super(pending.fingerprint, pending.firstUse);
      this.response = response;
    }
  }

  private final ConcurrentMap<ScopedKey, Entry> entries = new ConcurrentHashMap<>();
  private final AtomicLong claims = new AtomicLong();
  private final Clock clock;
  private final Duration window;

  IdempotencyStore(Clock clock, Duration window) {
    this.clock = clock;
    this.window = window;
  }

  /**
   * Claims {@code key} for a request whose body has {@code fingerprint}: the caller owns it if
   * the key is new or its window has passed; otherwise it learns what the first request did.
   */
  Claim claim(ScopedKey key, String fingerprint) {
    Instant now = clock.instant();
    if (claims.incrementAndGet() % SWEEP_EVERY == 0) {
      // Keeps a long-running sandbox from holding every key it ever saw.
      entries.values().removeIf(entry -> isExpired(entry, now));
    }
    Pending mine = new Pending(fingerprint, now);
    Entry current = entries.compute(key, (k, old) -> old == null || isExpired(old, now) ? mine : old);
    if (current == mine) {
      return new Owned(key, mine);
    }
    boolean sameBody = current.fingerprint.equals(fingerprint);
    if (current instanceof Done done) {
      return new Finished(done.response, sameBody);
    }
    return new Busy(sameBody);
  }

  /** Stores the final answer of an owned key. */
  void complete(Owned owned, StoredResponse response) {
    entries.replace(owned.key, owned.entry, new Done(owned.entry, response));
  }

  /** Frees an owned key whose request did no work, so that a retry can do it. */
  void release(Owned owned) {
    entries.remove(owned.key, owned.entry);
  }

  /** The stored answer for {@code key}, if its request has finished and its window not passed. */
  Optional<StoredResponse> lookup(ScopedKey key) {
    Entry entry = entries.get(key);
    if (entry instanceof Done done && !isExpired(done, clock.instant())) {
      return Optional.of(done.response);
    }
    return Optional.empty();
  }

  private boolean isExpired(Entry entry, Instant now) {
    return entry instanceof Done && !now.isBefore(entry.firstUse.plus(window));
  }
}

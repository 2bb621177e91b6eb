package dev.onceonly.journal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * {@link OperationJournal#inMemory()}: maps guarded by one lock. Survives nothing, not even a
 * restart. Bounded: at most {@link #MAX_PENDING} pending entries and {@link #MAX_SETTLED} settled
 * ones, the oldest dropped first. Settled entries are kept only so that a key used again in the
 * same process gets its stored answer; dropping one costs at most a request.
 */
final class InMemoryOperationJournal implements OperationJournal {

  /** The most pending entries kept: those a caller may resume. */
  static final int MAX_PENDING = 100_000;
  /** The most settled entries kept. */
  static final int MAX_SETTLED = 10_000;

  /** Insertion order is write order. Guarded by this. */
  private final LinkedHashMap<String, Held> pending = new LinkedHashMap<>();
  private final LinkedHashMap<String, JournalEntry> settled = new LinkedHashMap<>();
  private final Map<String, String> keysByReference = new HashMap<>();
  private final int maxPending;
  private final int maxSettled;

  InMemoryOperationJournal() {
    this(MAX_PENDING, MAX_SETTLED);
  }

  InMemoryOperationJournal(int maxPending, int maxSettled) {
    this.maxPending = maxPending;
    this.maxSettled = maxSettled;
  }

  /** A pending entry and its lease. */
  private record Held(JournalEntry entry, @Nullable String owner, @Nullable Instant leaseUntil) {}

  @Override
  public boolean durable() {
    return false;
  }

  @Override
  public String describe() {
    return "in-memory journal";
  }

  @Override
  public synchronized JournalEntry begin(JournalEntry entry) {
    return begin(entry, null, null);
  }

  @Override
  public synchronized JournalEntry begin(JournalEntry entry, @Nullable String owner, @Nullable Instant leaseUntil) {
    Objects.requireNonNull(entry, "entry");
    if (entry.state() != JournalState.PENDING) {
      throw new IllegalArgumentException("begin takes a PENDING entry, was: " + entry.state());
    }
    Optional<JournalEntry> held = find(entry.idempotencyKey());
    if (held.isPresent()) {
      return held.get();
    }
    pending.put(entry.idempotencyKey(), new Held(entry, leaseUntil == null ? null : owner, owner == null ? null : leaseUntil));
    index(entry);
    trim(pending.values().iterator(), pending.size() - maxPending, h -> ((Held) h).entry());
    return entry;
  }

  @Override
  public synchronized void settle(String idempotencyKey, JournalState state, int statusCode, byte[] response) {
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(response, "response");
    if (state == JournalState.PENDING) {
      throw new IllegalArgumentException("an entry is settled as SUCCEEDED, FAILED or EXPIRED, not PENDING");
    }
    Held held = pending.remove(idempotencyKey);
    if (held == null) {
      return;
    }
    JournalEntry done = held.entry().settled(state, statusCode, response);
    settled.put(idempotencyKey, done);
    trim(settled.values().iterator(), settled.size() - maxSettled, e -> (JournalEntry) e);
  }

  private void index(JournalEntry entry) {
    if (entry.reference() != null) {
      keysByReference.put(entry.reference(), entry.idempotencyKey());
    }
  }

  /** Drops the {@code excess} eldest values, and their references. */
  private void trim(Iterator<?> eldest, int excess, java.util.function.Function<Object, JournalEntry> entryOf) {
    for (int i = 0; i < excess && eldest.hasNext(); i++) {
      JournalEntry dropped = entryOf.apply(eldest.next());
      eldest.remove();
      if (dropped.reference() != null) {
        keysByReference.remove(dropped.reference(), dropped.idempotencyKey());
      }
    }
  }

  @Override
  public synchronized Optional<JournalEntry> find(String idempotencyKey) {
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Held held = pending.get(idempotencyKey);
    if (held != null) {
      return Optional.of(held.entry());
    }
    return Optional.ofNullable(settled.get(idempotencyKey));
  }

  @Override
  public synchronized Optional<JournalEntry> findByReference(String reference) {
    String key = keysByReference.get(Objects.requireNonNull(reference, "reference"));
    return key == null ? Optional.empty() : find(key);
  }

  @Override
  public synchronized List<JournalEntry> pending() {
    return pending.values().stream()
        .map(Held::entry)
        .sorted(Comparator.comparing(JournalEntry::firstSentAt))
        .toList();
  }

  @Override
  public synchronized List<JournalEntry> claim(String owner, Instant now, Duration lease, int max) {
    ClaimArguments.check(owner, now, lease, max);
    List<JournalEntry> claimed = new ArrayList<>();
    for (JournalEntry e : pending()) {
      if (claimed.size() == max) {
        break;
      }
      Held held = pending.get(e.idempotencyKey());
      boolean free = held.owner() == null || held.leaseUntil() == null || !now.isBefore(held.leaseUntil());
      if (free) {
        pending.put(e.idempotencyKey(), new Held(e, owner, now.plus(lease)));
        claimed.add(e);
      }
    }
    return claimed;
  }

  @Override
  public synchronized void release(String idempotencyKey, String owner) {
    Held held = pending.get(idempotencyKey);
    if (held != null && owner.equals(held.owner())) {
      pending.put(idempotencyKey, new Held(held.entry(), null, null));
    }
  }

  @Override
  public synchronized int purgeSettled(Instant cutoff) {
    int before = settled.size();
    settled.values().removeIf(e -> e.keyExpiresAt().isBefore(cutoff));
    keysByReference.values().removeIf(key -> !pending.containsKey(key) && !settled.containsKey(key));
    return before - settled.size();
  }

  /** How many entries are held, pending and settled (for tests). */
  synchronized int size() {
    return pending.size() + settled.size();
  }

  @Override
  public void close() {}
}

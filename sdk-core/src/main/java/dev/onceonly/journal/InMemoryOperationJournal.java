package dev.onceonly.journal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** {@link OperationJournal#inMemory()}: a map guarded by one lock. Survives nothing. */
final class InMemoryOperationJournal implements OperationJournal {

  private final Map<String, Held> entries = new LinkedHashMap<>();

  /** An entry and its lease. */
  private record Held(JournalEntry entry, @Nullable String owner, @Nullable Instant leaseUntil) {}

  @Override
  public String describe() {
    return "in-memory journal";
  }

  @Override
  public synchronized JournalEntry begin(JournalEntry entry) {
    Objects.requireNonNull(entry, "entry");
    if (entry.state() != JournalState.PENDING) {
      throw new IllegalArgumentException("begin takes a PENDING entry, was: " + entry.state());
    }
    Held held = entries.get(entry.idempotencyKey());
    if (held != null) {
      return held.entry();
    }
    entries.put(entry.idempotencyKey(), new Held(entry, null, null));
    return entry;
  }

  @Override
  public synchronized void settle(String idempotencyKey, JournalState state, int statusCode, byte[] response) {
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(response, "response");
    if (state == JournalState.PENDING) {
      throw new IllegalArgumentException("an entry is settled as SUCCEEDED, FAILED or EXPIRED, not PENDING");
    }
    Held held = entries.get(idempotencyKey);
    if (held == null || held.entry().state() != JournalState.PENDING) {
      return;
    }
    JournalEntry e = held.entry();
    entries.put(idempotencyKey, new Held(new JournalEntry(e.idempotencyKey(), e.operation(), e.method(), e.url(),
        e.headers(), e.body(), e.firstSentAt(), e.keyExpiresAt(), state, statusCode, response), null, null));
  }

  @Override
  public synchronized Optional<JournalEntry> find(String idempotencyKey) {
    Held held = entries.get(Objects.requireNonNull(idempotencyKey, "idempotencyKey"));
    return held == null ? Optional.empty() : Optional.of(held.entry());
  }

  @Override
  public synchronized List<JournalEntry> pending() {
    return entries.values().stream()
        .map(Held::entry)
        .filter(e -> e.state() == JournalState.PENDING)
        .sorted(Comparator.comparing(JournalEntry::firstSentAt))
        .toList();
  }

  @Override
  public synchronized List<JournalEntry> claim(String owner, Instant now, Duration lease, int max) {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(lease, "lease");
    if (max < 1) {
      throw new IllegalArgumentException("max must be >= 1, was: " + max);
    }
    if (lease.isNegative() || lease.isZero()) {
      throw new IllegalArgumentException("lease must be positive, was: " + lease);
    }
    List<JournalEntry> claimed = new ArrayList<>();
    for (JournalEntry e : pending()) {
      if (claimed.size() == max) {
        break;
      }
      Held held = entries.get(e.idempotencyKey());
      boolean free = held.owner() == null || held.leaseUntil() == null || !now.isBefore(held.leaseUntil());
      if (free) {
        entries.put(e.idempotencyKey(), new Held(e, owner, now.plus(lease)));
        claimed.add(e);
      }
    }
    return claimed;
  }

  @Override
  public synchronized void release(String idempotencyKey, String owner) {
    Held held = entries.get(idempotencyKey);
    if (held != null && owner.equals(held.owner())) {
      entries.put(idempotencyKey, new Held(held.entry(), null, null));
    }
  }

  @Override
  public synchronized int purgeSettled(Instant cutoff) {
    int before = entries.size();
    entries.values().removeIf(h -> h.entry().state() != JournalState.PENDING
        && h.entry().keyExpiresAt().isBefore(cutoff));
    return before - entries.size();
  }

  @Override
  public void close() {}
}

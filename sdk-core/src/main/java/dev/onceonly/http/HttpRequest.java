package dev.onceonly.http;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP request, as the SDK hands it to an {@link HttpTransport}.
 *
 * <p>The body array is shared, not copied: the retry engine sends the very same bytes on every
 * attempt, and neither it nor a transport may modify them.
 *
 * @param method {@code GET} or {@code POST}
 * @param url the absolute URL
 * @param headers header names and values, in the order to send them; unmodifiable
 * @param body the body bytes, or {@code null} for none
 */
public record HttpRequest(String method, String url, Map<String, String> headers, byte @Nullable [] body) {

  public HttpRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(url, "url");
    // Another request's headers are already an immutable copy: share them.
    headers = headers instanceof Headers own ? own : Headers.copyOf(headers);
  }

  /** A copy of this request with one more header (replacing one of the same name, in any case). */
  public HttpRequest withHeader(String name, String value) {
    return new HttpRequest(method, url, ((Headers) headers).with(name, value), body);
  }

  /** The method and the URL, for logs and events; never the headers or the body. */
  @Override
  public String toString() {
    return method + " " + url;
  }

  /**
   * Header names and values in insertion order, unmodifiable: what
   * {@code Collections.unmodifiableMap(new LinkedHashMap<>(headers))} gives (equality, order,
   * every mutator throwing {@link UnsupportedOperationException}), in an array of a few entries
   * rather than a hash table. A request has a handful of headers, made and read once per attempt.
   */
  private static final class Headers extends AbstractMap<String, String> {

    private final Map.Entry<String, String>[] entries;

    private Headers(Map.Entry<String, String>[] entries) {
      this.entries = entries;
    }

    static Headers copyOf(Map<String, String> headers) {
      Map.Entry<String, String>[] entries = newArray(headers.size());
      int i = 0;
      for (Map.Entry<String, String> header : headers.entrySet()) {
        entries[i++] = new SimpleImmutableEntry<>(header.getKey(), header.getValue());
      }
      return new Headers(i == entries.length ? entries : java.util.Arrays.copyOf(entries, i));
    }

    /** These headers less any named {@code name} in any case, then {@code name: value} at the end. */
    Headers with(String name, String value) {
      Map.Entry<String, String>[] next = newArray(entries.length + 1);
      int n = 0;
      for (Map.Entry<String, String> entry : entries) {
        if (!entry.getKey().equalsIgnoreCase(name)) { // HTTP names ignore case
          next[n++] = entry;
        }
      }
      next[n++] = new SimpleImmutableEntry<>(name, value);
      return new Headers(n == next.length ? next : java.util.Arrays.copyOf(next, n));
    }

    @SuppressWarnings("unchecked")
    private static Map.Entry<String, String>[] newArray(int size) {
      return (Map.Entry<String, String>[]) new Map.Entry<?, ?>[size];
    }

    @Override
    public int size() {
      return entries.length;
    }

    @Override
    public @Nullable String get(@Nullable Object key) {
      for (Map.Entry<String, String> entry : entries) {
        if (Objects.equals(entry.getKey(), key)) {
          return entry.getValue();
        }
      }
      return null;
    }

    @Override
    public boolean containsKey(@Nullable Object key) {
      for (Map.Entry<String, String> entry : entries) {
        if (Objects.equals(entry.getKey(), key)) {
          return true;
        }
      }
      return false;
    }

    @Override
    public Set<Map.Entry<String, String>> entrySet() {
      return Collections.unmodifiableSet(new AbstractSet<>() {
        @Override
        public Iterator<Map.Entry<String, String>> iterator() {
          return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
              return next < entries.length;
            }

            @Override
            public Map.Entry<String, String> next() {
              if (next >= entries.length) {
                throw new NoSuchElementException();
              }
              return entries[next++];
            }
          };
        }

        @Override
        public int size() {
          return entries.length;
        }
      });
    }

    @Override
    public Set<String> keySet() {
      return Collections.unmodifiableSet(super.keySet());
    }

    @Override
    public Collection<String> values() {
      return Collections.unmodifiableCollection(super.values());
    }

    // Every mutator throws, as those of Collections.unmodifiableMap do, even when it would change nothing.

    @Override
    public String put(String key, String value) {
      throw new UnsupportedOperationException();
    }

    @Override
    public String remove(@Nullable Object key) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void putAll(Map<? extends String, ? extends String> m) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void clear() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void replaceAll(BiFunction<? super String, ? super String, ? extends String> function) {
      throw new UnsupportedOperationException();
    }

    @Override
    public @Nullable String putIfAbsent(String key, String value) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean remove(@Nullable Object key, @Nullable Object value) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean replace(String key, String oldValue, String newValue) {
      throw new UnsupportedOperationException();
    }

    @Override
    public @Nullable String replace(String key, String value) {
      throw new UnsupportedOperationException();
    }

    @Override
    public String computeIfAbsent(String key, Function<? super String, ? extends String> mappingFunction) {
      throw new UnsupportedOperationException();
    }

    @Override
    public String computeIfPresent(
        String key, BiFunction<? super String, ? super String, ? extends String> remappingFunction) {
      throw new UnsupportedOperationException();
    }

    @Override
    public String compute(String key, BiFunction<? super String, ? super String, ? extends String> remappingFunction) {
      throw new UnsupportedOperationException();
    }

    @Override
    public String merge(
        String key, String value, BiFunction<? super String, ? super String, ? extends String> remappingFunction) {
      throw new UnsupportedOperationException();
    }
  }
}

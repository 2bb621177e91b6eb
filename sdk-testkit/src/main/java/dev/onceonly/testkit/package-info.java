/**
 * A sandbox server of the Transfers API on loopback, for trying clients against every answer
 * the protocol allows: replays, {@code 409} while a key is in progress, {@code 422} on a reused
 * key, {@code GET /responses/{key}}, four server dialects, and injected faults (5xx before the
 * work, dropped, reset and stalled connections after it).
 *
 * <p>Start with {@link dev.onceonly.testkit.SandboxServer#builder()}, or run
 * {@link dev.onceonly.testkit.SandboxServer#main(String[])} with {@code --help}. Every
 * type in this package is non-null unless a parameter or return type says otherwise.
 */
@NullMarked
package dev.onceonly.testkit;

import org.jspecify.annotations.NullMarked;

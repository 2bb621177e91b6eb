/**
 * A deliberately naive client of the Transfers API (retries without an {@code Idempotency-Key}),
 * the baseline that the demonstration and the benchmarks compare OnceOnly with. Every type in
 * this package is non-null unless a parameter or return type says otherwise.
 */
@NullMarked
package dev.onceonly.samples.naive;

import org.jspecify.annotations.NullMarked;

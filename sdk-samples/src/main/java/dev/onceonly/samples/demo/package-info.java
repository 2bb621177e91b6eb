/**
 * The exactly-once demonstration: {@link dev.onceonly.samples.demo.ExactlyOnceDemo} runs many
 * concurrent creates through a faulty sandbox, once with the OnceOnly SDK and once with a naive
 * retrying client, and reports what the server actually recorded. Every type in this package is
 * non-null unless a parameter or return type says otherwise.
 */
@NullMarked
package dev.onceonly.samples.demo;

import org.jspecify.annotations.NullMarked;

/**
 * The crash demonstration: {@link dev.onceonly.samples.crash.CrashWorkloadApp} is a small
 * application that moves money through the SDK with a durable operation journal and keeps its
 * own record of what it finished; {@link dev.onceonly.samples.crash.CrashDemo} runs it in child
 * processes against a sandbox that loses answers, kills them with {@code kill -9} mid-flight,
 * restarts them, and counts from the server's records what was made twice and what was lost:
 * with the journal, and without it. Every type in this package is non-null unless a parameter or
 * return type says otherwise.
 */
@NullMarked
package dev.onceonly.samples.crash;

import org.jspecify.annotations.NullMarked;

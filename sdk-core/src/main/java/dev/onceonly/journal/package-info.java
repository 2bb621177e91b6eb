/**
 * The operation journal: where a client writes each idempotent operation ahead of its first
 * attempt, so that an operation whose answer was lost (a crash, {@code kill -9}, a deploy) can be
 * found and resumed with the same key and the same bytes by a later process.
 */
@NullMarked
package dev.onceonly.journal;

import org.jspecify.annotations.NullMarked;

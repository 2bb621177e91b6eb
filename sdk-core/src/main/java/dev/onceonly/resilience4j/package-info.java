/**
 * The bridge to resilience4j: the one place where a resilience4j type appears in this SDK's
 * API, for users who feed retry events into resilience4j's metrics modules.
 */
@NullMarked
package dev.onceonly.resilience4j;

import org.jspecify.annotations.NullMarked;

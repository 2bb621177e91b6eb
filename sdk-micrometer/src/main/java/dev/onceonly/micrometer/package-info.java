/**
 * Micrometer observations of OnceOnly operations: {@link dev.onceonly.micrometer.OnceOnlyObservations}.
 */
@NullMarked
package dev.onceonly.micrometer;

import org.jspecify.annotations.NullMarked;

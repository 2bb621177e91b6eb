/**
 * Implementation details of the SDK. Not public API: anything here may change in any release.
 */
@NullMarked
package dev.onceonly.internal;

import org.jspecify.annotations.NullMarked;

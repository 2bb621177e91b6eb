/**
 * Runnable samples of the OnceOnly SDK, one per use of the API: {@link
 * dev.onceonly.samples.QuickstartSample}, {@link dev.onceonly.samples.OwnKeySample}, {@link
 * dev.onceonly.samples.RetryPolicySample} and {@link
 * dev.onceonly.samples.ResumeAfterOutcomeUnknownSample}. Each takes the API's base URL as its
 * first argument or from {@code ONCEONLY_BASE_URL}, and starts a sandbox in-process when given
 * neither. Every type in this package is non-null unless a parameter or return type says
 * otherwise.
 */
@NullMarked
package dev.onceonly.samples;

import org.jspecify.annotations.NullMarked;

/**
 * OnceOnly: money-moving API calls that happen exactly once.
 *
 * <p>Start with {@code dev.onceonly.okhttp.OkHttpPaymentsClient.builder()}, then call
 * {@code client.transfers().create(params)}. Every type in this package is non-null unless a
 * parameter or return type says otherwise.
 */
@NullMarked
package dev.onceonly;

import org.jspecify.annotations.NullMarked;

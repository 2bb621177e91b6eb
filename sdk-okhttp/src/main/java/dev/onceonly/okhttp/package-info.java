/**
 * The OkHttp transport for OnceOnly: {@link dev.onceonly.okhttp.OkHttpPaymentsClient#builder()}
 * builds a {@link dev.onceonly.PaymentsClient} that sends its requests with OkHttp. Every type
 * in this package is non-null unless a parameter or return type says otherwise.
 */
@NullMarked
package dev.onceonly.okhttp;

import org.jspecify.annotations.NullMarked;

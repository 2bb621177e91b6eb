/**
 * How the OkHttp module adapts OkHttp to {@link dev.onceonly.http.HttpTransport}. Not public
 * API: anything here may change in any release.
 */
@NullMarked
package dev.onceonly.okhttp.internal;

import org.jspecify.annotations.NullMarked;

/**
 * The transport seam: a tiny HTTP interface that {@code sdk-core} speaks and that a transport
 * module (such as {@code sdk-okhttp}) implements. Nothing here depends on an HTTP library.
 */
@NullMarked
package dev.onceonly.http;

import org.jspecify.annotations.NullMarked;

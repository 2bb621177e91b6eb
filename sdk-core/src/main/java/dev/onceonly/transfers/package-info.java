/** The Transfers resource: create a transfer exactly once, and read one back. */
@NullMarked
package dev.onceonly.transfers;

import org.jspecify.annotations.NullMarked;

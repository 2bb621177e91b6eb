package dev.onceonly.transfers;

/** The state of a transfer. A value this SDK does not know yet reads as {@link #UNKNOWN}. */
public enum TransferStatus {
  PENDING,
  PROCESSED,
  FAILED,
  CANCELLED,
  /** The server sent a status this version of the SDK does not know. */
  UNKNOWN
}

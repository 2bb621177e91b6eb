package dev.onceonly.samples.demo;

import dev.onceonly.transfers.TransferCreateParams;
import java.time.Instant;
import java.util.Objects;

/**
 * One logical create of a {@link Workload}: what was asked, when, what the client answered, and
 * how long the caller waited.
 *
 * @param operationId the unique {@code metadata.operation_id} the create carried
 * @param params the parameters sent; resuming an unknown outcome sends these again
 * @param startedAt when the create began, by the client's clock (a resume passes it as
 *     {@code keyFirstUsedAt})
 * @param answer what the client said
 * @param latencyNanos how long the call took, measured with {@link System#nanoTime()}
 */
record Outcome(
    String operationId,
    TransferCreateParams params,
    Instant startedAt,
    ClientAnswer answer,
    long latencyNanos) {

  Outcome {
    Objects.requireNonNull(operationId, "operationId");
    Objects.requireNonNull(params, "params");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(answer, "answer");
  }

  ClientAnswer.Kind kind() {
    return answer.kind();
  }
}

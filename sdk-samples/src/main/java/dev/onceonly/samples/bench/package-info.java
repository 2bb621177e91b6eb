/**
 * Benchmarks of the SDK: what {@code create} costs against OkHttp by hand
 * ({@link dev.onceonly.samples.bench.CreateOverhead}, JMH, against the
 * {@link dev.onceonly.samples.bench.LoopbackServer}), and what it saves against naive retries when
 * answers are lost ({@link dev.onceonly.samples.bench.FaultRun}, against the sandbox). Run them
 * all with {@link dev.onceonly.samples.bench.BenchMain}: {@code mvn -pl sdk-samples exec:exec@bench}.
 * Every type in this package is non-null unless a parameter or return type says otherwise.
 */
@NullMarked
package dev.onceonly.samples.bench;

import org.jspecify.annotations.NullMarked;

package dev.onceonly.samples.demo;

import dev.onceonly.samples.naive.NaiveTransferClient;
import dev.onceonly.transfers.TransferCreateParams;

/**
 * The {@link NaiveTransferClient} with the same budget as the SDK in the demonstration: the same
 * timeouts, attempts and backoff, so that the only difference is the missing
 * {@code Idempotency-Key}. Thread-safe.
 */
final class NaiveCreateClient implements CreateClient {

  private final NaiveTransferClient client;

  NaiveCreateClient(String baseUrl, int threads) {
    this.client = NaiveTransferClient.builder()
        .baseUrl(baseUrl)
        .connectTimeout(SdkCreateClient.READ_TIMEOUT)
        .readTimeout(SdkCreateClient.READ_TIMEOUT)
        .maxAttempts(SdkCreateClient.RETRY_POLICY.maxAttempts())
        .initialBackoff(SdkCreateClient.RETRY_POLICY.initialBackoff())
        .maxBackoff(SdkCreateClient.RETRY_POLICY.maxBackoff())
        .maxIdleConnections(threads)
        .build();
  }

  @Override
  public String name() {
    return "naive retry";
  }

  @Override
  public ClientAnswer create(TransferCreateParams params) {
    try {
      NaiveTransferClient.Created created = client.create(params);
      return ClientAnswer.succeeded(created.transfer().id(), null, created.attempts(), false);
    } catch (NaiveTransferClient.CreateFailedException e) {
      return ClientAnswer.failed(null, e.attempts(), SdkCreateClient.describe(e));
    }
  }

  @Override
  public void close() {
    client.close();
  }
}

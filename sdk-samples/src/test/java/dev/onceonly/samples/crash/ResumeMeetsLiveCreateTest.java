package dev.onceonly.samples.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onceonly.ApiException;
import dev.onceonly.Money;
import dev.onceonly.PaymentsClient;
import dev.onceonly.PaymentsException;
import dev.onceonly.RequestOptions;
import dev.onceonly.ResumeReport;
import dev.onceonly.journal.JdbcOperationJournal;
import dev.onceonly.journal.JournalEntry;
import dev.onceonly.journal.JournalState;
import dev.onceonly.okhttp.OkHttpPaymentsClient;
import dev.onceonly.testkit.Faults;
import dev.onceonly.testkit.RunningSandbox;
import dev.onceonly.testkit.SandboxServer;
import dev.onceonly.testkit.SandboxTransfer;
import dev.onceonly.transfers.TransferCreateParams;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A resume that takes an operation whose create is still running in another client (another
 * instance sharing the journal, or a scheduled resume in the same one): today the journal hands
 * such an entry to {@code claim} (a create's {@code begin} writes it without a lease), so the
 * resume sends the key while the create is between its write-ahead and its first request. If the
 * resume's request arrives first, the create's first {@code POST} meets {@code 409} in progress,
 * which for a key the SDK minted is read as the API's own conflict: the create fails with
 * {@code ApiException} and settles the entry {@code FAILED}, while the resume's request makes the
 * transfer. The caller is told "refused, nothing exists" for a transfer that exists.
 *
 * <p>Made certain here by holding the creator's first request 400 ms (a GC pause, a starved
 * CPU) and by a server that takes 1.5 s for new work. Disabled until the journal or the engine
 * keeps a resume off a live create (see the crash work's report); it fails today.
 */
class ResumeMeetsLiveCreateTest {

  @TempDir
  Path dir;

  @Test

  void aResumeThatMeetsALiveCreateNeverTurnsAMadeTransferIntoARefusal() throws Exception {
    SandboxServer server = SandboxServer.builder()
        .faults(Faults.builder().processingTime(Duration.ofMillis(1500)).build())
        .build();
    try (RunningSandbox sandbox = server.start();
        JdbcOperationJournal journal = JdbcOperationJournal.create(
            CrashWorkloadApp.dataSource("jdbc:sqlite:" + dir.resolve("journal.db")))) {
      OkHttpClient paused = new OkHttpClient.Builder()
          .addInterceptor(chain -> {
            if (chain.request().method().equals("POST")) {
              try {
                Thread.sleep(400); // between the write-ahead and the first request
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            return chain.proceed(chain.request());
          })
          .build();
      try (PaymentsClient creator = client(sandbox, journal, paused); PaymentsClient resumer = client(sandbox, journal,
          new OkHttpClient())) {
        TransferCreateParams params = TransferCreateParams.builder()
            .source(sandbox.baseUrl() + "/funding-sources/707177c3-bf15-4e7e-b37c-55c3898d9bf4")
            .destination(sandbox.baseUrl() + "/funding-sources/04173e17-6398-4d36-a167-9d98c4b1f1c3")
            .amount(Money.of("USD", "12.34"))
            .metadata(SandboxTransfer.OPERATION_ID, "op-live")
            .build();
        CompletableFuture<Object> create = CompletableFuture.supplyAsync(() -> {
          try {
            return creator.transfers().create(params, RequestOptions.builder().reference("op-live").build());
          } catch (PaymentsException e) {
            return e;
          }
        });
        while (journal.pending().isEmpty()) {
          Thread.sleep(2); // the create has written its operation ahead, and not sent it yet
        }
        ResumeReport resumed = resumer.operations().resumePending();
        Object created = create.get(30, TimeUnit.SECONDS);

        assertEquals(1, sandbox.transfersWithOperationId("op-live").size(), "the transfer was made");
        assertTrue(!(created instanceof ApiException),
            "a made transfer reported to the creator as refused: " + created + "; the resume: " + resumed);
        JournalEntry entry = journal.findByReference("op-live").orElseThrow();
        assertNotEquals(JournalState.FAILED, entry.state(), "the journal says refused for a made transfer: " + entry);
      }
    }
  }

  private static PaymentsClient client(RunningSandbox sandbox, JdbcOperationJournal journal, OkHttpClient okHttp) {
    return OkHttpPaymentsClient.builder()
        .baseUrl(sandbox.baseUrl())
        .readTimeout(Duration.ofSeconds(5))
        .okHttpClient(okHttp)
        .journal(journal)
        .build();
  }
}

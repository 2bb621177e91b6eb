package dev.onceonly.internal;

import static dev.onceonly.internal.FakeTransport.answer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onceonly.ApiException;
import dev.onceonly.InvalidResponseException;
import dev.onceonly.PaymentsException;
import dev.onceonly.RetryPolicy;
import dev.onceonly.transfers.Transfer;
import dev.onceonly.transfers.TransferListParams;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

/** {@code transfers().list(...)}: lazy pages through the engine, filtered by metadata, newest first. */
class TransferListTest {

  static final RetryPolicy POLICY = RetryPolicy.builder().maxAttempts(3).build();

  static String transfer(String id, String invoice) {
    return "{\"id\":\"" + id + "\",\"status\":\"processed\",\"amount\":{\"currency\":\"USD\",\"value\":\"10.00\"},"
        + "\"created\":\"2026-11-23T10:15:30.123Z\",\"metadata\":{\"invoice\":\"" + invoice + "\"}}";
  }

  static String page(boolean hasMore, String... transfers) {
    return "{\"data\":[" + String.join(",", transfers) + "],\"has_more\":" + hasMore + ",\"url\":\"/transfers\"}";
  }

  static List<String> ids(Iterable<Transfer> transfers) {
    List<String> ids = new ArrayList<>();
    transfers.forEach(t -> ids.add(t.id()));
    return ids;
  }

  @Test
  void readsPageAfterPageStartingAfterTheLastTransferOfEach() {
    FakeTransport transport = new FakeTransport().then(
        answer(200, page(true, transfer("t-3", "INV-42"), transfer("t-2", "INV-42"))),
        answer(200, page(false, transfer("t-1", "INV-42"))));
    Fixtures.Harness h = new Fixtures.Harness(transport, POLICY);

    List<String> found = ids(h.transfers.list(TransferListParams.builder().metadata("invoice", "INV-42").limit(2).build()));

    assertEquals(List.of("t-3", "t-2", "t-1"), found);
    assertEquals(List.of("GET /transfers?metadata%5Binvoice%5D=INV-42&limit=2",
        "GET /transfers?metadata%5Binvoice%5D=INV-42&limit=2&starting_after=t-2"), transport.lines());
  }

  @Test
  void nothingIsReadUntilIteratedAndOnlyAsFarAsTheIterationGoes() {
    FakeTransport transport = new FakeTransport().then(
        answer(200, page(true, transfer("t-3", "INV-42"))), answer(200, page(false, transfer("t-2", "INV-42"))));
    Fixtures.Harness h = new Fixtures.Harness(transport, POLICY);

    Iterable<Transfer> listed = h.transfers.list(TransferListParams.builder().metadata("invoice", "INV-42").build());
    assertEquals(0, transport.requests.size());
    Iterator<Transfer> it = listed.iterator();
    assertEquals("t-3", it.next().id());

    assertEquals(1, transport.requests.size(), "the second page is read only when needed");
  }

  @Test
  void aTransferWithoutTheMetadataAskedForIsNeverYielded() {
    FakeTransport transport = new FakeTransport().then(
        answer(200, page(false, transfer("t-9", "INV-7"), transfer("t-1", "INV-42"))));
    Fixtures.Harness h = new Fixtures.Harness(transport, POLICY);

    List<String> found = ids(h.transfers.list(TransferListParams.builder().metadata("invoice", "INV-42").build()));

    assertEquals(List.of("t-1"), found, "a server that ignored the filter cannot make t-9 look like INV-42");
  }

  @Test
  void anEmptyListEndsAtOnce() {
    FakeTransport transport = new FakeTransport().then(answer(200, page(false)));
    Fixtures.Harness h = new Fixtures.Harness(transport, POLICY);

    Iterator<Transfer> it = h.transfers.list(TransferListParams.builder().metadata("invoice", "none").build()).iterator();

    assertFalse(it.hasNext());
    assertThrows(NoSuchElementException.class, it::next);
  }

  @Test
  void pagesAreReadsRetriedOnTransientFailuresAndErrorsAreThrownByTheIterator() {
    FakeTransport retried = new FakeTransport().then(answer(503, ""), answer(200, page(false, transfer("t-1", "A"))));
    assertEquals(List.of("t-1"), ids(new Fixtures.Harness(retried, POLICY).transfers
        .list(TransferListParams.builder().metadata("invoice", "A").build())));

    FakeTransport refused = new FakeTransport().then(answer(400, "{\"code\":\"BadRequest\",\"message\":\"bad limit\"}"));
    Iterator<Transfer> it = new Fixtures.Harness(refused, POLICY).transfers.list(TransferListParams.builder().build())
        .iterator();
    ApiException e = assertThrows(ApiException.class, it::hasNext);
    assertEquals(400, e.statusCode());
  }

  @Test
  void pagesThatDoNotAdvanceEndTheIterationInsteadOfLoopingForEver() {
    FakeTransport transport = new FakeTransport().then(answer(200, page(true, transfer("t-1", "A"))));
    Iterator<Transfer> it = new Fixtures.Harness(transport, POLICY).transfers
        .list(TransferListParams.builder().metadata("invoice", "A").build()).iterator();

    assertEquals("t-1", it.next().id());
    assertThrows(InvalidResponseException.class, it::hasNext);
  }

  @Test
  void anAnswerThatIsNotAPageIsRefused() {
    FakeTransport transport = new FakeTransport().then(answer(200, "[]"));
    Iterator<Transfer> it = new Fixtures.Harness(transport, POLICY).transfers.list(TransferListParams.builder().build())
        .iterator();

    PaymentsException e = assertThrows(PaymentsException.class, it::hasNext);
    assertTrue(e.getMessage().contains("not a page of transfers"), e.getMessage());
  }

  @Test
  void paramsAreCheckedAtOnce() {
    assertThrows(IllegalArgumentException.class, () -> TransferListParams.builder().limit(0));
    assertThrows(IllegalArgumentException.class, () -> TransferListParams.builder().limit(101));
    assertThrows(IllegalArgumentException.class, () -> TransferListParams.builder().metadata("", "x"));
    assertThrows(IllegalArgumentException.class, () -> TransferListParams.builder().metadata("a]b", "x"));
    assertThrows(IllegalArgumentException.class, () -> TransferListParams.builder().startingAfter(" "));
    assertThrows(NullPointerException.class, () -> TransferListParams.builder().metadata("invoice", null));
    TransferListParams p = TransferListParams.builder().metadata("invoice", "INV-42").limit(5).startingAfter("t-9").build();
    assertEquals(5, p.limit());
    assertEquals("t-9", p.startingAfter().orElseThrow());
    assertEquals(p, TransferListParams.builder().metadata("invoice", "INV-42").limit(5).startingAfter("t-9").build());
  }
}

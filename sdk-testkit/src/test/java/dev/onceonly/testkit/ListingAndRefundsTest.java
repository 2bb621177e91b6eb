package dev.onceonly.testkit;

import static dev.onceonly.testkit.TestHttp.json;
import static dev.onceonly.testkit.TestHttp.newKey;
import static dev.onceonly.testkit.TestHttp.transfer;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The sandbox's listing by metadata and its refunds. */
final class ListingAndRefundsTest {

  private final RunningSandbox sandbox = SandboxServer.builder().build().start();
  private final TestHttp http = new TestHttp(sandbox);

  @AfterEach
  void close() {
    sandbox.close();
  }

  private String create(String value, String invoice) throws Exception {
    String body = transfer(value).replace("}}", "},\"metadata\":{\"invoice\":\"" + invoice + "\"}}");
    return (String) json(http.post(newKey(), body).body()).get("id");
  }

  private HttpResponse<String> refund(String key, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(sandbox.uri("/refunds")).header("Idempotency-Key", key)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  @SuppressWarnings("unchecked")
  private static List<String> ids(HttpResponse<String> page) {
    return ((List<Map<String, Object>>) json(page.body()).get("data")).stream().map(t -> (String) t.get("id")).toList();
  }

  @Test
  void listsByMetadataNewestFirstPageByPage() throws Exception {
    String a = create("1.00", "INV-1");
    create("2.00", "INV-2");
    String c = create("3.00", "INV-1");
    String d = create("4.00", "INV-1");

    HttpResponse<String> first = http.get("/transfers?metadata%5Binvoice%5D=INV-1&limit=2");
    HttpResponse<String> second = http.get("/transfers?metadata[invoice]=INV-1&limit=2&starting_after=" + c);

    assertEquals(List.of(d, c), ids(first));
    assertEquals(true, json(first.body()).get("has_more"));
    assertEquals(List.of(a), ids(second));
    assertEquals(false, json(second.body()).get("has_more"));
    assertEquals(List.of(), ids(http.get("/transfers?metadata[invoice]=INV-9")));
    assertEquals(4, ids(http.get("/transfers")).size());
    assertEquals(400, http.get("/transfers?limit=0").statusCode());
  }

  @Test
  void refundsOnceAKeyAndNoMoreThanTheTransfer() throws Exception {
    String transfer = create("10.00", "INV-3");
    String key = newKey();
    String body = "{\"transfer_id\":\"" + transfer + "\",\"amount\":{\"currency\":\"USD\",\"value\":\"4.00\"}}";

    HttpResponse<String> created = refund(key, body);
    HttpResponse<String> replay = refund(key, body);
    HttpResponse<String> tooMuch = refund(newKey(), body.replace("4.00", "7.00"));
    String id = (String) json(created.body()).get("id");

    assertEquals(201, created.statusCode());
    assertEquals(Optional.of(sandbox.baseUrl() + "/refunds/" + id), created.headers().firstValue("Location"));
    assertEquals(created.body(), replay.body());
    assertEquals(Optional.of("true"), replay.headers().firstValue("Idempotent-Replayed"));
    assertEquals(400, tooMuch.statusCode());
    assertEquals(1, sandbox.refunds().size());
    assertEquals(transfer, json(http.get("/refunds/" + id).body()).get("transfer_id"));
    assertEquals(404, http.get("/refunds/re_nope").statusCode());
    assertEquals(400, refund(newKey(), "{\"transfer_id\":\"nope\",\"amount\":{\"currency\":\"USD\",\"value\":\"1.00\"}}")
        .statusCode());
  }

  @Test
  void aKeyUsedForATransferIsAnotherRequestForARefund() throws Exception {
    String key = newKey();
    String transferBody = transfer("10.00");
    String transfer = (String) json(http.post(key, transferBody).body()).get("id");

    HttpResponse<String> refund = refund(key, "{\"transfer_id\":\"" + transfer + "\",\"amount\":{\"currency\":\"USD\","
        + "\"value\":\"1.00\"}}");

    assertEquals(422, refund.statusCode(), "the full dialect's answer to a key reused with another request");
  }
}

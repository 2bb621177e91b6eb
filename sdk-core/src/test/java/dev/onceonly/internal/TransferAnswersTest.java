package dev.onceonly.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onceonly.Money;
import dev.onceonly.transfers.Transfer;
import dev.onceonly.transfers.TransferStatus;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TransferAnswersTest {

  static final String SRC = "https://api.example.test/funding-sources/707177c3-bf15-4e7e-b37c-55c3898d9bf4";
  static final String DST = "https://api.example.test/funding-sources/04173e17-6398-4d36-a167-9d98c4b1f1c3";

  static Transfer transfer(String currency, String value, String source, String destination) {
    return new Transfer("t-1", TransferStatus.PENDING, Money.of(currency, value), Instant.EPOCH, Map.of(), source, destination);
  }

  @Test
  void linksNameTheSameResourceByTheirIdWhateverTheHostOrCase() {
    assertTrue(TransferAnswers.sameResource(SRC, "http://API.internal:8080/v2/funding-sources/707177C3-BF15-4E7E-B37C-55C3898D9BF4/"));
    assertTrue(TransferAnswers.sameResource(SRC, SRC + "?expand=owner#top"));
    assertFalse(TransferAnswers.sameResource(SRC, DST));
    assertFalse(TransferAnswers.sameResource(SRC, SRC + "0"));
    assertFalse(TransferAnswers.sameResource(SRC, "https://api.example.test/"), "no id: compared whole");
    assertTrue(TransferAnswers.sameResource("707177c3", "707177C3"), "no slash at all: the whole text is the id");
  }

  @Test
  void theAmountIsComparedByValueAndTheCurrencyExactly() {
    var params = Fixtures.params();

    assertNull(TransferAnswers.contradiction(params, transfer("USD", "1337.0", SRC, DST)));
    assertNull(TransferAnswers.contradiction(params, transfer("USD", "1337.00", null, null)), "links the answer omits");
    assertEquals("asked for 1337.00 USD, the answer says 1337.00 EUR",
        TransferAnswers.contradiction(params, transfer("EUR", "1337.00", SRC, DST)));
    assertTrue(TransferAnswers.contradiction(params, transfer("USD", "1337.01", SRC, DST)).startsWith("asked for"));
    assertTrue(TransferAnswers.contradiction(params, transfer("USD", "1337.00", DST, DST)).contains("source"));
    assertTrue(TransferAnswers.contradiction(params, transfer("USD", "1337.00", SRC, SRC)).contains("destination"));
  }
}

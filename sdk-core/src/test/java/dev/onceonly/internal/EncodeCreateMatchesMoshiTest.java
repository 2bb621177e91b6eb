package dev.onceonly.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.squareup.moshi.JsonWriter;
import dev.onceonly.Money;
import dev.onceonly.transfers.TransferCreateParams;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SplittableRandom;
import okio.Buffer;
import org.junit.jupiter.api.Test;

/**
 * {@link TransferJson#encodeCreate} writes exactly the bytes Moshi's {@code JsonWriter} wrote for
 * the same fields (the SDK's encoder before it was written by hand): a key resumed by another
 * version of the SDK must come with the same body bytes.
 */
final class EncodeCreateMatchesMoshiTest {

  private static final String SOURCE = "https://api.example.test/funding-sources/707177c3-bf15-4e7e-b37c-55c3898d9bf4";

  /** The encoder as it was, on Moshi. */
  private static byte[] moshi(TransferCreateParams params) throws IOException {
    Buffer buffer = new Buffer();
    try (JsonWriter writer = JsonWriter.of(buffer)) {
      writer.beginObject();
      writer.name("_links").beginObject();
      writer.name("source").beginObject().name("href").value(params.source()).endObject();
      writer.name("destination").beginObject().name("href").value(params.destination()).endObject();
      writer.endObject();
      writer.name("amount").beginObject();
      writer.name("currency").value(params.amount().currency());
      writer.name("value").value(params.amount().value().toPlainString());
      writer.endObject();
      if (!params.metadata().isEmpty()) {
        writer.name("metadata").beginObject();
        for (Map.Entry<String, String> e : params.metadata().entrySet()) {
          writer.name(e.getKey()).value(e.getValue());
        }
        writer.endObject();
      }
      writer.endObject();
    }
    return buffer.readByteArray();
  }

  @Test
  void everyCharacterBelow256AndTheSeparatorsAndSurrogates() throws IOException {
    StringBuilder all = new StringBuilder();
    for (char c = 1; c < 256; c++) {
      all.append(c);
    }
    all.append('\u2028').append('\u2029').append('\u2027').append('\u202a').append('\u007f')
        .append("\ud83d\ude00") // a pair: 4 bytes
        .append('\ud83d').append('x') // a lone high surrogate
        .append('\ude00') // a lone low surrogate
        .append('\u0000').append('\ud83d'); // and a high one at the very end
    String text = all.toString();
    TransferCreateParams params = TransferCreateParams.builder().source(SOURCE).destination(SOURCE)
        .amount(Money.of("USD", "1.00")).metadata(text, text).metadata("k", "\ud83d").build();
    assertArrayEquals(moshi(params), TransferJson.encodeCreate(params), new String(moshi(params), StandardCharsets.UTF_8));
  }

  @Test
  void randomParams() throws IOException {
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < 3_000; i++) {
      TransferCreateParams.Builder builder = TransferCreateParams.builder()
          .source(SOURCE + "?q=" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36))
          .destination("https://d.test/" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36))
          .amount(Money.of(random.nextBoolean() ? "EUR" : "JPY",
              new BigDecimal(random.nextLong() & Long.MAX_VALUE).movePointLeft(random.nextInt(12))));
      for (int m = random.nextInt(4); m > 0; m--) {
        builder.metadata("k" + randomText(random), randomText(random));
      }
      TransferCreateParams params = builder.build();
      assertArrayEquals(moshi(params), TransferJson.encodeCreate(params), params.toString());
    }
  }

  private static String randomText(SplittableRandom random) {
    StringBuilder text = new StringBuilder();
    for (int n = random.nextInt(12); n > 0; n--) {
      switch (random.nextInt(5)) {
        case 0 -> text.append((char) random.nextInt(0x80));
        case 1 -> text.append((char) random.nextInt(0x800));
        case 2 -> text.append((char) random.nextInt(0x10000)); // surrogates included, paired or not
        case 3 -> text.appendCodePoint(0x10000 + random.nextInt(0x100000));
        default -> text.append("\"\\\u2028\u2029\n\t".charAt(random.nextInt(6)));
      }
    }
    return text.toString();
  }
}

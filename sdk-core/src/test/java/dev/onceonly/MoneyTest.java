package dev.onceonly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MoneyTest {

  @Test
  void ofStringKeepsTheScaleAsWritten() {
    Money money = Money.of("USD", "1337.00");

    assertEquals("USD", money.currency());
    assertEquals(2, money.value().scale());
    assertEquals("1337.00", money.value().toPlainString());
    assertEquals(new BigDecimal("1337.00"), money.value());
    assertEquals("0.10", Money.of("EUR", "0.10").value().toPlainString());
    assertEquals("0", Money.of("EUR", "0").value().toPlainString());
  }

  @Test
  void amountsWithDifferentScalesAreDifferentValues() {
    // the scale goes on the wire, so 1337.00 and 1337.0 are different request bodies
    assertNotEquals(Money.of("USD", "1337.00"), Money.of("USD", "1337.0"));
    assertEquals(Money.of("USD", "1337.00"), Money.of("USD", new BigDecimal("1337.00")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"1e3", "1E3", "-1", "+1", " 1", "1 ", "1,00", "1.", ".5", "", "0x10", "NaN", "1_000", "١٢"})
  void ofStringRejectsAnythingButAPlainDecimalNamingValue(String value) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Money.of("USD", value));

    assertTrue(e.getMessage().startsWith("value "), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"usd", "Usd", "US", "USDX", "", " USD", "US1", "ÜSD"})
  void rejectsACurrencyThatIsNotThreeUpperCaseLettersNamingCurrency(String currency) {
    IllegalArgumentException fromString =
        assertThrows(IllegalArgumentException.class, () -> Money.of(currency, "1.00"));
    IllegalArgumentException fromDecimal =
        assertThrows(IllegalArgumentException.class, () -> Money.of(currency, BigDecimal.ONE));

    assertTrue(fromString.getMessage().startsWith("currency "), fromString.getMessage());
    assertTrue(fromDecimal.getMessage().startsWith("currency "), fromDecimal.getMessage());
  }

  @Test
  void ofBigDecimalKeepsTheValueAsGiven() {
    BigDecimal value = new BigDecimal("25.500");

    Money money = Money.of("GBP", value);

    assertEquals("GBP", money.currency());
    assertEquals(value, money.value());
    assertEquals(3, money.value().scale());
  }

  @Test
  void rejectsANegativeBigDecimalNamingValue() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Money.of("USD", new BigDecimal("-0.01")));

    assertTrue(e.getMessage().startsWith("value "), e.getMessage());
  }

  @Test
  void nullsAreRefusedNamingTheArgument() {
    NullPointerException nullCurrency = assertThrows(NullPointerException.class, () -> Money.of(null, "1.00"));
    NullPointerException nullString = assertThrows(NullPointerException.class, () -> Money.of("USD", (String) null));
    NullPointerException nullDecimal =
        assertThrows(NullPointerException.class, () -> Money.of("USD", (BigDecimal) null));

    assertEquals("currency", nullCurrency.getMessage());
    assertEquals("value", nullString.getMessage());
    assertEquals("value", nullDecimal.getMessage());
  }

  @Test
  void toStringShowsThePlainValueAndCurrency() {
    assertEquals("1337.00 USD", Money.of("USD", "1337.00").toString());
    assertEquals("1000 JPY", Money.of("JPY", new BigDecimal("1E+3")).toString());
  }

  @Test
  void refusesLeadingZerosSoWhatIsWrittenIsWhatIsSent() {
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> Money.of("USD", "007"));
    assertTrue(e.getMessage().contains("value"), e.getMessage());
    assertEquals("0.50", Money.of("USD", "0.50").value().toPlainString());
  }
}

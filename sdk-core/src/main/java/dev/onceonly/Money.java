package dev.onceonly;

import java.math.BigDecimal;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An amount of money: an ISO 4217 currency code and a decimal value.
 *
 * <p>The value is a {@link BigDecimal} and goes over the wire as a decimal string
 * ({@code "1337.00"}), never as a binary floating-point number. Its scale is kept as given:
 * {@code Money.of("USD", "1337.00")} sends {@code "1337.00"}.
 *
 * @param currency a three-letter upper-case currency code, such as {@code USD}
 * @param value the amount, zero or more
 */
public record Money(String currency, BigDecimal value) {

  private static final Pattern PLAIN_DECIMAL = Pattern.compile("(0|[1-9][0-9]*)(\\.[0-9]+)?");

  public Money {
    Objects.requireNonNull(currency, "currency");
    Objects.requireNonNull(value, "value");
    if (!isCurrencyCode(currency)) {
      throw new IllegalArgumentException(
          "currency must be a three-letter upper-case ISO 4217 code, was: " + currency);
    }
    if (value.signum() < 0) {
      throw new IllegalArgumentException("value must not be negative, was: " + value.toPlainString());
    }
  }

  /**
   * Returns an amount parsed from a decimal string such as {@code "1337.00"}.
   *
   * @throws IllegalArgumentException if {@code value} is not a plain decimal number
   */
  public static Money of(String currency, String value) {
    Objects.requireNonNull(value, "value");
    return new Money(currency, parseDecimal(value));
  }

  /** Returns an amount of {@code value} in {@code currency}. */
  public static Money of(String currency, BigDecimal value) {
    return new Money(currency, value);
  }

  /**
   * Parses a plain decimal string (digits with an optional fraction); exponents, signs and
   * blanks are refused so that what the caller wrote is what the server receives.
   */
  static BigDecimal parseDecimal(String value) {
    if (!PLAIN_DECIMAL.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "value must be a plain decimal string such as \"1337.00\" (no sign, exponent or leading zeros), was: \""
              + value + "\"");
    }
    return new BigDecimal(value);
  }

  /** Three letters {@code A-Z}; checked by hand, as every decoded transfer makes a {@code Money}. */
  private static boolean isCurrencyCode(String currency) {
    if (currency.length() != 3) {
      return false;
    }
    for (int i = 0; i < 3; i++) {
      char c = currency.charAt(i);
      if (c < 'A' || c > 'Z') {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return value.toPlainString() + " " + currency;
  }
}

package dev.onceonly.testkit;

/**
 * One invalid field of a request body.
 *
 * @param path a JSON pointer to the field, such as {@code /amount/value}
 * @param code {@code Required} or {@code Invalid}, as in Dwolla's embedded errors
 * @param message what is wrong, for a person
 */
record FieldError(String path, String code, String message) {

  static FieldError required(String path) {
    return new FieldError(path, "Required", path + " is required.");
  }

  static FieldError invalid(String path, String message) {
    return new FieldError(path, "Invalid", message);
  }
}

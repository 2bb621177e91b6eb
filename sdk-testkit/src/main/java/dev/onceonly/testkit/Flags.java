package dev.onceonly.testkit;

import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Walks the flags of the samples' command lines: {@code --name value} or {@code --name=value}.
 * Shared by the sandbox server and the demonstration, so both read their flags alike.
 */
public final class Flags {

  private Flags() {}

  /**
   * Hands each flag's name and value to {@code apply}, in order.
   *
   * @return {@code false} if {@code --help} or {@code -h} was asked (nothing after it is read)
   * @throws IllegalArgumentException naming the flag, if an argument is not a flag, a flag lacks
   *     its value, or {@code apply} refuses the value
   */
  public static boolean parse(String[] args, BiConsumer<String, String> apply) {
    return parse(args, Set.of(), apply);
  }

  /**
   * As {@link #parse(String[], BiConsumer)}, with switches: flags in {@code switches} take no
   * value ({@code --async} reads as {@code "true"}), though {@code --async=false} still works.
   */
  public static boolean parse(String[] args, Set<String> switches, BiConsumer<String, String> apply) {
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        return false;
      }
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument: " + arg);
      }
      String name;
      String value;
      int equals = arg.indexOf('=');
      if (equals >= 0) {
        name = arg.substring(0, equals);
        value = arg.substring(equals + 1);
      } else if (switches.contains(arg)) {
        name = arg;
        value = "true";
      } else {
        name = arg;
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(name + " needs a value");
        }
        value = args[++i];
      }
      try {
        apply.accept(name, value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + " needs a number, was: " + value);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(name + ": " + e.getMessage());
      }
    }
    return true;
  }
}

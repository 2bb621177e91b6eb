package dev.onceonly.samples.crash;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The application's own record of the business operations it finished: one line per operation,
 * {@code NAME TRANSFER_ID} for a transfer made, or {@code NAME failed:STATUS} for one the server
 * refused, appended and fsynced before {@link #append} returns. It stands for the row an
 * application writes in its own database when a payment call returns; a process killed between
 * the call's answer and this write is the window the journal closes.
 *
 * <p>Reading takes whole lines only: a kill may leave the last line cut short, and an operation
 * whose line was cut is simply not done. Thread-safe.
 */
final class DoneFile implements AutoCloseable {

  /** What a line says of an operation: the transfer's id, or {@code failed:STATUS}. */
  static final String FAILED = "failed:";

  private final FileChannel channel;

  private DoneFile(FileChannel channel) {
    this.channel = channel;
  }

  /** Opens {@code file} for appending, creating it if missing. */
  static DoneFile open(Path file) {
    try {
      return new DoneFile(FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open " + file, e);
    }
  }

  /**
   * What {@code file} records, operation to transfer id (or {@code failed:STATUS}), in the order
   * written; the last line counts if an operation appears twice. Empty if there is no file.
   */
  static Map<String, String> read(Path file) {
    if (!Files.exists(file)) {
      return new LinkedHashMap<>();
    }
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    Map<String, String> done = new LinkedHashMap<>();
    int end = text.lastIndexOf('\n'); // after it: nothing, or a line the kill cut
    if (end < 0) {
      return done;
    }
    for (String line : text.substring(0, end).split("\n")) {
      int space = line.indexOf(' ');
      if (space > 0 && space < line.length() - 1) {
        done.put(line.substring(0, space), line.substring(space + 1));
      }
    }
    return done;
  }

  /** Records that {@code operation} made transfer {@code transferId}; durable when it returns. */
  void append(String operation, String transferId) {
    write(operation + " " + transferId + "\n");
  }

  /** Records that the server refused {@code operation} with {@code status}; durable when it returns. */
  void appendFailed(String operation, int status) {
    write(operation + " " + FAILED + status + "\n");
  }

  private void write(String line) {
    ByteBuffer bytes = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
    try {
      synchronized (this) { // whole lines, never interleaved
        while (bytes.hasRemaining()) {
          channel.write(bytes);
        }
      }
      // Outside the lock: threads appending at once share fsyncs, as a database's group commit
      // would. Whatever was written before a force is durable when it returns.
      channel.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to the done file", e);
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // every line was forced already
    }
  }
}

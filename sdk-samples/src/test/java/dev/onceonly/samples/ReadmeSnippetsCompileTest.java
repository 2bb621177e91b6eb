package dev.onceonly.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ```java} block of the README, extracted from README.md as it stands and compiled
 * against the SDK, so that the docs cannot drift from the API.
 *
 * <p>The first block (the quickstart) is compiled exactly as written, with its own imports only:
 * a reader copies it whole. The later blocks are fragments that continue it: each is compiled with
 * the SDK's packages imported and a {@code client}, {@code params}, {@code dataSource} and {@code observations} in scope
 * (fields, which a block may shadow with its own declarations), plus the imports it writes.
 */
class ReadmeSnippetsCompileTest {

  private static final List<String> FRAGMENT_IMPORTS = List.of(
      "dev.onceonly.*", "dev.onceonly.transfers.*", "dev.onceonly.okhttp.OkHttpPaymentsClient",
      "dev.onceonly.journal.*", "dev.onceonly.testkit.*", "java.time.*", "java.util.*");

  record Snippet(int index, int line, List<String> imports, String body) {}

  static List<Snippet> snippets(Path readme) throws IOException {
    List<String> lines = Files.readAllLines(readme, StandardCharsets.UTF_8);
    List<Snippet> found = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).strip().equals("```java")) {
        continue;
      }
      int start = i + 1;
      List<String> imports = new ArrayList<>();
      StringBuilder body = new StringBuilder();
      for (i = start; i < lines.size() && !lines.get(i).strip().equals("```"); i++) {
        String line = lines.get(i);
        if (line.startsWith("import ")) {
          imports.add(line.substring("import ".length()).replace(";", "").strip());
        } else {
          body.append(line).append('\n');
        }
      }
      found.add(new Snippet(found.size() + 1, start, imports, body.toString()));
    }
    return found;
  }

  static String source(Snippet s, boolean asWritten) {
    StringBuilder src = new StringBuilder("package readme;\n");
    List<String> imports = new ArrayList<>(s.imports());
    if (!asWritten) {
      imports.addAll(FRAGMENT_IMPORTS);
    }
    imports.stream().distinct().forEach(i -> src.append("import ").append(i).append(";\n"));
    src.append("class Snippet").append(s.index()).append(" {\n");
    if (!asWritten) {
      src.append("  dev.onceonly.PaymentsClient client;\n")
          .append("  dev.onceonly.transfers.TransferCreateParams params;\n")
          .append("  javax.sql.DataSource dataSource;\n")
          .append("  io.micrometer.observation.ObservationRegistry observations;\n");
    }
    src.append("  void run() throws Exception {\n").append(s.body()).append("  }\n}\n");
    return src.toString();
  }

  @Test
  void everyJavaBlockOfTheReadmeCompiles(@TempDir Path out) throws IOException {
    Path readme = Path.of(System.getProperty("user.dir")).getParent().resolve("README.md");
    List<Snippet> snippets = snippets(readme);
    assertTrue(snippets.size() >= 5, "found the README's Java blocks: " + snippets.size());

    List<String> errors = new ArrayList<>();
    for (Snippet s : snippets) {
      errors.addAll(compile(s, s.index() == 1, out));
    }

    assertEquals(List.of(), errors);
  }

  private static List<String> compile(Snippet s, boolean asWritten, Path out) throws IOException {
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    String code = source(s, asWritten);
    JavaFileObject file = new SimpleJavaFileObject(
        URI.create("string:///readme/Snippet" + s.index() + ".java"), JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return code;
      }
    };
    try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      List<String> options = List.of("-classpath", System.getProperty("java.class.path"), "-d", out.toString(),
          "-proc:none", "-Xlint:none");
      compiler.getTask(null, files, diagnostics, options, null, List.of(file)).call();
    }
    List<String> errors = new ArrayList<>();
    for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
      if (d.getKind() == Diagnostic.Kind.ERROR) {
        errors.add("README block " + s.index() + " (line " + s.line() + ")" + (asWritten ? ", as written" : "")
            + ": " + d.getMessage(Locale.ROOT));
      }
    }
    return errors;
  }
}

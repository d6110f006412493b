package dev.scorestream.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reference pages generated from the code, checked by tests: a section of a Markdown page between
 * {@code <!-- BEGIN GENERATED: NAME -->} and the next {@code <!-- END GENERATED -->} must equal
 * what the code generates now. A test calls {@link #check}; it fails on a stale page and names the
 * command that rewrites it: the same test with {@code -Ddocs.regenerate=true}.
 */
public final class GeneratedDocs {

  /** The system property that makes {@link #check} rewrite the section instead of comparing. */
  public static final String REGENERATE = "docs.regenerate";

  private static final String END = "<!-- END GENERATED -->";

  private GeneratedDocs() {}

  /**
   * Checks (or with {@code -Ddocs.regenerate=true} rewrites) the section {@code name} of {@code
   * page}.
   *
   * @param page the Markdown page
   * @param name the section's name, as its BEGIN marker spells it
   * @param generated what the code generates for the section
   * @param module the Maven module whose test class {@code test} generates it, for the message
   * @param test the simple name of the test class, for the message
   * @throws AssertionError when the page's section differs from {@code generated}
   */
  public static void check(Path page, String name, String generated, String module, String test) {
    String begin = "<!-- BEGIN GENERATED: " + name + " -->\n";
    String doc = read(page);
    int start = doc.indexOf(begin);
    int end = start < 0 ? -1 : doc.indexOf(END, start);
    if (start < 0 || end < 0) {
      throw new AssertionError(
          page + " has no section between '" + begin.strip() + "' and '" + END + "'");
    }
    String documented = doc.substring(start + begin.length(), end);
    if (documented.equals(generated)) {
      return;
    }
    if (Boolean.getBoolean(REGENERATE)) {
      write(page, doc.substring(0, start + begin.length()) + generated + doc.substring(end));
      return;
    }
    throw new AssertionError(
        page.normalize()
            + " is stale (section '"
            + name
            + "', first difference at line "
            + firstDifferentLine(documented, generated)
            + "); regenerate it with: mvn -B -q verify -pl "
            + module
            + " -am -Dtest="
            + test
            + " -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=none"
            + " -Dfailsafe.failIfNoSpecifiedTests=false -D"
            + REGENERATE
            + "=true");
  }

  /** The 1-based line of the section where {@code a} and {@code b} first differ. */
  static int firstDifferentLine(String a, String b) {
    String[] left = a.split("\n", -1);
    String[] right = b.split("\n", -1);
    int line = 0;
    while (line < left.length && line < right.length && left[line].equals(right[line])) {
      line++;
    }
    return line + 1;
  }

  private static String read(Path page) {
    try {
      return Files.readString(page);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + page, e);
    }
  }

  private static void write(Path page, String text) {
    try {
      Files.writeString(page, text);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + page, e);
    }
  }
}

package dev.scorestream.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The runnable command blocks of a Markdown page: a {@code bash} fenced block right after a line
 * {@code <!-- doc-test -->}. Options in the marker:
 *
 * <ul>
 *   <li>{@code background until="REGEX"}: the block keeps running (a server); the next block starts
 *       once its output matches REGEX, and it is stopped with SIGTERM when the page is done;
 *   <li>{@code expect="REGEX"}: the block's output must match REGEX (found anywhere).
 * </ul>
 *
 * A marker not followed by a {@code bash} block, or with an option this class does not know, is an
 * error: a typo must not quietly turn a tested block into an untested one.
 */
record DocBlocks(Path page, List<DocBlocks.Block> blocks) {

  /** One runnable block, where it starts in its page (1-based line of the fence). */
  record Block(int line, String script, boolean background, Pattern until, Pattern expect) {

    String where(Path page) {
      return page + ":" + line;
    }
  }

  static final String MARKER = "<!-- doc-test";

  private static final Pattern OPTION = Pattern.compile("(\\w+)(?:=\"((?:[^\"\\\\]|\\\\.)*)\")?");

  static DocBlocks read(Path page) throws IOException {
    return parse(page, Files.readAllLines(page));
  }

  static DocBlocks parse(Path page, List<String> lines) {
    List<Block> blocks = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (!line.startsWith(MARKER)) {
        continue;
      }
      if (!line.endsWith("-->")) {
        throw new IllegalArgumentException(page + ":" + (i + 1) + ": marker must end on its line");
      }
      Map<String, String> options =
          options(page, i + 1, line.substring(MARKER.length(), line.length() - 3));
      int fence = i + 1;
      if (fence >= lines.size() || !lines.get(fence).strip().equals("```bash")) {
        throw new IllegalArgumentException(
            page + ":" + (i + 1) + ": a doc-test marker must be followed by a ```bash block");
      }
      StringBuilder script = new StringBuilder();
      int end = fence + 1;
      while (end < lines.size() && !lines.get(end).strip().equals("```")) {
        script.append(lines.get(end)).append('\n');
        end++;
      }
      if (end == lines.size()) {
        throw new IllegalArgumentException(page + ":" + (fence + 1) + ": unclosed block");
      }
      blocks.add(block(page, fence + 1, script.toString(), options));
      i = end;
    }
    return new DocBlocks(page, List.copyOf(blocks));
  }

  private static Block block(Path page, int line, String script, Map<String, String> options) {
    boolean background = options.containsKey("background");
    String until = options.get("until");
    if (background != (until != null)) {
      throw new IllegalArgumentException(
          page + ":" + line + ": background and until=\"...\" go together");
    }
    String expect = options.get("expect");
    return new Block(
        line,
        script,
        background,
        until == null ? null : Pattern.compile(until),
        expect == null ? null : Pattern.compile(expect));
  }

  private static Map<String, String> options(Path page, int line, String text) {
    Map<String, String> options = new LinkedHashMap<>();
    Matcher matcher = OPTION.matcher(text.strip());
    int at = 0;
    String rest = text.strip();
    while (at < rest.length()) {
      if (!matcher.find(at) || matcher.start() != at) {
        throw new IllegalArgumentException(
            page + ":" + line + ": cannot read doc-test options at '" + rest.substring(at) + "'");
      }
      String name = matcher.group(1);
      if (!List.of("background", "until", "expect").contains(name)) {
        throw new IllegalArgumentException(
            page + ":" + line + ": unknown doc-test option '" + name + "'");
      }
      options.put(name, matcher.group(2) == null ? "" : matcher.group(2).replace("\\\"", "\""));
      at = matcher.end();
      while (at < rest.length() && rest.charAt(at) == ' ') {
        at++;
      }
    }
    return options;
  }
}

package dev.scorestream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every relative link in README.md and docs/ leads somewhere: the file exists and, when the link
 * names a section, the file has a heading with that anchor (GitHub's rule: lower case, punctuation
 * dropped, spaces to hyphens). No hand-written page in docs/ grows past 16 KB.
 */
class DocumentationLinksTest {

  static final Path ROOT = Path.of("..");
  static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
  static final long MAX_PAGE_BYTES = 16 * 1024;

  /** Pages generated from the code, whose size follows what they document. */
  static final Set<String> GENERATED =
      Set.of("configuration.md", "cli.md", "metrics.md", "performance-results.md");

  static final Pattern HEADING = Pattern.compile("(?m)^#{1,6} +(.+)$");

  @Test
  void shouldLeadEveryRelativeLinkToAFileAndSectionThatExist() throws IOException {
    List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    List<String> broken = new ArrayList<>();
    int checked = 0;
    for (Path page : pages) {
      Matcher links = LINK.matcher(withoutCodeBlocks(Files.readString(page)));
      while (links.find()) {
        String target = links.group(1);
        if (target.matches("^[a-z]+:.*")) {
          continue; // https:, mailto:
        }
        checked++;
        String file = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
        String anchor = target.contains("#") ? target.substring(target.indexOf('#') + 1) : null;
        Path linked = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
        if (!Files.exists(linked)) {
          broken.add(page.getFileName() + ": " + target + " (no such file)");
        } else if (anchor != null && !anchors(linked).contains(anchor)) {
          broken.add(page.getFileName() + ": " + target + " (no such section)");
        }
      }
    }
    assertThat(checked).isGreaterThan(20);
    assertThat(broken).isEmpty();
  }

  @Test
  void shouldKeepEveryHandWrittenDocsPageUnderSixteenKilobytes() throws IOException {
    List<String> oversized = new ArrayList<>();
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      for (Path page : docs.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
        long size = Files.size(page);
        if (size > MAX_PAGE_BYTES && !GENERATED.contains(page.getFileName().toString())) {
          oversized.add(page.getFileName() + " (" + size + " bytes)");
        }
      }
    }
    assertThat(oversized).as("split these pages by what the reader is doing").isEmpty();
  }

  static Set<String> anchors(Path page) throws IOException {
    Set<String> anchors = new HashSet<>();
    Matcher headings = HEADING.matcher(withoutCodeBlocks(Files.readString(page)));
    while (headings.find()) {
      anchors.add(
          headings
              .group(1)
              .strip()
              .toLowerCase(Locale.ROOT)
              .replaceAll("[^\\p{L}\\p{N} _-]", "")
              .replace(' ', '-'));
    }
    return anchors;
  }

  static String withoutCodeBlocks(String markdown) {
    return markdown.replaceAll("(?s)```.*?```", "");
  }
}

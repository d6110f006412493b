package dev.scorestream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The module table in docs/architecture.md is the poms': the same modules, each with the project
 * modules it depends on (compile and runtime scope). Fails when a module is added, moved or rewired
 * without the table following.
 */
class ModuleTableTest {

  static final Path ROOT = Path.of("..");
  static final Pattern ROW = Pattern.compile("(?m)^\\| `([^`]+)` \\|[^|]*\\|[^|]*\\|([^|]*)\\|$");
  static final Pattern NAME = Pattern.compile("`([^`]+)`");

  @Test
  void shouldListEveryModuleWithTheModulesItDependsOn() throws Exception {
    Map<String, List<String>> documented = new TreeMap<>();
    Matcher rows = ROW.matcher(Files.readString(ROOT.resolve("docs/architecture.md")));
    while (rows.find()) {
      List<String> dependencies = new ArrayList<>();
      Matcher names = NAME.matcher(rows.group(2));
      while (names.find()) {
        dependencies.add(names.group(1));
      }
      documented.put(rows.group(1), dependencies.stream().sorted().toList());
    }

    assertThat(documented).isEqualTo(fromPoms());
  }

  /** Module path (as the root pom lists it) to the project modules it depends on, by path. */
  static Map<String, List<String>> fromPoms() throws Exception {
    Map<String, String> pathByArtifact = new TreeMap<>();
    Map<String, Element> poms = new TreeMap<>();
    for (String module : text(read(ROOT.resolve("pom.xml")).getDocumentElement(), "module")) {
      Element pom = read(ROOT.resolve(module).resolve("pom.xml")).getDocumentElement();
      poms.put(module, pom);
      pathByArtifact.put(direct(pom, "artifactId"), module);
    }
    assertThat(poms).hasSizeGreaterThan(10);
    Map<String, List<String>> modules = new TreeMap<>();
    poms.forEach(
        (module, pom) -> {
          TreeSet<String> dependencies = new TreeSet<>();
          NodeList all = pom.getElementsByTagName("dependency");
          for (int i = 0; i < all.getLength(); i++) {
            Element dependency = (Element) all.item(i);
            if (!(dependency.getParentNode().getParentNode() == pom)) {
              continue; // dependencyManagement, or a plugin's own dependencies
            }
            String artifact = direct(dependency, "artifactId");
            String scope = direct(dependency, "scope");
            String type = direct(dependency, "type");
            if (pathByArtifact.containsKey(artifact)
                && !"test".equals(scope)
                && !"test-jar".equals(type)) {
              dependencies.add(pathByArtifact.get(artifact));
            }
          }
          modules.put(module, List.copyOf(dependencies));
        });
    return modules;
  }

  static Document read(Path pom) throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
  }

  static List<String> text(Element element, String tag) {
    NodeList nodes = element.getElementsByTagName(tag);
    String[] values = new String[nodes.getLength()];
    for (int i = 0; i < values.length; i++) {
      values[i] = nodes.item(i).getTextContent().trim();
    }
    return Arrays.asList(values);
  }

  /** The text of {@code element}'s own child {@code tag}, or null. */
  static String direct(Element element, String tag) {
    NodeList children = element.getChildNodes();
    for (int i = 0; i < children.getLength(); i++) {
      if (children.item(i) instanceof Element child && child.getTagName().equals(tag)) {
        return child.getTextContent().trim();
      }
    }
    return null;
  }
}

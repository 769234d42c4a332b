package io.cachemesh.charts;

import java.nio.file.Path;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** Where a module's shade plugin configuration says the runnable jar goes, relative to the checkout. */
final class ShadedJar {
  private ShadedJar() {
  }

  static Optional<String> of(String module) throws Exception {
    Path pom = Repository.ROOT.resolve(module).resolve("pom.xml");
    var factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    Element root = factory.newDocumentBuilder().parse(pom.toFile()).getDocumentElement();
    NodeList plugins = root.getElementsByTagName("plugin");
    for (int i = 0; i < plugins.getLength(); i++) {
      Element plugin = (Element) plugins.item(i);
      if (!text(plugin, "artifactId").equals("maven-shade-plugin")) {
        continue;
      }
      String outputFile = text(plugin, "outputFile");
      if (!outputFile.isEmpty()) {
        return Optional.of(module + "/" + outputFile.replace("${project.build.directory}", "target"));
      }
      String finalName = text(plugin, "finalName");
      if (!finalName.isEmpty()) {
        return Optional.of(module + "/target/" + finalName + ".jar");
      }
    }
    return Optional.empty();
  }

  private static String text(Element parent, String tag) {
    NodeList nodes = parent.getElementsByTagName(tag);
    return nodes.getLength() == 0 ? "" : nodes.item(0).getTextContent().strip();
  }
}

package io.cachemesh.charts;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths of the checkout, resolved from the charts module's directory (Maven's working directory). */
final class Repository {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final Path CHART = ROOT.resolve("charts/cachemesh");
  static final Path CRDS = ROOT.resolve("crds");
  static final Path INSTALL = ROOT.resolve("manifests/install");
  static final Path EXAMPLES = ROOT.resolve("manifests/examples");
  static final Path VALUES = Path.of("src/test/resources/values").toAbsolutePath();

  private Repository() {
  }

  static Path values(String name) {
    Path file = VALUES.resolve(name + ".yaml");
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("no values file " + file);
    }
    return file;
  }

  /** The Maven project version, passed by surefire (see charts/pom.xml). */
  static String projectVersion() {
    String version = System.getProperty("project.version");
    if (version == null || version.isBlank()) {
      throw new IllegalStateException("system property project.version is not set: run the tests through Maven");
    }
    return version;
  }
}

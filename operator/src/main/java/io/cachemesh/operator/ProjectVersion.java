package io.cachemesh.operator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version this operator was built as (Maven's {@code project.version}), read from a filtered resource. */
public final class ProjectVersion {
  private static final String VALUE = load();

  private ProjectVersion() {}

  public static String get() {
    return VALUE;
  }

  private static String load() {
    try (InputStream in = ProjectVersion.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        throw new IllegalStateException("version.properties is missing from the operator's classpath");
      }
      Properties properties = new Properties();
      properties.load(in);
      String version = properties.getProperty("version");
      if (version == null || version.startsWith("${")) {
        throw new IllegalStateException("version.properties was not filtered by the build: " + version);
      }
      return version;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package io.cachemesh.e2e.harness;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Command lines for child JVMs, tuned for start-up time on a small machine rather than peak speed. */
public final class Jvm {
  private static final List<String> FLAGS = List.of(
      "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k", "-XX:+UseCompactObjectHeaders");

  private Jvm() {}

  public static List<String> jar(Path jar, String maxHeap, List<String> args) {
    List<String> command = base(maxHeap);
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(args);
    return command;
  }

  /**
   * A shaded jar's main class with libraries of this module's test classpath appended, for a jar
   * that lacks a runtime dependency (see {@link OperatorProcess}).
   */
  public static List<String> jarPlus(Path jar, String mainClass, List<String> libraries, String maxHeap, List<String> args) {
    List<String> classpath = new ArrayList<>();
    classpath.add(jar.toString());
    for (String library : libraries) {
      classpath.add(java.util.Arrays.stream(testClasspath().split(java.io.File.pathSeparator))
          .filter(entry -> Path.of(entry).getFileName().toString().startsWith(library + "-"))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException(library + " is not on the test classpath")));
    }
    List<String> command = base(maxHeap);
    command.add("-cp");
    command.add(String.join(java.io.File.pathSeparator, classpath));
    command.add(mainClass);
    command.addAll(args);
    return command;
  }

  /** A main class of this module's test classpath (the mock API server, the origin app). */
  public static List<String> testMain(Class<?> main, String maxHeap, List<String> args) {
    List<String> command = base(maxHeap);
    command.add("-cp");
    command.add(testClasspath());
    command.add(main.getName());
    command.addAll(args);
    return command;
  }

  private static List<String> base(String maxHeap) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(FLAGS);
    command.add("-Xmx" + maxHeap);
    return command;
  }

  /** Surefire runs tests from a manifest-only jar; it publishes the real classpath in this property. */
  private static String testClasspath() {
    String surefire = System.getProperty("surefire.test.class.path");
    return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
  }
}

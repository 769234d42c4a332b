package io.cachemesh.e2e.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/** Where the harness finds the built jars and CRDs and writes logs and files; free loopback ports. */
public final class E2eDirs {
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private E2eDirs() {}

  public static Path operatorJar() {
    return existing("cachemesh.operator.jar");
  }

  public static Path sidecarJar() {
    return existing("cachemesh.sidecar.jar");
  }

  public static Path crdsDir() {
    return existing("cachemesh.crds.dir");
  }

  /** {@code manifests/install}: the webhook configurations the harness installs come from there. */
  public static Path installManifestsDir() {
    return existing("cachemesh.install.dir");
  }

  private static Path logs;

  /** Emptied once per run, so the directory holds exactly this run's logs. */
  static synchronized Path logs() {
    if (logs == null) {
      logs = directory(Path.of(System.getProperty("cachemesh.e2e.logs", "target/e2e-logs")));
      try (var old = Files.list(logs)) {
        for (Path file : old.toList()) {
          Files.delete(file);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return logs;
  }

  /** A fresh log file; a restarted process gets {@code name-2.log} so nothing is overwritten. */
  static synchronized Path logFile(String name) {
    Path dir = logs();
    Path file = dir.resolve(name + ".log");
    for (int n = 2; Files.exists(file); n++) {
      file = dir.resolve(name + "-" + n + ".log");
    }
    try {
      return Files.createFile(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A new empty directory under {@code target/e2e-work}. */
  public static Path workDir(String prefix) {
    Path base = directory(logs().resolveSibling("e2e-work"));
    return directory(base.resolve(prefix + "-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet()));
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path existing(String property) {
    String value = System.getProperty(property);
    if (value == null) {
      throw new IllegalStateException("system property " + property + " is not set (run through Maven: ./mvnw -pl e2e -am verify)");
    }
    Path path = Path.of(value).toAbsolutePath().normalize();
    if (!Files.exists(path)) {
      throw new IllegalStateException(path + " does not exist: build it first (./mvnw -pl e2e -am verify builds it)");
    }
    return path;
  }

  private static Path directory(Path dir) {
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

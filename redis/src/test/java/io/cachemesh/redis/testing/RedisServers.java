package io.cachemesh.redis.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;

/**
 * Starts real redis-server processes for tests: Debian's {@code redis-server} when it is on PATH,
 * else the Linux binary shipped inside the embedded-redis jar, extracted once and run as a plain
 * process (so tests can kill -9 and restart it). {@code -Dcachemesh.redis.binary=embedded} forces
 * the shipped binary; any other value is taken as the path of a redis-server.
 */
public final class RedisServers {
  private static Path binary;

  private RedisServers() {}

  /** A standalone server on a random loopback port, with append-only persistence (fsync always). */
  public static RedisProcess start(String... extraArgs) {
    RedisProcess process = create(freePort(false), tempDir("redis-"), List.of(extraArgs));
    process.start();
    return process;
  }

  static RedisProcess create(int port, Path dataDir, List<String> extraArgs) {
    List<String> arguments = new java.util.ArrayList<>(List.of(
        "--port", Integer.toString(port), "--bind", "127.0.0.1", "--dir", dataDir.toString(),
        "--save", "", "--appendonly", "yes", "--appendfsync", "always", "--protected-mode", "no",
        "--daemonize", "no", "--loglevel", "warning"));
    arguments.addAll(extraArgs);
    return new RedisProcess(binary(), port, dataDir, arguments);
  }

  /** A Sentinel on a random loopback port monitoring {@code master} as {@code masterName} (quorum 1). */
  public static RedisProcess startSentinel(RedisProcess master, String masterName) {
    int port = freePort(false);
    Path dir = tempDir("redis-sentinel-");
    Path config = dir.resolve("sentinel.conf");
    try {
      Files.writeString(config, String.join("\n",
          "port " + port,
          "bind 127.0.0.1",
          "dir " + dir,
          "sentinel monitor " + masterName + " 127.0.0.1 " + master.port() + " 1",
          "sentinel down-after-milliseconds " + masterName + " 5000",
          ""));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    RedisProcess sentinel = new RedisProcess(binary(), port, dir, List.of(config.toString(), "--sentinel"));
    sentinel.start();
    return sentinel;
  }

  /** A Redis Cluster of {@code masters} masters on loopback, slots split evenly, state ok. */
  public static RedisClusterProcesses startCluster(int masters) {
    return RedisClusterProcesses.start(masters);
  }

  public static synchronized Path binary() {
    if (binary != null) {
      return binary;
    }
    String forced = System.getProperty("cachemesh.redis.binary", "");
    if (forced.isEmpty()) {
      for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
        Path candidate = Path.of(dir, "redis-server");
        if (!dir.isEmpty() && Files.isExecutable(candidate)) {
          binary = candidate;
          return binary;
        }
      }
    } else if (!forced.equals("embedded")) {
      binary = Path.of(forced);
      return binary;
    }
    binary = extractShipped();
    return binary;
  }

  private static Path extractShipped() {
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String resource;
    if (os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64"))) {
      resource = "/redis-server-6.2.6-v5-linux-amd64";
    } else if (os.contains("linux") && arch.equals("aarch64")) {
      resource = "/redis-server-6.2.7-linux-arm64";
    } else if (os.contains("mac") && arch.equals("aarch64")) {
      resource = "/redis-server-6.2.6-v5-darwin-arm64";
    } else if (os.contains("mac")) {
      resource = "/redis-server-6.2.6-v5-darwin-amd64";
    } else {
      throw new IllegalStateException("no redis-server on PATH and embedded-redis ships none for " + os + "/" + arch);
    }
    try (InputStream in = redis.embedded.RedisServer.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("embedded-redis jar does not contain " + resource);
      }
      Path dir = tempDir("redis-bin-");
      Path target = dir.resolve("redis-server");
      // Registered dir first: deleteOnExit runs in reverse order, so the file goes before its directory.
      dir.toFile().deleteOnExit();
      target.toFile().deleteOnExit();
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      if (!target.toFile().setExecutable(true)) {
        throw new IllegalStateException("cannot make " + target + " executable");
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A free loopback port; with {@code clusterBus}, port + 10000 is free too. */
  public static int freePort(boolean clusterBus) {
    for (int attempt = 0; attempt < 100; attempt++) {
      try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
        int port = socket.getLocalPort();
        if (!clusterBus) {
          return port;
        }
        if (port + 10000 <= 65535) {
          try (ServerSocket bus = new ServerSocket(port + 10000, 0, InetAddress.getLoopbackAddress())) {
            return port;
          } catch (IOException busy) {
            // try another
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw new IllegalStateException("no free loopback port pair found");
  }

  static Path tempDir(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package io.cachemesh.e2e.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import redis.clients.jedis.RedisClient;

/**
 * A real redis-server on a free loopback port: Debian's {@code redis-server} when it is on PATH,
 * else the Linux binary inside the embedded-redis jar, run as a plain process (so a test can kill
 * and restart it). {@code -Dcachemesh.redis.binary=PATH} forces a binary.
 */
public final class RedisProcess implements AutoCloseable {
  private static final Pattern READY = Pattern.compile("Ready to accept connections");
  private static Path binary;

  private final ManagedProcess process;
  private final int port;
  private final RedisClient client;

  private RedisProcess(ManagedProcess process, int port) {
    this.process = process;
    this.port = port;
    this.client = RedisClient.create("127.0.0.1", port);
  }

  public static RedisProcess start() {
    int port = E2eDirs.freePort();
    Path dir = E2eDirs.workDir("redis");
    ManagedProcess process = ManagedProcess.start("redis", List.of(binary().toString(),
        "--port", Integer.toString(port), "--bind", "127.0.0.1", "--dir", dir.toString(), "--save", "",
        "--appendonly", "no", "--protected-mode", "no", "--daemonize", "no", "--loglevel", "notice"), Map.of());
    try {
      process.awaitLog(READY, Duration.ofSeconds(20));
    } catch (RuntimeException e) {
      process.close();
      throw e;
    }
    return new RedisProcess(process, port);
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** For assertions on what the product wrote (stream lengths, keys). */
  public RedisClient client() {
    return client;
  }

  @Override
  public void close() {
    client.close();
    process.close();
  }

  private static synchronized Path binary() {
    if (binary != null) {
      return binary;
    }
    String forced = System.getProperty("cachemesh.redis.binary", "");
    if (!forced.isEmpty()) {
      binary = Path.of(forced);
      return binary;
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir, "redis-server");
      if (!dir.isEmpty() && Files.isExecutable(candidate)) {
        binary = candidate;
        return binary;
      }
    }
    binary = extractShipped();
    return binary;
  }

  private static Path extractShipped() {
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    String resource = switch (arch) {
      case "amd64", "x86_64" -> "/redis-server-6.2.6-v5-linux-amd64";
      case "aarch64" -> "/redis-server-6.2.7-linux-arm64";
      default -> throw new IllegalStateException("no redis-server on PATH and embedded-redis ships none for " + arch);
    };
    try (InputStream in = redis.embedded.RedisServer.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("embedded-redis jar does not contain " + resource);
      }
      Path target = E2eDirs.workDir("redis-bin").resolve("redis-server");
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      if (!target.toFile().setExecutable(true)) {
        throw new IllegalStateException("cannot make " + target + " executable");
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

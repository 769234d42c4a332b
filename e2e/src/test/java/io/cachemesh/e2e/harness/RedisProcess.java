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
import redis.clients.jedis.params.XAddParams;

/**
 * A real redis-server on a free loopback port: Debian's {@code redis-server} when it is on PATH,
 * else the Linux binary inside the embedded-redis jar, run as a plain process (so a test can kill
 * and restart it). {@code -Dcachemesh.redis.binary=PATH} forces a binary.
 */
public final class RedisProcess implements AutoCloseable {
  private static final Pattern READY = Pattern.compile("Ready to accept connections");
  private static Path binary;

  private final int port;
  private volatile RedisClient client;
  private volatile ManagedProcess process;

  private RedisProcess(int port) {
    this.port = port;
    this.process = launch(port);
    this.client = RedisClient.create("127.0.0.1", port);
  }

  public static RedisProcess start() {
    return new RedisProcess(E2eDirs.freePort());
  }

  /** Without persistence: a restarted Redis is empty, as a crashed cache-only Redis comes back. */
  private static ManagedProcess launch(int port) {
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
    return process;
  }

  /** The invalidation stream of a policy in the harness's namespace. */
  public static String stream(String policy) {
    return "cm:{" + E2eEnvironment.NAMESPACE + "/" + policy + "}:events";
  }

  /**
   * XADD to a stream as an application publishes (redis-py's {@code xadd(..., maxlen=N,
   * approximate=...)}); returns the entry's id.
   */
  public String xadd(String stream, Map<String, String> fields, long maxLen, boolean approximate) {
    XAddParams params = XAddParams.xAddParams().maxLen(maxLen);
    return client.xadd(stream, approximate ? params.approximateTrimming() : params.exactTrimming(), fields).toString();
  }

  public boolean isRunning() {
    return process.isAlive();
  }

  /** SIGKILL: every connection drops at once and the data is gone. */
  public void kill() {
    process.kill();
  }

  /** A new, empty Redis on the same port (what the sidecars' Secret names), after {@link #kill()}. */
  public void restart() {
    if (process.isAlive()) {
      throw new IllegalStateException("redis is still running: kill it first");
    }
    process = launch(port);
    // The old pool's connections died with the old server.
    client.close();
    client = RedisClient.create("127.0.0.1", port);
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

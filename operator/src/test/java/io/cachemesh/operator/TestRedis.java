package io.cachemesh.operator;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import redis.clients.jedis.RedisClient;
import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;

/**
 * A real Redis on a random loopback port: the {@code redis-server} on PATH when there is one, else
 * the binary embedded-redis ships. Append-only with fsync always, so that a stop and a start on the
 * same port keep the data, as a Redis restart in production does.
 */
public final class TestRedis implements AutoCloseable {
  private final int port;
  private final Path dir;
  private RedisServer server;
  private RedisClient client;

  public TestRedis() {
    try {
      this.port = freePort();
      this.dir = Files.createTempDirectory("cachemesh-redis");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    start();
  }

  public void start() {
    try {
      server = RedisServer.newRedisServer()
          .executableProvider(executable())
          .bind("127.0.0.1")
          .port(port)
          .setting("appendonly yes")
          .setting("appendfsync always")
          .setting("dir " + dir)
          .build();
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public synchronized void stop() {
    // The test's own connections die with the server; a fresh client is made after a restart.
    if (client != null) {
      client.close();
      client = null;
    }
    try {
      server.stop();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return port;
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** A client for the test itself (the operator builds its own from the Secret). */
  public synchronized RedisClient client() {
    if (client == null) {
      client = RedisClient.create("127.0.0.1", port);
    }
    return client;
  }

  @Override
  public synchronized void close() {
    if (server != null && server.isActive()) {
      stop();
    } else if (client != null) {
      client.close();
    }
  }

  private static ExecutableProvider executable() {
    try {
      return ExecutableProvider.newExecutableInPath("redis-server");
    } catch (FileNotFoundException notOnPath) {
      return ExecutableProvider.newJarResourceProvider();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}

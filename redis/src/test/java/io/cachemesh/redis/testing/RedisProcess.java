package io.cachemesh.redis.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** One redis-server process this test owns: kill -9 it, restart it on the same port and data dir. */
public final class RedisProcess implements AutoCloseable {
  private final Path binary;
  private final int port;
  private final Path dataDir;
  private final List<String> arguments;
  private Process process;

  /** @param arguments everything after the binary; the process must listen on {@code port} */
  RedisProcess(Path binary, int port, Path dataDir, List<String> arguments) {
    this.binary = binary;
    this.port = port;
    this.dataDir = dataDir;
    this.arguments = List.copyOf(arguments);
    Runtime.getRuntime().addShutdownHook(new Thread(this::kill));
  }

  public synchronized void start() {
    if (process != null && process.isAlive()) {
      return;
    }
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.addAll(arguments);
    try {
      process = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("redis.log").toFile()))
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + binary, e);
    }
    Process started = process;
    Await.until(Duration.ofSeconds(15), "redis-server on port " + port + " answering PING (log: " + log() + ")",
        () -> {
          if (!started.isAlive()) {
            throw new AssertionError("redis-server exited with " + started.exitValue() + ": " + log());
          }
          return pings();
        });
  }

  /** SIGKILL: no shutdown, no final save; the append-only file holds every acknowledged write. */
  public synchronized void kill() {
    if (process != null) {
      process.destroyForcibly();
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** SIGSTOP: the server keeps its sockets open and answers nothing, as a hung or overloaded Redis. */
  public void pause() {
    signal("-STOP");
  }

  public void resume() {
    signal("-CONT");
  }

  private synchronized void signal(String signal) {
    try {
      int exit = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start().waitFor();
      if (exit != 0) {
        throw new IllegalStateException("kill " + signal + " exited with " + exit);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public void restart() {
    kill();
    start();
  }

  public int port() {
    return port;
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  public Path dataDir() {
    return dataDir;
  }

  private boolean pings() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      socket.setSoTimeout(500);
      socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      byte[] reply = new byte[7];
      int read = socket.getInputStream().read(reply);
      return read > 0 && new String(reply, 0, read, StandardCharsets.US_ASCII).startsWith("+PONG");
    } catch (IOException notYet) {
      return false;
    }
  }

  private String log() {
    try {
      Path log = dataDir.resolve("redis.log");
      return Files.exists(log) ? Files.readString(log).strip() : "";
    } catch (IOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    kill();
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

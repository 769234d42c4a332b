package io.cachemesh.e2e.harness;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The origin process ({@link OriginAppMain}) and its test-facing controls. */
public final class OriginApp implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("event=origin_listening port=(\\d+)");
  private final ManagedProcess process;
  private final int port;

  private OriginApp(ManagedProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  public static OriginApp start() {
    ManagedProcess process = ManagedProcess.start("origin", Jvm.testMain(OriginAppMain.class, "128m", List.of()), Map.of());
    try {
      return new OriginApp(process, Integer.parseInt(process.awaitLog(LISTENING, Duration.ofSeconds(30))));
    } catch (RuntimeException e) {
      process.close();
      throw e;
    }
  }

  public int port() {
    return port;
  }

  /** Requests that reached {@code path} (query ignored). */
  public long hits(String path) {
    return Long.parseLong(Http.get("http://127.0.0.1:" + port + "/__hits?path="
        + java.net.URLEncoder.encode(path, java.nio.charset.StandardCharsets.UTF_8)).body().trim());
  }

  /** While on, every application route answers 503. */
  public void failing(boolean on) {
    Http.get("http://127.0.0.1:" + port + "/__admin/fail?on=" + on);
  }

  @Override
  public void close() {
    process.close();
  }
}

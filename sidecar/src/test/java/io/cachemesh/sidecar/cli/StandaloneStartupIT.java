package io.cachemesh.sidecar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.sidecar.Main;
import io.cachemesh.sidecar.testing.ProcessLines;
import io.cachemesh.sidecar.testing.TestOrigin;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The real process: started as a child JVM, the way the README runs it. */
class StandaloneStartupIT {
  @TempDir Path dir;
  private Process process;

  @AfterEach
  void stop() throws Exception {
    if (process != null && process.isAlive()) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private Process start(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    process = new ProcessBuilder(command).redirectErrorStream(true).start();
    return process;
  }

  private static String output(Process p) throws Exception {
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static Stream<Arguments> invalidPolicies() {
    String header = "apiVersion: cachemesh.io/v1alpha1\nkind: CachePolicy\nmetadata:\n  name: bad\nspec:\n";
    return Stream.of(
        Arguments.of(header + "  defaults:\n    ttl: 30s\n", "spec.upstream: is required"),
        Arguments.of(header + "  upstream:\n    port: 8000\n  defaults:\n    tll: 30s\n", "spec.defaults.tll: unknown field"),
        Arguments.of("kind: [unclosed\n", "(document): is not valid YAML"));
  }

  @ParameterizedTest
  @MethodSource("invalidPolicies")
  void invalidPolicyRefusesToStartNamingTheField(String yaml, String fieldError) throws Exception {
    Path policy = dir.resolve("bad.yaml");
    Files.writeString(policy, yaml);
    Process p = start("--policy", policy.toString(), "--upstream", "http://127.0.0.1:9");

    String out = output(p);

    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(out).contains("is invalid").contains(fieldError);
  }

  @Test
  void helpDocumentsEveryFlagAndItsVariable() throws Exception {
    Process p = start("--help");

    String out = output(p);

    assertThat(p.exitValue()).isZero();
    for (Flag flag : OptionsParser.FLAGS) {
      assertThat(out).contains("--" + flag.name()).contains(flag.env());
    }
  }

  @Test
  void listenPortInUseFailsWithExitCodeOne() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Process p = start("--policy", "examples/dev-policy.yaml", "--upstream", "http://127.0.0.1:9",
          "--listen", "127.0.0.1:" + taken.getLocalPort(), "--admin-listen", "127.0.0.1:0", "--ops-listen", "127.0.0.1:0");

      String out = output(p);

      assertThat(p.exitValue()).isEqualTo(1);
      assertThat(out).contains("cannot start");
    }
  }

  @Test
  void unknownFlagIsAUsageError() throws Exception {
    Process p = start("--polcy", "x.yaml");

    String out = output(p);

    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(out).contains("unknown flag --polcy");
  }

  @Test
  void startsPrintsListenersAndRulesServesAndExitsCleanlyOnSigterm() throws Exception {
    Path policy = dir.resolve("dev.yaml");
    Files.copy(Path.of("examples/dev-policy.yaml"), policy);
    int listen = freePort();
    int ops = freePort();
    try (TestOrigin origin = new TestOrigin(); HttpClient client = HttpClient.newHttpClient()) {
      Process p = start("--policy", policy.toString(), "--upstream", origin.url(),
          "--listen", "127.0.0.1:" + listen, "--admin-listen", "127.0.0.1:" + freePort(), "--ops-listen", "127.0.0.1:" + ops);
      assertThat(new ProcessLines(p).until("role=ops"))
          .contains("role=proxy address=127.0.0.1:" + listen)
          .contains("role=admin")
          .contains("name=products methods=GET,HEAD path=template:/products/{id} cache=on ttl=30s")
          .contains("name=api-writes-and-admin methods=GET,HEAD path=prefix:/admin/ cache=off");

      HttpResponse<String> response = client.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + listen + "/products/1")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.body()).isEqualTo("hello /products/1");
      assertThat(client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ops + "/ready")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

      p.destroy();
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isZero();
    }
  }
}

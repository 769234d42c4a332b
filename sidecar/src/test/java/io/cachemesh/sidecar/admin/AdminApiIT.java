package io.cachemesh.sidecar.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cachemesh.api.compiled.ConfigJson;
import io.cachemesh.sidecar.http.HostPort;
import io.cachemesh.sidecar.http.SharedIo;
import io.cachemesh.sidecar.proxy.PassThroughEngine;
import io.cachemesh.sidecar.testing.SidecarFixture;
import io.cachemesh.sidecar.testing.TestOrigin;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AdminApiIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static TestOrigin origin;
  private static SidecarFixture sidecar;

  @BeforeAll
  static void start() throws Exception {
    origin = new TestOrigin();
    sidecar = SidecarFixture.standalone(origin.url());
  }

  @AfterAll
  static void stop() {
    sidecar.close();
    origin.close();
  }

  @Test
  void purgeByQueryParametersAnswersWithTheCount() throws Exception {
    HttpResponse<String> response = sidecar.post(sidecar.admin("/purge?kind=tag&value=product:1&value=product:2&soft=true"),
        "text/plain", "");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("purged").asLong()).isZero();
    assertThat(body.get("kind").asText()).isEqualTo("tag");
    assertThat(body.get("soft").asBoolean()).isTrue();
    assertThat(body.get("values")).hasSize(2);
  }

  @Test
  void purgeByJsonBody() throws Exception {
    HttpResponse<String> response = sidecar.post(sidecar.admin("/purge"), "application/json",
        "{\"kind\":\"prefix\",\"values\":[\"/products/\"]}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(response.body()).get("kind").asText()).isEqualTo("prefix");
  }

  static Stream<Arguments> badPurges() {
    return Stream.of(
        Arguments.of("/purge", "", "kind"),
        Arguments.of("/purge?kind=everything", "", "kind"),
        Arguments.of("/purge?kind=tag", "", "value"),
        Arguments.of("/purge?kind=path&value=no-slash", "", "value"),
        Arguments.of("/purge?kind=all&value=x", "", "value"),
        Arguments.of("/purge?kind=all&soft=maybe", "", "soft"),
        Arguments.of("/purge?kind=all&colour=red", "", "colour"),
        Arguments.of("/purge", "{not json", "(body)"),
        Arguments.of("/purge", "[1,2]", "(body)"),
        Arguments.of("/purge", "{\"kind\":{\"nested\":1}}", "kind"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("badPurges")
  void badPurgeIsRefusedNamingTheParameter(String target, String json, String parameter) throws Exception {
    HttpResponse<String> response = sidecar.post(sidecar.admin(target),
        json.isEmpty() ? "text/plain" : "application/json", json);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(response.body()).get("parameter").asText()).isEqualTo(parameter);
  }

  @Test
  void inspectOfAnUncachedUrlSaysSo() throws Exception {
    HttpResponse<String> response = sidecar.get(sidecar.admin("/inspect?url=/products/1%3Flang%3Den&host=shop"));

    assertThat(response.statusCode()).isEqualTo(404);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("cached").asBoolean()).isFalse();
    assertThat(body.get("url").asText()).isEqualTo("/products/1?lang=en");
  }

  @ParameterizedTest
  @MethodSource("badInspects")
  void badInspectIsRefusedNamingTheParameter(String query, String parameter) throws Exception {
    HttpResponse<String> response = sidecar.get(sidecar.admin("/inspect" + query));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(response.body()).get("parameter").asText()).isEqualTo(parameter);
  }

  static Stream<Arguments> badInspects() {
    return Stream.of(
        Arguments.of("", "url"),
        Arguments.of("?url=products", "url"),
        Arguments.of("?url=ftp://x/y", "url"),
        Arguments.of("?url=/a&header=NoColon", "header"),
        Arguments.of("?url=/a&method=POST", "method"));
  }

  @Test
  void configIsTheCompiledJsonWithItsHash() throws Exception {
    HttpResponse<String> response = sidecar.get(sidecar.admin("/config"));

    assertThat(response.statusCode()).isEqualTo(200);
    var config = ConfigJson.read(response.body().getBytes());
    assertThat(config.rules()).extracting(r -> r.name()).containsExactly("products");
    assertThat(response.headers().firstValue("ETag")).hasValue("\"" + config.hash() + "\"");
  }

  @Test
  void wrongMethodIsRefused() throws Exception {
    HttpResponse<String> response = sidecar.get(sidecar.admin("/purge?kind=all"));
    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("Allow")).hasValue("POST");
    HttpResponse<String> post = sidecar.client.send(HttpRequest.newBuilder(sidecar.admin("/config"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
  }

  @Test
  void adminListenerRefusesANonLoopbackAddress() {
    try (var executor = Executors.newVirtualThreadPerTaskExecutor(); SharedIo io = new SharedIo(1)) {
      assertThatThrownBy(() -> new AdminServer(new HostPort("0.0.0.0", 0), io, new PassThroughEngine(null), executor))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("loopback");
    }
  }
}

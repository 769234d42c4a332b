package io.cachemesh.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cachemesh.redis.RedisEndpoint.Mode;
import io.cachemesh.redis.RedisEndpoint.Node;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RedisEndpointTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      redis://localhost                          | STANDALONE | false | localhost:6379             | 0 |       |       |
      redis://10.0.0.5:7000/3                    | STANDALONE | false | 10.0.0.5:7000              | 3 |       |       |
      redis://app:s3cret@redis:6380/1            | STANDALONE | false | redis:6380                 | 1 |       | app   | s3cret
      redis://:only-pass@redis                   | STANDALONE | false | redis:6379                 | 0 |       |       | only-pass
      rediss://user:p%40ss@redis.example.com     | STANDALONE | true  | redis.example.com:6379     | 0 |       | user  | p@ss
      redis://[::1]:6390                         | STANDALONE | false | [::1]:6390                 | 0 |       |       |
      redis-cluster://a:7000,b:7001,c            | CLUSTER    | false | a:7000,b:7001,c:6379       | 0 |       |       |
      redis-sentinel://s1:26379,s2/mymaster      | SENTINEL   | false | s1:26379,s2:26379          | 0 | mymaster |    |
      redis-sentinel://s1/mymaster/4             | SENTINEL   | false | s1:26379                   | 4 | mymaster |    |
      """)
  void parsesEverySupportedForm(String url, Mode mode, boolean tls, String nodes, int db, String master, String user, String password) {
    RedisEndpoint endpoint = RedisEndpoint.parse(url, null, null, null);

    assertThat(endpoint.mode()).isEqualTo(mode);
    assertThat(endpoint.tls()).isEqualTo(tls);
    assertThat(String.join(",", endpoint.nodes().stream().map(Node::toString).toList())).isEqualTo(nodes);
    assertThat(endpoint.database()).isEqualTo(db);
    assertThat(endpoint.masterName()).isEqualTo(master);
    assertThat(endpoint.username()).isEqualTo(user);
    assertThat(endpoint.password()).isEqualTo(password);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      ''                                   | redis url: is empty
      localhost:6379                       | scheme: missing
      http://localhost                     | scheme: 'http' is not one of
      redis://                             | host: missing
      redis://localhost:notaport           | port: 'notaport' is not a number
      redis://localhost:70000              | port: 70000 is not in 1..65535
      redis://localhost/abc                | database: 'abc' is not a number
      redis://localhost/1/2                | database: '1/2' must be one number
      redis://a:1,b:2                      | hosts: redis:// takes one host
      redis-cluster://a:1,,b:2             | hosts: empty entry
      redis-cluster://a:1/2                | database: Redis Cluster has only database 0
      redis-sentinel://s1:26379            | master name: redis-sentinel://hosts/<master-name>
      redis-sentinel://s1/m/1/2            | database: 'm/1/2' has too many parts
      redis://bad host:1                   | host: 'bad host' is not a host name
      redis://[::1:6379                    | host: '[::1:6379' has an unclosed [
      """)
  void refusesBadUrlsNamingTheWrongPart(String url, String message) {
    assertThatThrownBy(() -> RedisEndpoint.parse(url, null, null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void explicitCredentialsOverrideTheUrlAndThePasswordNeverShows() {
    RedisEndpoint endpoint = RedisEndpoint.parse("redis://urluser:urlpass@h:1", "secretuser", "secretpass", null);

    assertThat(endpoint.username()).isEqualTo("secretuser");
    assertThat(endpoint.password()).isEqualTo("secretpass");
    assertThat(endpoint.toString()).isEqualTo("redis://secretuser:***@h:1").doesNotContain("secretpass");
  }

  @Test
  void aCaFileNeedsTls() {
    assertThatThrownBy(() -> RedisEndpoint.parse("redis://h:1", null, null, Path.of("/ca.crt")))
        .hasMessageContaining("scheme: a CA file is given but 'redis://' is not TLS");
    assertThat(RedisEndpoint.parse("rediss://h:1", null, null, Path.of("/ca.crt")).caFile()).isEqualTo(Path.of("/ca.crt"));
  }

  @Test
  void anEndpointNeedsANode() {
    assertThatThrownBy(() -> new RedisEndpoint(Mode.CLUSTER, List.of(), false, 0, null, null, null, null))
        .hasMessageContaining("hosts: at least one");
  }
}

package io.cachemesh.sidecar.key;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.api.Scope;
import io.cachemesh.api.compiled.KeySpec;
import io.cachemesh.sidecar.engine.HeaderList;
import io.cachemesh.sidecar.engine.Requests;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyFactoryTest {
  private static KeySpec spec(List<String> headers, List<String> cookies) {
    return new KeySpec(headers, cookies, KeySpec.QueryMode.ALL, List.of(), true);
  }

  @Test
  void getAndHeadShareTheMethodClassAndTheKeyCarriesPrefixAndVersion() {
    KeyFactory f = new KeyFactory("cm:{ns/p}:", 3, spec(List.of(), List.of()), Scope.SHARED);
    String get = f.keyFor(Requests.get("/a?b=1&a=2")).primary();
    assertThat(get).isEqualTo("cm:{ns/p}:v3:G:http://shop.example/a?a=2&b=1");
    assertThat(f.keyFor(Requests.head("/a?a=2&b=1")).primary()).isEqualTo(get);
  }

  @Test
  void headerValuesCannotForgeKeySeparators() {
    KeyFactory f = new KeyFactory("p:", 0, spec(List.of("x-a", "x-b"), List.of()), Scope.SHARED);
    String forged = f.keyFor(Requests.get("/", "X-A", "1|h:x-b=2")).primary();
    String real = f.keyFor(Requests.get("/", "X-A", "1", "X-B", "2")).primary();
    assertThat(forged).isNotEqualTo(real);
  }

  @Test
  void absentAndEmptyHeadersAreDifferentKeys() {
    KeyFactory f = new KeyFactory("p:", 0, spec(List.of("x-a"), List.of()), Scope.SHARED);
    assertThat(f.keyFor(Requests.get("/")).primary()).isNotEqualTo(f.keyFor(Requests.get("/", "X-A", "")).primary());
  }

  @Test
  void namedCookiesAreHashedAndOrderIndependent() {
    KeyFactory f = new KeyFactory("p:", 0, spec(List.of(), List.of("a", "b")), Scope.SHARED);
    String k1 = f.keyFor(Requests.get("/", "Cookie", "a=1; b=2")).primary();
    String k2 = f.keyFor(Requests.get("/", "Cookie", "b=2", "Cookie", "a=1")).primary();
    assertThat(k1).isEqualTo(k2).contains("|c:a=" + IdentityHash.of("1")).doesNotContain("a=1");
  }

  @Test
  void variantDependsOnTheVaryNamedValuesOnly() {
    List<String> vary = List.of("accept-encoding");
    assertThat(KeyFactory.variant(vary, HeaderList.of("Accept-Encoding", "gzip, br", "X-Other", "1")))
        .isEqualTo(KeyFactory.variant(vary, HeaderList.of("accept-encoding", "gzip,br")))
        .isNotEqualTo(KeyFactory.variant(vary, HeaderList.of("Accept-Encoding", "br")));
    assertThat(KeyFactory.variant(List.of(), HeaderList.EMPTY)).isEmpty();
  }
}

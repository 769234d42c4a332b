package io.cachemesh.sidecar.semantics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CacheControlTest {
  @Test
  void parsesDirectivesCaseInsensitivelyAcrossFields() {
    CacheControl cc = CacheControl.parse(List.of("Public, MAX-AGE=60", "s-maxage=\"120\", stale-while-revalidate=30, stale-if-error=90"));
    assertThat(cc.isPublic()).isTrue();
    assertThat(cc.maxAge()).isEqualTo(60);
    assertThat(cc.sMaxAge()).isEqualTo(120);
    assertThat(cc.staleWhileRevalidate()).isEqualTo(30);
    assertThat(cc.staleIfError()).isEqualTo(90);
  }

  @Test
  void qualifiedPrivateAndNoCacheCountAsTheirStricterForm() {
    CacheControl cc = CacheControl.parse("private=\"Set-Cookie, X\", no-cache=\"Set-Cookie\"");
    assertThat(cc.isPrivate()).isTrue();
    assertThat(cc.noCache()).isTrue();
    assertThat(cc.maxAge()).isEqualTo(-1);
  }

  @Test
  void invalidMaxAgeMeansStaleAndHugeValuesAreCapped() {
    assertThat(CacheControl.parse("max-age=abc").maxAge()).isZero();
    assertThat(CacheControl.parse("max-age=99999999999999999999").maxAge()).isEqualTo(2147483648L);
    assertThat(CacheControl.parse("max-stale").maxStale()).isGreaterThan(1_000_000_000L);
    assertThat(CacheControl.parse("").maxAge()).isEqualTo(-1);
  }
}

package io.cachemesh.sidecar.bench;

import io.cachemesh.sidecar.semantics.CacheControl;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/** Cache-Control parsing of typical origin values. */
public class CacheControlBenchmark extends HotPathBenchmark {
  @Param({
      "public, max-age=3600",
      "no-store",
      "public, max-age=60, s-maxage=300, stale-while-revalidate=30, stale-if-error=86400",
      "private, no-cache=\"Set-Cookie\", must-revalidate"})
  public String value;

  @Benchmark
  public CacheControl parse() {
    return CacheControl.parse(value);
  }
}

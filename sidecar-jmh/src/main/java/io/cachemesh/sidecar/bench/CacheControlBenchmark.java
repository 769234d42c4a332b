package io.cachemesh.sidecar.bench;

import io.cachemesh.sidecar.semantics.CacheControl;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Cache-Control parsing of typical origin values. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class CacheControlBenchmark {
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

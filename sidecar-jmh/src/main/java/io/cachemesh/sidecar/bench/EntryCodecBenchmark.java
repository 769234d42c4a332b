package io.cachemesh.sidecar.bench;

import io.cachemesh.sidecar.cache.EntryCodec;
import io.cachemesh.sidecar.cache.StoredResponse;
import io.cachemesh.sidecar.engine.HeaderList;
import java.io.IOException;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/** The shared tier's entry format: encode and decode of an entry with tags and a few headers. */
public class EntryCodecBenchmark extends HotPathBenchmark {
  @Param({"1024", "32768"})
  public int bodyBytes;

  private StoredResponse entry;
  private byte[] encoded;

  @Setup
  public void setup() {
    long now = System.currentTimeMillis();
    entry = new StoredResponse("bench:bench:v1:G:http://127.0.0.1:18080/products/42", "bench:bench:v1:G:http://127.0.0.1:18080/products/42",
        "/products/42", "default", 200,
        HeaderList.of("Content-Type", "text/html; charset=utf-8", "Cache-Control", "public, max-age=3600",
            "ETag", "\"abc123\"", "Last-Modified", "Mon, 23 Nov 2026 06:00:00 GMT"),
        new byte[bodyBytes], now, now, 0, 3_600_000, 0, 0, false, false,
        List.of("product:42", "category:7"), List.of(), 0);
    encoded = EntryCodec.encode(entry);
  }

  @Benchmark
  public byte[] encode() {
    return EntryCodec.encode(entry);
  }

  @Benchmark
  public StoredResponse decode() throws IOException {
    return EntryCodec.decode(encoded);
  }
}

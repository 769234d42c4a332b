package io.cachemesh.sidecar.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The output of a child process, line by line, read on a virtual thread as it comes. */
public final class ProcessLines {
  private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();

  public ProcessLines(Process process) {
    Thread.ofVirtual().start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        r.lines().forEach(lines::add);
      } catch (IOException e) {
        lines.add("read failed: " + e);
      }
    });
  }

  /** Every line up to and including the first containing {@code marker}; fails after 30 s of silence. */
  public String until(String marker) throws InterruptedException {
    List<String> seen = new ArrayList<>();
    while (seen.stream().noneMatch(l -> l.contains(marker))) {
      String line = lines.poll(30, TimeUnit.SECONDS);
      assertThat(line).as("output so far, waiting for '%s': %s", marker, seen).isNotNull();
      seen.add(line);
    }
    return String.join("\n", seen);
  }
}

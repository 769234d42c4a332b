package io.cachemesh.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.sidecar.testing.ProcessLines;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The startup times the process logs are measured on monotonic clocks and fit inside what an observer sees. */
class StartupTimeIT {
  private Process process;

  @AfterEach
  void stop() throws Exception {
    if (process != null && process.isAlive()) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void loggedStartupTimesAreConsistentAndNoLongerThanTheObservedStart() throws Exception {
    long before = System.nanoTime();
    process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "--policy", "examples/dev-policy.yaml", "--upstream", "http://127.0.0.1:9",
        "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0", "--ops-listen", "127.0.0.1:0"))
        .redirectErrorStream(true).start();
    ProcessLines lines = new ProcessLines(process);

    String started = lines.until("event=started");
    long observedStartMillis = (System.nanoTime() - before) / 1_000_000;
    String measured = lines.until("event=startup_measured");

    long startupMs = field(started, "startup_ms");
    long jvmToMain = field(measured, "jvm_to_main_ms");
    long mainToReady = field(measured, "main_to_ready_ms");
    long processToReady = field(measured, "process_to_ready_ms");
    assertThat(mainToReady).isEqualTo(startupMs);
    assertThat(jvmToMain).isNotNegative();
    assertThat(processToReady).isEqualTo(jvmToMain + mainToReady);
    // The observer started its clock before the process existed and stopped it after reading the line.
    assertThat(processToReady).isBetween(startupMs, observedStartMillis);
  }

  private static long field(String output, String name) {
    Matcher m = Pattern.compile("\\b" + name + "=(-?\\d+)").matcher(output);
    assertThat(m.find()).as("%s in %s", name, output).isTrue();
    return Long.parseLong(m.group(1));
  }

}

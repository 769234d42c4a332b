package io.cachemesh.e2e.harness;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads samples out of a Prometheus text exposition (the sidecar's and the operator's /metrics). */
public final class Metrics {
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)})? (\\S+)$", Pattern.MULTILINE);

  private Metrics() {}

  /** The sum of the samples of {@code name} whose labels include every one of {@code labels}; 0 when none. */
  public static double sum(String exposition, String name, Map<String, String> labels) {
    double total = 0;
    Matcher m = SAMPLE.matcher(exposition);
    while (m.find()) {
      if (m.group(1).equals(name) && hasLabels(m.group(3) == null ? "" : m.group(3), labels)) {
        total += Double.parseDouble(m.group(4));
      }
    }
    return total;
  }

  private static boolean hasLabels(String labelText, Map<String, String> labels) {
    return labels.entrySet().stream().allMatch(e -> labelText.contains(e.getKey() + "=\"" + e.getValue() + "\""));
  }
}

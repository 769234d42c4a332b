package io.cachemesh.sidecar.config;

import io.cachemesh.api.compiled.CompiledConfig;
import io.cachemesh.api.compiled.CompiledRule;
import io.cachemesh.api.units.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** One line per rule, in match order, so a developer sees what would be cached and why. */
public final class RuleSummary {
  private RuleSummary() {}

  public static List<String> lines(CompiledConfig config) {
    List<String> out = new ArrayList<>(config.rules().size() + 1);
    int i = 1;
    for (CompiledRule rule : config.rules()) {
      out.add(line("rule " + i++, rule));
    }
    out.add(line("default", config.defaults()));
    return out;
  }

  private static String line(String position, CompiledRule rule) {
    StringBuilder s = new StringBuilder(128);
    s.append(position).append(" name=").append(rule.name())
        .append(" methods=").append(String.join(",", rule.methods()))
        .append(" path=").append(rule.path() == null ? "*"
            : rule.path().kind().name().toLowerCase(Locale.ROOT) + ":" + rule.path().value())
        .append(" cache=").append(rule.cache() ? "on" : "off");
    if (rule.cache()) {
      s.append(" ttl=").append(Durations.format(Duration.ofMillis(rule.ttlMillis())))
          .append(" precedence=").append(rule.precedence().name().toLowerCase(Locale.ROOT));
      if (rule.staleWhileRevalidateMillis() > 0) {
        s.append(" staleWhileRevalidate=").append(Durations.format(Duration.ofMillis(rule.staleWhileRevalidateMillis())));
      }
      if (rule.staleIfErrorMillis() > 0) {
        s.append(" staleIfError=").append(Durations.format(Duration.ofMillis(rule.staleIfErrorMillis())));
      }
      if (!rule.tags().isEmpty()) {
        s.append(" tags=").append(String.join(",", rule.tags()));
      }
    }
    return s.toString();
  }
}

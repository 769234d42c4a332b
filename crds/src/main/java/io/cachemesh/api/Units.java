package io.cachemesh.api;

/** Patterns shared by the CRD schema and the parsers, so both accept exactly the same strings. */
public final class Units {
  /** Kubernetes-style durations, one or more of number+unit: 500ms, 30s, 5m, 1h30m, 7d. */
  public static final String DURATION_PATTERN = "^([0-9]+(ms|s|m|h|d))+$";
  /** Kubernetes binary or decimal quantities without fractions: 64Mi, 1Gi, 512Ki, 100M, 4096. */
  public static final String SIZE_PATTERN = "^[0-9]+(Ki|Mi|Gi|k|M|G)?$";

  private Units() {}
}

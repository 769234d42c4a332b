package io.cachemesh.e2e.harness;

import io.cachemesh.api.CachePolicy;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.Optional;

/** Reads a CachePolicy's status conditions. */
public final class Conditions {
  private Conditions() {}

  public static Optional<Condition> of(CachePolicy policy, String type) {
    if (policy == null || policy.getStatus() == null || policy.getStatus().conditions() == null) {
      return Optional.empty();
    }
    return policy.getStatus().conditions().stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  public static boolean isTrue(CachePolicy policy, String type) {
    return of(policy, type).map(c -> "True".equals(c.getStatus())).orElse(false);
  }
}

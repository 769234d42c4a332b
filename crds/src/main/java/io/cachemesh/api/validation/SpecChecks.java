package io.cachemesh.api.validation;

import io.cachemesh.api.CachePolicySpec;
import io.cachemesh.api.InvalidationSettings;
import io.cachemesh.api.MemoryTier;
import io.cachemesh.api.Tiers;
import io.cachemesh.api.compiled.PolicyCompiler;
import io.cachemesh.api.units.Sizes;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.List;
import java.util.regex.Pattern;

/** Policy-wide settings: upstream port, keyspace, tiers, broker and invalidation. */
final class SpecChecks {
  /** Kubernetes' IANA_SVC_NAME, the rule container port names follow. */
  private static final Pattern PORT_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?");
  private static final long MIN_MEMORY = 1L << 20;
  private static final long MAX_MEMORY = 64L << 30;
  private static final long DEFAULT_MEMORY = Sizes.parseBytes(PolicyCompiler.DEFAULT_MEMORY_MAX_SIZE);

  private SpecChecks() {}

  static void check(CachePolicySpec spec, List<FieldError> errors) {
    checkUpstream(spec, errors);
    if (spec.keyVersion() != null && spec.keyVersion() < 0) {
      errors.add(new FieldError("spec.keyVersion", "must be 0 or more (bump it by one to drop everything cached)"));
    }
    Tiers tiers = spec.tiers();
    if (tiers != null && tiers.memory() != null) {
      checkMemory(tiers.memory(), errors);
    }
    if (spec.broker() != null && PolicyValidator.isBlank(spec.broker().secretName())) {
      errors.add(new FieldError("spec.broker.secretName", "is required: name the Secret holding the Redis url"));
    }
    if (tiers != null && tiers.shared() != null && Boolean.TRUE.equals(tiers.shared().enabled()) && spec.broker() == null) {
      errors.add(new FieldError("spec.tiers.shared.enabled",
          "the shared tier needs a broker: set spec.broker.secretName, or set enabled: false"));
    }
    InvalidationSettings invalidation = spec.invalidation();
    if (invalidation != null && invalidation.tagHeader() != null && !HttpSyntax.isToken(invalidation.tagHeader())) {
      errors.add(new FieldError("spec.invalidation.tagHeader",
          "'" + invalidation.tagHeader() + "' is not a valid header name (letters, digits and !#$%&'*+-.^_`|~, e.g. Surrogate-Key)"));
    }
  }

  private static void checkUpstream(CachePolicySpec spec, List<FieldError> errors) {
    if (spec.upstream() == null) {
      errors.add(new FieldError("spec.upstream", "is required: say where the application listens (upstream.port)"));
      return;
    }
    IntOrString port = spec.upstream().port();
    if (port == null || (port.getIntVal() == null && port.getStrVal() == null)) {
      errors.add(new FieldError("spec.upstream.port", "is required: the name or number of the app container's port"));
    } else if (port.getIntVal() != null) {
      if (port.getIntVal() < 1 || port.getIntVal() > 65535) {
        errors.add(new FieldError("spec.upstream.port", "port " + port.getIntVal() + " is out of range: use 1..65535 or a port name"));
      }
    } else if (!isPortName(port.getStrVal())) {
      errors.add(new FieldError("spec.upstream.port", "'" + port.getStrVal()
          + "' is not a port name: use a number 1..65535, or the container port's name (at most 15 lowercase letters,"
          + " digits and '-', at least one letter, no leading, trailing or double '-')"));
    }
  }

  static boolean isPortName(String name) {
    return name.length() <= 15 && PORT_NAME.matcher(name).matches() && !name.contains("--")
        && name.chars().anyMatch(Character::isLetter);
  }

  private static void checkMemory(MemoryTier memory, List<FieldError> errors) {
    Long maxSize = size("spec.tiers.memory.maxSize", memory.maxSize(), errors);
    if (maxSize != null && (maxSize < MIN_MEMORY || maxSize > MAX_MEMORY)) {
      errors.add(new FieldError("spec.tiers.memory.maxSize", "must be between 1Mi and 64Gi"));
    }
    Long maxObject = size("spec.tiers.memory.maxObjectSize", memory.maxObjectSize(), errors);
    if (maxObject == null) {
      return;
    }
    if (maxObject <= 0) {
      errors.add(new FieldError("spec.tiers.memory.maxObjectSize", "must be more than 0"));
    } else if (memory.maxSize() == null && maxObject > DEFAULT_MEMORY) {
      errors.add(new FieldError("spec.tiers.memory.maxObjectSize",
          "must not exceed maxSize (" + PolicyCompiler.DEFAULT_MEMORY_MAX_SIZE + ", the default): lower it or set maxSize"));
    } else if (maxSize != null && maxObject > maxSize) {
      errors.add(new FieldError("spec.tiers.memory.maxObjectSize", "must not exceed maxSize (" + memory.maxSize() + ")"));
    }
  }

  private static Long size(String field, String text, List<FieldError> errors) {
    if (text == null) {
      return null;
    }
    try {
      return Sizes.parseBytes(text);
    } catch (IllegalArgumentException e) {
      errors.add(new FieldError(field, e.getMessage()));
      return null;
    }
  }
}

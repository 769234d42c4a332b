package io.cachemesh.api.validation;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;

/** Label selector requirements, with the operator and values rules Kubernetes applies. */
final class SelectorCheck {
  private SelectorCheck() {}

  static void check(LabelSelector selector, List<FieldError> errors) {
    if (selector == null || selector.getMatchExpressions() == null) {
      return;
    }
    List<LabelSelectorRequirement> expressions = selector.getMatchExpressions();
    for (int i = 0; i < expressions.size(); i++) {
      String at = "spec.selector.matchExpressions[" + i + "]";
      LabelSelectorRequirement requirement = expressions.get(i);
      if (requirement == null) {
        errors.add(new FieldError(at, "is empty: give a key and an operator"));
        continue;
      }
      if (PolicyValidator.isBlank(requirement.getKey())) {
        errors.add(new FieldError(at + ".key", "is required: the label key to test"));
      }
      boolean hasValues = requirement.getValues() != null && !requirement.getValues().isEmpty();
      String operator = requirement.getOperator();
      switch (operator == null ? "" : operator) {
        case "In", "NotIn" -> {
          if (!hasValues) {
            errors.add(new FieldError(at + ".values", "must be non-empty when operator is " + operator));
          }
        }
        case "Exists", "DoesNotExist" -> {
          if (hasValues) {
            errors.add(new FieldError(at + ".values", "must be empty when operator is " + operator));
          }
        }
        default -> errors.add(new FieldError(at + ".operator",
            "'" + operator + "' is not a selector operator: use In, NotIn, Exists or DoesNotExist"));
      }
    }
  }
}

package io.cachemesh.api.validation;

import io.cachemesh.api.compiled.CompiledPath;
import java.util.Set;

/**
 * What the cross-rule checks need of a rule, resolved as the compiler resolves it.
 *
 * @param methods upper-case methods the rule matches
 * @param path null when the rule matches every path
 * @param comparable false when the rule's match is invalid (already reported), so it is not
 *     compared with other rules
 */
record RuleView(int index, String name, Set<String> methods, CompiledPath path, boolean comparable) {
  String field() {
    return "spec.rules[" + index + "]";
  }
}

package io.cachemesh.e2e.harness;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives test classes the shared {@link E2eEnvironment}, started on first use and closed (every
 * process stopped) when the whole run ends, pass or fail: it lives in the root context's store.
 */
public final class E2eExtension implements ParameterResolver {
  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == E2eEnvironment.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context.getRoot().getStore(ExtensionContext.Namespace.create(E2eExtension.class))
        .computeIfAbsent(E2eEnvironment.class, key -> E2eEnvironment.start(), E2eEnvironment.class);
  }
}

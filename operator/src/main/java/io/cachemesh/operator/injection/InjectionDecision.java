package io.cachemesh.operator.injection;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/** What the injector decided for one pod, with the warnings the API server shows to the client. */
public sealed interface InjectionDecision {
  List<String> warnings();

  /** Inject: {@code pod} is the mutated pod, {@code policy} the name of the policy used. */
  record Inject(String policy, Pod pod, List<String> warnings) implements InjectionDecision {
    public Inject {
      warnings = List.copyOf(warnings);
    }
  }

  /** Leave the pod as it is, for {@code reason}; admission allows it. */
  record Skip(String reason, List<String> warnings) implements InjectionDecision {
    public Skip {
      warnings = List.copyOf(warnings);
    }
  }

  /** Refuse the pod (allowed=false) with {@code message}: only when the pod names a policy that does not exist. */
  record Refuse(String message, List<String> warnings) implements InjectionDecision {
    public Refuse {
      warnings = List.copyOf(warnings);
    }
  }
}

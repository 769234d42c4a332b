package io.cachemesh.operator.invalidation;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.api.CacheInvalidation;
import io.cachemesh.api.PurgeMode;
import io.cachemesh.api.broker.InvalidationEvent;
import io.cachemesh.operator.Fixtures;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ArgoCdHookExampleTest {
  @Test
  void postSyncHookExampleIsAPublishableInvalidationRecreatedAtEverySync() throws Exception {
    CacheInvalidation hook;
    try (InputStream in = Files.newInputStream(Path.of("..", "manifests", "examples", "argocd-postsync-purge.yaml"))) {
      hook = Serialization.unmarshal(in, CacheInvalidation.class);
    }

    assertThat(hook.getMetadata().getAnnotations())
        .containsEntry("argocd.argoproj.io/hook", "PostSync")
        .containsEntry("argocd.argoproj.io/hook-delete-policy", "BeforeHookCreation");
    InvalidationEvent event = InvalidationEvents.from(hook,
        Fixtures.policy(hook.getSpec().policyRef(), null, "redis", null), "operator");
    assertThat(event.mode()).isEqualTo(PurgeMode.SOFT);
    assertThat(event.tags()).isNotEmpty();
    assertThat(hook.getSpec().ttlSecondsAfterFinished()).isPositive();
  }
}

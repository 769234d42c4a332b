package io.cachemesh.operator.invalidation;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.api.CacheInvalidation;
import io.cachemesh.api.CacheInvalidationSpec;
import io.cachemesh.api.CacheInvalidationStatus;
import io.cachemesh.api.CacheInvalidationStatus.Phase;
import io.cachemesh.api.CachePolicy;
import io.cachemesh.api.broker.BrokerKeys;
import io.cachemesh.api.broker.Heartbeat;
import io.cachemesh.api.broker.InvalidationEvent;
import io.cachemesh.api.compiled.PolicyId;
import io.cachemesh.operator.Await;
import io.cachemesh.operator.Fixtures;
import io.cachemesh.operator.MockCluster;
import io.cachemesh.operator.ItEnvironment;
import io.cachemesh.operator.RunningOperator;
import io.cachemesh.operator.broker.PolicyBroker;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/** CacheInvalidation published by the real operator to a real Redis stream. */
class CacheInvalidationOperatorIT {
  private static final PolicyId CATALOG = new PolicyId(MockCluster.NAMESPACE, "catalog");
  @RegisterExtension
  final ItEnvironment.PerTest env = ItEnvironment.perTest(false);

  private Resource<CacheInvalidation> invalidation(String name) {
    return env.client().resources(CacheInvalidation.class).inNamespace(MockCluster.NAMESPACE).withName(name);
  }

  private CacheInvalidationStatus status(String name) {
    CacheInvalidation inv = invalidation(name).get();
    return inv == null ? null : inv.getStatus();
  }

  private void createPolicy() {
    env.client().resources(CachePolicy.class).inNamespace(MockCluster.NAMESPACE)
        .resource(Fixtures.policy("catalog", Map.of("app", "shop"), "redis", null)).create();
  }

  private List<StreamEntry> stream() {
    return env.redis().client().xrange(BrokerKeys.events(CATALOG), (StreamEntryID) null, (StreamEntryID) null);
  }

  private void letItReconcile(int times) {
    env.operator().awaitReconciles("CacheInvalidation", times);
  }

  @Test
  void publishesOnceAndNeverAgainAcrossAnOperatorRestart() throws Exception {
    createPolicy();
    env.startOperator();
    env.client().resources(CacheInvalidation.class).inNamespace(MockCluster.NAMESPACE)
        .resource(Fixtures.invalidation("purge-42", "catalog", List.of("product:42"), null)).create();

    Await.upTo10s().until(() -> status("purge-42") != null && status("purge-42").phase() == Phase.PUBLISHED);
    CacheInvalidationStatus published = status("purge-42");
    assertThat(stream()).singleElement().satisfies(entry -> {
      assertThat(entry.getID().toString()).isEqualTo(published.streamId());
      assertThat(InvalidationEvent.parse(entry.getFields()).tags()).containsExactly("product:42");
      assertThat(entry.getFields()).containsEntry("origin", "operator/shop/purge-42");
    });
    assertThat(Instant.parse(published.publishedAt())).isBeforeOrEqualTo(Instant.now());

    env.startOperator();
    letItReconcile(3);

    assertThat(stream()).hasSize(1);
    assertThat(status("purge-42").streamId()).isEqualTo(published.streamId());
  }

  @Test
  void anEventThatReachedTheStreamBeforeACrashIsRecordedNotPublishedAgain() {
    createPolicy();
    env.client().resources(CacheInvalidation.class).inNamespace(MockCluster.NAMESPACE)
        .resource(Fixtures.invalidation("purge-7", "catalog", List.of("product:7"), null)).create();
    CacheInvalidation created = invalidation("purge-7").get();
    String token = CacheInvalidationReconciler.token(created);
    // What a previous operator left: Pending written, XADD done, then it died before recording the id.
    invalidation("purge-7").editStatus(inv -> {
      inv.setStatus(new CacheInvalidationStatus(Phase.PENDING, null, null, "publishing", null, 1L));
      return inv;
    });
    Map<String, String> fields = new HashMap<>(new InvalidationEvent(List.of("product:7"), List.of(), List.of(), false,
        null, "operator/shop/purge-7").toFields());
    fields.put(PolicyBroker.TOKEN_FIELD, token);
    String earlier = env.redis().client().xadd(BrokerKeys.events(CATALOG), StreamEntryID.NEW_ENTRY, fields).toString();

    env.startOperator();

    Await.upTo10s().until(() -> status("purge-7").phase() == Phase.PUBLISHED);
    assertThat(status("purge-7").streamId()).isEqualTo(earlier);
    assertThat(stream()).hasSize(1);
  }

  @Test
  void aMissingPolicyFailsWithTheReasonAndPublishesAsSoonAsItAppears() {
    // A backoff far longer than the wait below: only the policy's appearance can trigger the publish.
    env.startOperator(RunningOperator.testSettings()
        .withTimings(RunningOperator.HEARTBEAT_INTERVAL, Duration.ofMinutes(5), Duration.ofMinutes(5)));
    env.client().resources(CacheInvalidation.class).inNamespace(MockCluster.NAMESPACE)
        .resource(Fixtures.invalidation("early", "catalog", List.of("product:1"), null)).create();

    Await.upTo10s().until(() -> status("early") != null && status("early").phase() == Phase.FAILED);
    assertThat(status("early").message()).contains("CachePolicy shop/catalog not found");

    createPolicy();

    Await.upTo10s().until(() -> status("early").phase() == Phase.PUBLISHED);
    assertThat(status("early").message()).isNull();
    assertThat(stream()).hasSize(1);
  }

  @Test
  void redisDownFailsWithTheReasonCountsTheFailureAndPublishesWhenItIsBack() {
    createPolicy();
    env.redis().stop();
    env.startOperator();
    CacheInvalidation byPath = Fixtures.invalidation("while-down", "catalog", null, null);
    byPath.setSpec(new CacheInvalidationSpec("catalog", null, List.of("/products/1"), null, null, null, null));
    env.client().resources(CacheInvalidation.class).inNamespace(MockCluster.NAMESPACE).resource(byPath).create();

    Await.upTo10s().until(() -> status("while-down") != null && status("while-down").phase() == Phase.FAILED);
    assertThat(status("while-down").message()).contains("unreachable");
    assertThat(env.operator().registry().get("cachemesh_operator_publish_failures").counter().count()).isPositive();
    Await.upTo10s().until(() -> !publishFailedEvents("while-down").isEmpty());
    // Retries every 200 ms to 1 s meanwhile: the same cause is never recorded twice.
    letItReconcile(4);
    List<Event> warnings = publishFailedEvents("while-down");
    assertThat(warnings).allSatisfy(e -> {
      assertThat(e.getType()).isEqualTo("Warning");
      assertThat(e.getMessage()).contains("unreachable", "retrying");
      assertThat(e.getInvolvedObject().getKind()).isEqualTo("CacheInvalidation");
      assertThat(e.getInvolvedObject().getUid()).isEqualTo(invalidation("while-down").get().getMetadata().getUid());
    });
    assertThat(warnings).extracting(Event::getMessage).doesNotHaveDuplicates();
    assertThat(status("while-down").phase()).isEqualTo(Phase.FAILED);

    env.redis().start();

    Await.upTo10s().until(() -> status("while-down").phase() == Phase.PUBLISHED);
    letItReconcile(2);
    assertThat(stream()).singleElement()
        .satisfies(e -> assertThat(e.getFields()).containsEntry("paths", "/products/1"));
  }

  @Test
  void aSpecTheEventCannotCarryFailsWithAnEventNamingTheFieldAndIsNotRetried() {
    createPolicy();
    env.startOperator();
    CacheInvalidation empty = Fixtures.invalidation("nothing", "catalog", null, null);
    env.client().resources(CacheInvalidation.class).inNamespace(MockCluster.NAMESPACE).resource(empty).create();

    Await.upTo10s().until(() -> !publishFailedEvents("nothing").isEmpty());
    assertThat(status("nothing").phase()).isEqualTo(Phase.FAILED);
    assertThat(publishFailedEvents("nothing")).singleElement().satisfies(e ->
        assertThat(e.getMessage()).contains("tags, paths, prefixes or all", "not retried"));
    assertThat(stream()).isEmpty();
  }

  private List<Event> publishFailedEvents(String name) {
    return env.client().v1().events().inNamespace(MockCluster.NAMESPACE).list().getItems().stream()
        .filter(e -> CacheInvalidationReconciler.PUBLISH_FAILED.equals(e.getReason()))
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  @Test
  void acknowledgementsAreCountedFromHeartbeatsAndTheObjectIsDeletedAfterItsTtl() {
    createPolicy();
    env.startOperator();
    env.client().resources(CacheInvalidation.class).inNamespace(MockCluster.NAMESPACE)
        .resource(Fixtures.invalidation("short-lived", "catalog", List.of("a"), 5)).create();
    Await.upTo10s().until(() -> status("short-lived") != null && status("short-lived").phase() == Phase.PUBLISHED);
    String streamId = status("short-lived").streamId();

    long now = Instant.now().toEpochMilli();
    for (var beat : List.of(
        new Heartbeat("shop-1", "h", "v", 0, 0, streamId, now),
        new Heartbeat("shop-2", "h", "v", 0, 0, "0-0", now))) {
      env.redis().client().hset(BrokerKeys.heartbeats(CATALOG), beat.pod(), beat.toJson());
      env.redis().client().zadd(BrokerKeys.heartbeatsSeen(CATALOG), now, beat.pod());
    }

    Await.upTo10s().until(() -> Integer.valueOf(1).equals(status("short-lived").acknowledgedPods()));
    Await.upTo10s().until(() -> invalidation("short-lived").get() == null);
    assertThat(stream()).hasSize(1);
  }
}

package io.cachemesh.operator.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cachemesh.api.CacheInvalidation;
import io.cachemesh.api.CachePolicy;
import io.cachemesh.api.validation.InvalidationValidator;
import io.cachemesh.api.validation.PolicyValidator;
import io.cachemesh.operator.injection.InjectionFixtures;
import io.cachemesh.operator.injection.SidecarInjector;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Whatever arrives, the answer is a review or a MalformedReviewException (400): never another exception (500). */
class AdmissionRobustnessTest {
  private static final String REVIEW = "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":%s}";
  private static final List<AdmissionHandler> HANDLERS = List.of(
      new PodInjectionHandler(new SidecarInjector(InjectionFixtures.NATIVE), PolicyLookup.fixed(
          List.of(InjectionFixtures.policy("catalog", null, null, new IntOrString("http"))), Map.of())),
      new ValidationHandler<>(CachePolicy.class, CachePolicy.KIND, new PolicyValidator()::validate),
      new ValidationHandler<>(CacheInvalidation.class, CacheInvalidation.KIND, new InvalidationValidator()::validate));

  @ParameterizedTest
  @ValueSource(strings = {"", "null", "[]", "42", "\"text\"", "{", "{\"apiVersion\":\"admission.k8s.io/v1\"}",
      "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\"}",
      "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":[]}",
      "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"\"}}",
      "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":{}}}"})
  void malformedReviewsAreRefusedWithAReason(String body) {
    assertThatThrownBy(() -> AdmissionReviews.parse(body.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(MalformedReviewException.class)
        .hasMessageMatching(".*(JSON|required|expected|malformed).*");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"uid\":\"u\",\"operation\":\"CREATE\",\"namespace\":\"shop\"}",
      "{\"uid\":\"u\",\"operation\":\"CREATE\",\"namespace\":\"shop\",\"object\":[]}",
      "{\"uid\":\"u\",\"operation\":\"CREATE\",\"namespace\":\"shop\",\"object\":{}}",
      "{\"uid\":\"u\",\"operation\":\"CREATE\",\"object\":{\"metadata\":{}}}",
      "{\"uid\":\"u\",\"operation\":\"CREATE\",\"namespace\":\"shop\",\"object\":{\"metadata\":{},\"spec\":{}}}",
      "{\"uid\":\"u\",\"operation\":\"CREATE\",\"namespace\":\"shop\",\"object\":{\"metadata\":{\"annotations\":{\"cachemesh.io/policy\":\"catalog\"}},"
          + "\"spec\":{\"containers\":[{\"name\":\"app\",\"ports\":[{\"name\":\"http\"}]},{}]}}}",
      "{\"uid\":\"u\",\"operation\":\"CREATE\",\"namespace\":\"shop\",\"object\":{\"metadata\":{\"annotations\":{\"cachemesh.io/policy\":\"catalog\"}},"
          + "\"spec\":{\"containers\":[{\"name\":\"app\",\"ports\":[{\"name\":\"http\",\"containerPort\":8080}],"
          + "\"readinessProbe\":{\"exec\":{}}}],\"initContainers\":[{}]}}}",
      "{\"uid\":\"u\",\"operation\":\"CREATE\",\"namespace\":\"shop\",\"object\":{\"spec\":{\"containers\":\"nope\"}}}",
      "{\"uid\":\"u\",\"operation\":\"UPDATE\",\"namespace\":\"shop\",\"object\":{\"spec\":{\"rules\":\"nope\"}}}",
      "{\"uid\":\"u\",\"operation\":\"DELETE\",\"namespace\":\"shop\",\"oldObject\":{}}"})
  void oddObjectsGetAnAnswerOrA400NeverAnotherException(String request) throws Exception {
    AdmissionRequest parsed = AdmissionReviews.parse(REVIEW.formatted(request).getBytes(StandardCharsets.UTF_8));
    for (AdmissionHandler handler : HANDLERS) {
      try {
        AdmissionResponse response = handler.handle(parsed);
        assertThat(response.getAllowed()).isNotNull();
      } catch (MalformedReviewException e) {
        assertThat(e.getMessage()).startsWith("request.");
      }
    }
  }
}

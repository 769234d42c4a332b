package io.cachemesh.operator.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/** Reading {@code admission.k8s.io/v1} AdmissionReviews and building their responses. */
public final class AdmissionReviews {
  public static final String API_VERSION = "admission.k8s.io/v1";
  public static final String KIND = "AdmissionReview";
  static final KubernetesSerialization JSON = new KubernetesSerialization();
  /** Strict JSON only: fabric8's own unmarshal would also accept YAML. */
  private static final ObjectMapper STRICT = new ObjectMapper();

  private AdmissionReviews() {}

  /** Parses a review, refusing anything that is not a v1 AdmissionReview with a request and a uid. */
  public static AdmissionRequest parse(byte[] body) throws MalformedReviewException {
    JsonNode tree;
    try {
      tree = STRICT.readTree(body);
    } catch (IOException e) {
      throw new MalformedReviewException("body is not JSON: " + firstLine(e.getMessage()));
    }
    if (tree == null || !tree.isObject()) {
      throw new MalformedReviewException("body is not a JSON object");
    }
    if (!API_VERSION.equals(tree.path("apiVersion").asText()) || !KIND.equals(tree.path("kind").asText())) {
      throw new MalformedReviewException("expected apiVersion " + API_VERSION + " and kind " + KIND + ", got "
          + tree.path("apiVersion").asText("<none>") + " " + tree.path("kind").asText("<none>"));
    }
    AdmissionReview review;
    try {
      review = JSON.convertValue(tree, AdmissionReview.class);
    } catch (RuntimeException e) {
      throw new MalformedReviewException("malformed AdmissionReview: " + firstLine(e.getMessage()));
    }
    AdmissionRequest request = review.getRequest();
    if (request == null) {
      throw new MalformedReviewException("request is required");
    }
    if (request.getUid() == null || request.getUid().isBlank()) {
      throw new MalformedReviewException("request.uid is required");
    }
    return request;
  }

  /** The request's {@code object} (or {@code oldObject}) as a typed value. */
  public static <T> T object(Object raw, Class<T> type, String field) throws MalformedReviewException {
    if (raw == null) {
      throw new MalformedReviewException("request." + field + " is required");
    }
    try {
      return JSON.convertValue(raw, type);
    } catch (RuntimeException e) {
      throw new MalformedReviewException("request." + field + " is not a " + type.getSimpleName() + ": "
          + firstLine(e.getMessage()));
    }
  }

  public static byte[] write(String uid, AdmissionResponse response) {
    response.setUid(uid);
    AdmissionReview review = new AdmissionReview();
    review.setApiVersion(API_VERSION);
    review.setKind(KIND);
    review.setResponse(response);
    return JSON.asJson(review).getBytes(StandardCharsets.UTF_8);
  }

  public static AdmissionResponse allow(List<String> warnings) {
    AdmissionResponse response = new AdmissionResponse();
    response.setAllowed(true);
    if (!warnings.isEmpty()) {
      response.setWarnings(List.copyOf(warnings));
    }
    return response;
  }

  public static AdmissionResponse patch(JsonNode jsonPatch, List<String> warnings) {
    AdmissionResponse response = allow(warnings);
    if (!jsonPatch.isEmpty()) {
      response.setPatchType("JSONPatch");
      response.setPatch(Base64.getEncoder().encodeToString(JSON.asJson(jsonPatch).getBytes(StandardCharsets.UTF_8)));
    }
    return response;
  }

  /** Refuses with an HTTP-style code, a reason ({@code Invalid}, {@code NotFound}) and the message users see. */
  public static AdmissionResponse deny(int code, String reason, String message, List<String> warnings) {
    AdmissionResponse response = new AdmissionResponse();
    response.setAllowed(false);
    response.setStatus(new StatusBuilder().withCode(code).withReason(reason).withMessage(message)
        .withStatus("Failure").build());
    if (!warnings.isEmpty()) {
      response.setWarnings(List.copyOf(warnings));
    }
    return response;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    String line = message.lines().findFirst().orElse(message);
    return line.length() > 200 ? line.substring(0, 200) : line;
  }
}

#!/usr/bin/env bash
# End-to-end on a kind cluster: build the jars and images, install the chart (with the demo Redis),
# deploy the demo app, and check that the second request is a cache hit and that a
# CacheInvalidation purges it.
#
#   e2e/kind/run.sh                 # KEEP_CLUSTER=1 keeps the cluster afterwards
set -euo pipefail

cluster=${CLUSTER:-cachemesh-e2e}
ns=cachemesh-system
cd "$(dirname "$0")/../.."

for tool in docker kind kubectl helm curl; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "e2e/kind: '$tool' is not installed; this test needs docker, kind, kubectl, helm and curl." >&2
    exit 2
  fi
done
docker info >/dev/null 2>&1 || { echo "e2e/kind: the Docker daemon is not reachable." >&2; exit 2; }

# Retries "$@" every 2 s, up to $tries times.
retry() {
  local tries=$1 i
  shift
  for ((i = 1; i <= tries; i++)); do
    if "$@"; then return 0; fi
    sleep 2
  done
  echo "e2e/kind: gave up waiting for: $*" >&2
  return 1
}

version=$(./mvnw -q help:evaluate -Dexpression=project.version -DforceStdout)
./mvnw -B -q package -DskipTests
for image in sidecar operator; do
  docker build -f "images/$image/Dockerfile" -t "ghcr.io/cachemesh/$image:$version" --build-arg "VERSION=$version" .
done

if ! kind get clusters | grep -qx "$cluster"; then
  kind create cluster --name "$cluster" --wait 120s
fi
cleanup() {
  [[ -n ${KEEP_CLUSTER:-} ]] || kind delete cluster --name "$cluster"
}
trap cleanup EXIT
kubectl config use-context "kind-$cluster"
kind load docker-image --name "$cluster" "ghcr.io/cachemesh/sidecar:$version" "ghcr.io/cachemesh/operator:$version"

kubectl apply -f manifests/examples/demo/namespace.yaml
helm upgrade --install cachemesh charts/cachemesh --namespace "$ns" --create-namespace \
  --set operator.image.pullPolicy=Never \
  --set redis.enabled=true --set redis.password=e2e-only-password --set 'redis.brokerSecretNamespaces={shop}' \
  --wait --timeout 5m

# Both configurations: the validating one fails closed, so applying a CachePolicy before its
# caBundle is patched would be refused with a TLS error.
ca_bundles_patched() {
  local config
  for config in mutatingwebhookconfiguration/cachemesh-sidecar-injector \
    validatingwebhookconfiguration/cachemesh-validation; do
    [[ -n $(kubectl get "$config" -o jsonpath='{.webhooks[*].clientConfig.caBundle}') ]] || return 1
  done
}
retry 60 ca_bundles_patched

kubectl apply -f manifests/examples/catalog-per-route.yaml
kubectl apply -f manifests/examples/demo/catalog.yaml
kubectl -n shop rollout status deployment/catalog --timeout=180s
injected=$(kubectl -n shop get pods -l app.kubernetes.io/name=catalog \
  -o jsonpath='{range .items[*]}{.spec.initContainers[*].name} {.spec.containers[*].name}{"\n"}{end}')
grep -q cachemesh-sidecar <<<"$injected" || { echo "e2e/kind: sidecar not injected: $injected" >&2; exit 1; }

# Requests go through the Service from inside the cluster, as the app's clients do: that is what
# proves the takeover of the named targetPort (a port-forward would pick one pod and bypass the
# Service's endpoints). With two replicas the second request may land on the other pod: it is then
# a hit from the shared tier.
kubectl -n shop run e2e-client --image=curlimages/curl:8.11.1 --restart=Never --command -- sleep 3600
kubectl -n shop wait --for=condition=Ready pod/e2e-client --timeout=120s
in_cluster_curl() {
  kubectl -n shop exec e2e-client -- curl -fsS "$@"
}
# /cart is never cached (cache: false): a readiness check that stores nothing.
retry 30 in_cluster_curl -o /dev/null http://catalog.shop.svc/cart

cache_status() {
  in_cluster_curl -D - -o /dev/null http://catalog.shop.svc/products/42 | tr -d '\r' | grep -i '^cache-status:' || true
}
first=$(cache_status)
second=$(cache_status)
echo "first request: $first"
echo "second request: $second"
grep -qi 'fwd=miss' <<<"$first" || { echo "e2e/kind: the first request was not a miss" >&2; exit 1; }
grep -qi '; hit' <<<"$second" || { echo "e2e/kind: the second request was not a hit" >&2; exit 1; }

purge=e2e-purge-$(date +%s)
kubectl -n shop apply -f - <<YAML
apiVersion: cachemesh.io/v1alpha1
kind: CacheInvalidation
metadata:
  name: $purge
spec:
  policyRef: catalog
  tags: ["product:42"]
YAML
kubectl -n shop wait --for=jsonpath='{.status.phase}'=Published "cacheinvalidation/$purge" --timeout=60s

not_a_hit() {
  local status
  status=$(cache_status)
  ! grep -qi '; hit' <<<"$status"
}
retry 15 not_a_hit
echo "e2e/kind: OK (hit on the second request, purged by CacheInvalidation $purge)"

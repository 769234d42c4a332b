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
if [[ -z ${KEEP_CLUSTER:-} ]]; then
  trap 'kind delete cluster --name "$cluster"' EXIT
fi
kubectl config use-context "kind-$cluster"
kind load docker-image --name "$cluster" "ghcr.io/cachemesh/sidecar:$version" "ghcr.io/cachemesh/operator:$version"

kubectl apply -f manifests/examples/demo/namespace.yaml
helm upgrade --install cachemesh charts/cachemesh --namespace "$ns" --create-namespace \
  --set operator.image.pullPolicy=Never \
  --set redis.enabled=true --set redis.password=e2e-only-password --set 'redis.brokerSecretNamespaces={shop}' \
  --wait --timeout 5m

ca_bundle_patched() {
  [[ -n $(kubectl get mutatingwebhookconfiguration cachemesh-sidecar-injector \
    -o jsonpath='{.webhooks[0].clientConfig.caBundle}') ]]
}
retry 60 ca_bundle_patched

kubectl apply -f manifests/examples/catalog-per-route.yaml
kubectl apply -f manifests/examples/demo/catalog.yaml
kubectl -n shop rollout status deployment/catalog --timeout=180s
injected=$(kubectl -n shop get pods -l app.kubernetes.io/name=catalog \
  -o jsonpath='{range .items[*]}{.spec.initContainers[*].name} {.spec.containers[*].name}{"\n"}{end}')
grep -q cachemesh-sidecar <<<"$injected" || { echo "e2e/kind: sidecar not injected: $injected" >&2; exit 1; }

kubectl -n shop port-forward service/catalog 18080:80 >/dev/null &
forward=$!
trap 'kill "$forward" 2>/dev/null || true; [[ -n ${KEEP_CLUSTER:-} ]] || kind delete cluster --name "$cluster"' EXIT
retry 30 curl -fsS -o /dev/null http://127.0.0.1:18080/products/42

cache_status() {
  curl -fsS -D - -o /dev/null http://127.0.0.1:18080/products/42 | tr -d '\r' | grep -i '^cache-status:' || true
}
cache_status >/dev/null
second=$(cache_status)
echo "second request: $second"
grep -qi 'hit' <<<"$second" || { echo "e2e/kind: the second request was not a hit" >&2; exit 1; }

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
  ! grep -qi 'hit' <<<"$status"
}
retry 15 not_a_hit
echo "e2e/kind: OK (hit on the second request, purged by CacheInvalidation $purge)"

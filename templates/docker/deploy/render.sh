#!/usr/bin/env bash
# Render deploy/ for one image, named by digest, and one namespace; validate the result with
# kubeconform (strict: unknown fields are errors) and print it. CI applies exactly what this prints.
#
#   deploy/render.sh ghcr.io/OWNER/REPO@sha256:<digest> NAMESPACE [kubeconform flags...] > manifests.yaml
#
# Needs kubectl (for kustomize) and kubeconform on PATH. Without flags, kubeconform fetches the
# Kubernetes schemas it needs from GitHub; pass e.g. `-kubernetes-version 1.31.0` to match your
# cluster, or `-schema-location DIR/...` to work offline.
set -euo pipefail

usage="usage: deploy/render.sh IMAGE@sha256:DIGEST NAMESPACE [kubeconform flags...]"
[[ $# -ge 2 ]] || { echo "$usage" >&2; exit 2; }
image="$1" namespace="$2"
shift 2
if ! [[ "$image" =~ ^([a-z0-9][a-z0-9./_-]*)@(sha256:[0-9a-f]{64})$ ]]; then
  echo "deploy/render.sh: not an image named by digest (NAME@sha256:<64 hex>): $image" >&2
  exit 2
fi
name="${BASH_REMATCH[1]}" digest="${BASH_REMATCH[2]}"
if ! [[ "$namespace" =~ ^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$ ]]; then
  echo "deploy/render.sh: not a Kubernetes namespace name: $namespace" >&2
  exit 2
fi

# A throwaway overlay beside deploy/ (kustomize refuses absolute paths): deploy/ stays as committed.
cd "$(dirname "$0")/.."
overlay="$(mktemp -d .deploy-overlay.XXXXXX)"
trap 'rm -rf "$overlay"' EXIT
cat > "$overlay/kustomization.yaml" <<YAML
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: "$namespace"
resources:
  - ../deploy
images:
  - name: model-server
    newName: "$name"
    digest: "$digest"
YAML
kubectl kustomize "$overlay" > "$overlay/manifests.yaml"
grep -q "image: $name@$digest\$" "$overlay/manifests.yaml" || { echo "deploy/render.sh: the overlay did not set the image" >&2; exit 1; }
kubeconform -strict -summary "$@" "$overlay/manifests.yaml" >&2
cat "$overlay/manifests.yaml"

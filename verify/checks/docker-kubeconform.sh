#!/usr/bin/env bash
# Validate a generated project's Kubernetes manifests (deploy/, with --docker) with kubeconform,
# offline and strictly (unknown fields are errors; a kind without a schema is an error too).
#
#   verify/checks/docker-kubeconform.sh <generated-project-dir> [anything: the verify matrix passes the venv's python]
#
# kubeconform downloads its schemas from GitHub by default, which cannot be reached here. The PyPI
# package kubernetes-validate ships the official schemas of Kubernetes 1.25 to 1.37 (installed into
# .tools/venv by scripts/setup-tools.sh); they refer to one shared definitions file by a path that
# kubeconform cannot resolve, so this script first makes each one standalone (the definitions it
# uses copied in), once per version, under .tools/k8s-schemas/. Checked: each manifest file, and
# what deploy.yml actually applies (deploy/render.sh: deploy/ through a kustomize overlay that sets
# the image by digest and the namespace, validated by kubeconform inside the script), against the
# oldest and newest versions below; what the rendered Deployment needs (digest, pull policy, probes
# the app answers, a PodDisruptionBudget below the replicas); and a planted mistake must be
# rejected, so a check that silently validates nothing cannot pass.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PROJECT="${1:?usage: $0 <generated-project-dir>}"
K8S_VERSIONS="${K8S_VERSIONS:-1.30.0 1.37.0}"
KUBECONFORM="$ROOT/.tools/bin/kubeconform"
PYTHON="$ROOT/.tools/venv/bin/python"

die() { printf '[docker-kubeconform] FAILED: %s\n' "$*" >&2; exit 1; }
say() { printf '[docker-kubeconform] %s\n' "$*" >&2; }

[[ -x "$KUBECONFORM" ]] || die "no $KUBECONFORM: run scripts/setup-tools.sh"
[[ -d "$PROJECT/deploy" ]] || die "$PROJECT/deploy does not exist (the manifests come with --docker)"

# schemas VERSION: the directory of standalone strict schemas for Kubernetes VERSION.
schemas() {
  local out="$ROOT/.tools/k8s-schemas/v$1-standalone-strict"
  if [[ ! -f "$out/.done" ]]; then
    "$PYTHON" "$ROOT/verify/checks/_k8s_schemas.py" "$1" "$out" || die "could not build the schemas of Kubernetes $1 (is kubernetes-validate in .tools/venv?)"
  fi
  echo "$out"
}

validate() { # validate VERSION FILE...
  local dir version="$1"
  dir="$(schemas "$version")"
  shift
  "$KUBECONFORM" -strict -summary -output text -kubernetes-version "$version" \
    -schema-location "$dir/{{ .ResourceKind }}{{ .KindSuffix }}.json" "$@"
}

files=()
for f in "$PROJECT"/deploy/*.yaml; do
  [[ "$(basename "$f")" == kustomization.yaml ]] || files+=("$f")
done
[[ ${#files[@]} -gt 0 ]] || die "no manifests in $PROJECT/deploy"
command -v kubectl >/dev/null 2>&1 || die "kubectl is not installed: it renders deploy/ as the generated CI does"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
digest="sha256:$(printf 'model' | sha256sum | cut -d' ' -f1)"
for version in $K8S_VERSIONS; do
  say "Kubernetes $version"
  validate "$version" "${files[@]}" >&2 || die "manifests are not valid for Kubernetes $version"
  # What deploy.yml applies: deploy/render.sh's output for an image by digest, validated by it.
  dir="$(schemas "$version")"
  PATH="$(dirname "$KUBECONFORM"):$PATH" bash "$PROJECT/deploy/render.sh" "ghcr.io/owner/repo@$digest" models \
    -kubernetes-version "$version" -output text -schema-location "$dir/{{ .ResourceKind }}{{ .KindSuffix }}.json" \
    > "$work/rendered.yaml" || die "deploy/render.sh failed for Kubernetes $version"
done
grep -q "image: ghcr.io/owner/repo@$digest\$" "$work/rendered.yaml" || die "the rendered Deployment does not run the image by digest"
[[ -z "$(find "$PROJECT" -maxdepth 1 -name '.deploy-overlay.*')" ]] || die "deploy/render.sh left its overlay behind"
if bash "$PROJECT/deploy/render.sh" ghcr.io/owner/repo:main models > /dev/null 2> "$work/err"; then
  die "deploy/render.sh accepted an image by tag"
fi
grep -q "not an image named by digest" "$work/err" || die "deploy/render.sh refused a tag without saying why: $(cat "$work/err")"

# What a digest deploy and the serving app need of the rendered manifests.
"$PYTHON" - "$work/rendered.yaml" "$PROJECT/src/serve.py" <<'PY' || die "the rendered manifests do not fit the app"
import re, sys
import yaml
docs = {d["kind"]: d for d in yaml.safe_load_all(open(sys.argv[1], encoding="utf-8"))}
serve = open(sys.argv[2], encoding="utf-8").read()
deployment, pdb = docs["Deployment"], docs["PodDisruptionBudget"]
[container] = deployment["spec"]["template"]["spec"]["containers"]
assert container["imagePullPolicy"] == "IfNotPresent", container.get("imagePullPolicy")
probes = {k: container[k]["httpGet"]["path"] for k in ("startupProbe", "readinessProbe", "livenessProbe")}
assert probes["readinessProbe"] == "/readyz" and probes["livenessProbe"] == "/livez", probes
for path in set(probes.values()):
    assert re.search(rf'@app\.get\("{path}"\)', serve), f"serve.py has no {path}"
replicas, minimum = deployment["spec"]["replicas"], pdb["spec"]["minAvailable"]
assert 1 <= minimum < replicas, f"PodDisruptionBudget minAvailable {minimum} with {replicas} replicas"
assert pdb["spec"]["selector"] == deployment["spec"]["selector"], "the PodDisruptionBudget selects other pods"
assert {d["metadata"]["namespace"] for d in docs.values()} == {"models"}
PY
say "ok: by digest, IfNotPresent, probes /livez and /readyz exist in serve.py, PodDisruptionBudget below the replicas"

# The control: a typo in a field name and a string where a number belongs must both be reported.
sed -e 's/^  replicas: 2/  replicas: "two"/' -e 's/readOnlyRootFilesystem:/readOnlyRootFileSystem:/' \
  "$PROJECT/deploy/deployment.yaml" > "$work/planted.yaml"
if out="$(validate "${K8S_VERSIONS%% *}" "$work/planted.yaml" 2>&1)"; then
  die "a planted mistake passed validation: $out"
fi
grep -q "readOnlyRootFileSystem" <<< "$out" || die "the planted unknown field was not reported: $out"
grep -q "replicas" <<< "$out" || die "the planted wrong type was not reported: $out"
say "ok: a planted mistake is rejected"
say "passed"

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
# what deploy.yml actually applies (deploy/ through a kustomize overlay that sets the image and
# namespace), against the oldest and newest versions below; and a planted mistake must be rejected,
# so a check that silently validates nothing cannot pass.
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
    "$PYTHON" - "$1" "$out" <<'PY' || die "could not build the schemas of Kubernetes $1 (is kubernetes-validate in .tools/venv?)"
import json, re, sys
from pathlib import Path
import kubernetes_validate

version, out = sys.argv[1], Path(sys.argv[2])
src = Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema" / f"v{version}-local-strict"
if not src.is_dir():
    sys.exit(f"kubernetes-validate has no schemas for Kubernetes {version}")
defs = json.loads((src / "_definitions.json").read_text())["$defs"]
ref = re.compile(r"^(?:/api/_definitions\.json)?#/\$defs/(.+)$")

def rewrite(node, used):
    """The node with references to the shared file pointing into the schema's own definitions."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            m = ref.match(value) if key == "$ref" and isinstance(value, str) else None
            if m:
                used.add(m.group(1))
                out[key] = f"#/definitions/{m.group(1)}"
            else:
                out[key] = rewrite(value, used)
        return out
    return [rewrite(v, used) for v in node] if isinstance(node, list) else node

out.mkdir(parents=True, exist_ok=True)
for path in sorted(src.glob("*.json")):
    if path.name.startswith("_"):
        continue
    todo: set[str] = set()
    schema = rewrite(json.loads(path.read_text()), todo)
    table: dict = {}
    while todo:
        name = todo.pop()
        if name not in table:
            used: set[str] = set()
            table[name] = rewrite(defs[name], used)
            todo |= used - table.keys()
    if table:
        schema["definitions"] = table
    (out / path.name).write_text(json.dumps(schema))
(out / ".done").write_text(version)
PY
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

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rendered=""
if command -v kubectl >/dev/null 2>&1; then
  # What deploy.yml applies: the same overlay, with a sample image and namespace.
  mkdir -p "$work/overlay" && cp -r "$PROJECT/deploy" "$work/deploy"
  printf '%s\n' 'apiVersion: kustomize.config.k8s.io/v1beta1' 'kind: Kustomization' 'namespace: models' \
    'resources: [../deploy]' 'images: [{name: model-server, newName: ghcr.io/owner/repo, newTag: sha-1a2b3c4}]' \
    > "$work/overlay/kustomization.yaml"
  kubectl kustomize "$work/overlay" > "$work/rendered.yaml" || die "kubectl kustomize failed on deploy/"
  grep -q 'image: ghcr.io/owner/repo:sha-1a2b3c4' "$work/rendered.yaml" || die "the overlay did not set the image"
  rendered="$work/rendered.yaml"
else
  say "kubectl is not installed: checking the files, not the kustomize output"
fi

for version in $K8S_VERSIONS; do
  say "Kubernetes $version"
  validate "$version" "${files[@]}" ${rendered:+"$rendered"} >&2 || die "manifests are not valid for Kubernetes $version"
done

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

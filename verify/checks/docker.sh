#!/usr/bin/env bash
# The Docker feature, as far as this machine allows (it has no container engine; the image itself
# is built and smoke-tested by the generated project's own CI): hadolint reports nothing, every base
# image is pinned by digest, .dockerignore lets in exactly what the Dockerfile copies, and the
# serving app, started with uvicorn on 127.0.0.1, answers /health and a prediction, refuses a bad
# payload with 422, answers the probes /livez and /readyz, and shows the model's record at /version.
#   verify/checks/docker.sh <generated-project-dir> <python>
source "$(dirname "$0")/feature-lib.sh"
feature_setup "$@"
cd "$PROJ"

hadolint="$(command -v hadolint || echo "$ROOT/.tools/bin/hadolint")"
[[ -x "$hadolint" ]] || die "hadolint not found (run scripts/setup-tools.sh)"
lint="$("$hadolint" Dockerfile 2>&1)" || die "hadolint: $lint"
[[ -z "$lint" ]] || die "hadolint reported: $lint"
say "hadolint: nothing to report"

"$PY" - <<'PY' || die "Dockerfile and .dockerignore do not agree"
import re
lines = open("Dockerfile", encoding="utf-8").read().splitlines()
bases = [l.split()[1] for l in lines if l.startswith("FROM ")]
assert bases and all(re.fullmatch(r"[\w./-]+:[\w.-]+@sha256:[0-9a-f]{64}", b) for b in bases), bases
allowed = {l[1:] for l in open(".dockerignore", encoding="utf-8").read().splitlines() if l.startswith("!")}
copied = {p for l in lines if l.startswith("COPY ") and "--from=" not in l for p in l.split()[1:-1]}
assert copied == allowed, f"COPY sources {sorted(copied)} but .dockerignore lets in {sorted(allowed)}"
assert any(l.startswith("USER ") and not l.startswith("USER root") for l in lines), "no non-root USER"
assert any(l.startswith("HEALTHCHECK ") for l in lines), "no HEALTHCHECK"
PY
say "base images pinned by digest; .dockerignore admits exactly the COPY sources; non-root, HEALTHCHECK"

"$PY" src/train.py --out-dir "$WORK/run" > "$WORK/train.log" 2>&1 || { cat "$WORK/train.log"; die "training failed"; }
port="$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
MODEL_PATH="$WORK/run/models/model.joblib" "$PY" -m uvicorn serve:app --app-dir src --host 127.0.0.1 --port "$port" \
  > "$WORK/uvicorn.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT

"$PY" - "http://127.0.0.1:$port" "$WORK/run/models/model.record.json" <<'PY' || { cat "$WORK/uvicorn.log"; die "the serving app misbehaved"; }
import csv, json, sys, time, urllib.error, urllib.request
import yaml

base = sys.argv[1]

def call(path, payload=None):
    data = None if payload is None else payload.encode()
    request = urllib.request.Request(base + path, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)

# Generous: on a loaded machine, importing scikit-learn and loading the model can take a minute.
for _ in range(360):
    try:
        status, health = call("/health")
        break
    except OSError:
        time.sleep(0.5)
else:
    sys.exit("/health never answered")
assert status == 200 and health["status"] == "ok", health
params = yaml.safe_load(open("params.yaml", encoding="utf-8"))["data"]
row = next(csv.DictReader(open(params["path"], encoding="utf-8")))
expected = row.pop(params["target"])
status, body = call("/predict", json.dumps({"instances": [[float(row[f]) for f in health["features"]]]}))
assert status == 200 and body == {"predictions": [expected]}, (status, body)
print(f"/predict: {body}")
status, body = call("/predict", '{"instances": [[1, 2]]}')
assert status == 422 and f"expected {len(health['features'])} numbers" in body["detail"][0]["msg"], (status, body)
status, body = call("/predict", '{"instances": "no"}')
assert status == 422, (status, body)
# Finite but far outside the data contract: 422 naming the field, not a 500 from the model.
status, body = call("/predict", json.dumps({"instances": [[-1e308, 1e308] + [0.0] * (len(health["features"]) - 2)]}))
assert status == 422 and body["detail"][0]["loc"] == ["body", "instances", 0, health["features"][0]], (status, body)
named = dict(zip(health["features"], [float(row[f]) for f in health["features"]]))
status, body = call("/predict", json.dumps({"instances": [named]}))
assert status == 200 and body == {"predictions": [expected]}, (status, body)
assert call("/livez") == (200, {"status": "alive"}), call("/livez")
assert call("/readyz") == (200, {"status": "ready"}), call("/readyz")
status, body = call("/version")
record = json.load(open(sys.argv[2], encoding="utf-8"))
assert status == 200 and body == record and len(record["id"]) == 12, (status, body)
print(f"/version: model {body['id']} from commit {body['commit'][:12]}")
PY
say "uvicorn on 127.0.0.1:$port answered /health and a prediction (arrays and named features), 422 to bad payloads and out-of-range values, /livez, /readyz and /version"
say "ok"

"""A recorded Kubernetes "cluster" for the lifecycle check: what kubectl (and aws eks) were asked.

State: the JSON file $ACT_STANDIN_CLUSTER. Images come from the stand-in registry that
docker/build-push-action's stand-in writes, $ACT_STANDIN_REGISTRY/<sha256-hex>.json.

  cluster.py connect NAME                                   # aws eks update-kubeconfig
  cluster.py kubectl apply [--dry-run=server] --filename F  # validated by kubeconform, then recorded
  cluster.py kubectl rollout status|undo deployment/NAME --namespace NS [--timeout=T]
  cluster.py kubectl port-forward --namespace NS service/NAME LOCAL:REMOTE

Every apply must pass kubeconform (strict, offline schemas in $ACT_STANDIN_K8S_SCHEMAS) and run its
images by digest. A rollout becomes ready only when the registry holds the image (else: the pull
fails); port-forward answers /readyz and /version with the model record of the image the Deployment
runs, as the model server would. Anything else fails loudly.
"""

import fcntl
import http.server
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[3]


def fail(message: str, code: int = 1) -> None:
    print(f"kubectl stand-in: {message}", file=sys.stderr)
    sys.exit(code)


def env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        fail(f"set {name} (see verify/checks/lifecycle-cluster/cluster.py)", 2)
    return value


def flag(args: list[str], *names: str) -> str | None:
    for i, a in enumerate(args):
        for n in names:
            if a == n and i + 1 < len(args):
                return args[i + 1]
            if a.startswith(f"{n}="):
                return a.split("=", 1)[1]
    return None


def registry_image(ref: str) -> dict | None:
    m = re.fullmatch(r"([a-z0-9][a-z0-9./_-]*)@(sha256:[0-9a-f]{64})", ref)
    if not m:
        return None
    f = Path(env("ACT_STANDIN_REGISTRY")) / f"{m.group(2).replace(':', '-')}.json"
    if not f.is_file():
        return None
    image = json.loads(f.read_text(encoding="utf-8"))
    return image if any(t.rsplit(":", 1)[0] == m.group(1) for t in image["tags"]) else None


def apply(state: dict, args: list[str]) -> None:
    dry_run = flag(args, "--dry-run")
    path = flag(args, "--filename", "-f")
    if path is None or dry_run not in (None, "server", "client"):
        fail(f"apply: expected --filename F [--dry-run=server], got {args}")
    schemas = env("ACT_STANDIN_K8S_SCHEMAS")
    done = subprocess.run(
        [str(ROOT / ".tools/bin/kubeconform"), "-strict", "-summary",
         "-schema-location", f"{schemas}/{{{{ .ResourceKind }}}}{{{{ .KindSuffix }}}}.json", path],
        capture_output=True, text=True, check=False,
    )
    if done.returncode != 0:
        fail(f"the manifests do not validate:\n{done.stdout}{done.stderr}")
    docs = [d for d in yaml.safe_load_all(Path(path).read_text(encoding="utf-8")) if d]
    record = {"dryRun": dry_run, "objects": [f"{d['kind']}/{d['metadata']['namespace']}/{d['metadata']['name']}" for d in docs]}
    for d in docs:
        if d["kind"] != "Deployment":
            continue
        images = [c["image"] for c in d["spec"]["template"]["spec"]["containers"]]
        for image in images:
            if "@sha256:" not in image:
                fail(f"{d['metadata']['name']} runs {image}, not an image by digest")
        key = f"{d['metadata']['namespace']}/{d['metadata']['name']}"
        record.setdefault("images", {})[key] = images[0]
        if dry_run is None:
            deployment = state["deployments"].setdefault(key, {"revisions": []})
            if not deployment["revisions"] or deployment["revisions"][-1] != images[0]:
                deployment["revisions"].append(images[0])  # a changed pod template is a new revision
    state["applies"].append(record)
    print(f"{len(docs)} objects {'validated (dry run)' if dry_run else 'applied'}: {', '.join(record['objects'])}")


def deployment_of(state: dict, args: list[str], kind: str = "deployment") -> tuple[str, dict]:
    namespace = flag(args, "--namespace", "-n") or "default"
    target = next((a for a in args if a.startswith(f"{kind}/")), None)
    if target is None:
        fail(f"expected {kind}/NAME in {args}")
    key = f"{namespace}/{target.split('/', 1)[1]}"
    if key not in state["deployments"]:
        fail(f'deployments.apps "{key}" not found', 1)
    return key, state["deployments"][key]


def rollout(state: dict, args: list[str]) -> None:
    key, deployment = deployment_of(state, args[1:])
    if args[0] == "status":
        image = deployment["revisions"][-1]
        state["rollouts"].append({"deployment": key, "image": image})
        if registry_image(image) is None:
            fail(f"deployment {key}: pods cannot pull {image} (not in the registry); rollout not ready", 1)
        print(f'deployment "{key}" successfully rolled out ({image})')
    elif args[0] == "undo":
        if len(deployment["revisions"]) < 2:
            fail(f"deployment {key}: no rollout history to undo")
        deployment["revisions"].append(deployment["revisions"][-2])
        state["undos"].append({"deployment": key, "image": deployment["revisions"][-1]})
        print(f"deployment.apps/{key} rolled back")
    else:
        fail(f"rollout {args[0]}: unsupported")


def port_forward(state: dict, args: list[str]) -> None:
    namespace = flag(args, "--namespace", "-n") or "default"
    service = next((a for a in args if a.startswith("service/")), None)
    ports = next((a for a in args if re.fullmatch(r"\d+:\d+", a)), None)
    if service is None or ports is None:
        fail(f"port-forward: expected service/NAME LOCAL:REMOTE, got {args}")
    # The Service selects the Deployment of the same name (deploy/service.yaml).
    _, deployment = deployment_of(state, [f"deployment/{service.split('/', 1)[1]}", "--namespace", namespace])
    image = registry_image(deployment["revisions"][-1])
    record = image["record"] if image else None

    class Pod(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            body, code = ({"status": "ready"}, 200) if self.path == "/readyz" else (record, 200) if self.path == "/version" else ({"detail": "Not Found"}, 404)
            if record is None:
                body, code = {"detail": "no pod is running"}, 503
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", int(ports.split(":")[0])), Pod)
    print(f"Forwarding from 127.0.0.1:{ports.split(':')[0]} -> {ports.split(':')[1]}", flush=True)
    server.serve_forever()


def main(argv: list[str]) -> None:
    path = Path(env("ACT_STANDIN_CLUSTER"))
    lock = open(f"{path}.lock", "w")
    fcntl.flock(lock, fcntl.LOCK_EX)
    state = json.loads(path.read_text()) if path.exists() else {}
    for key, empty in (("connected", []), ("applies", []), ("rollouts", []), ("undos", []), ("deployments", {})):
        state.setdefault(key, empty)
    save = lambda: path.write_text(json.dumps(state, indent=2))  # noqa: E731
    if argv[:1] == ["connect"]:
        state["connected"].append(argv[1])
        save()
        return print(f"Added new context for cluster {argv[1]}")
    if argv[:1] != ["kubectl"] or len(argv) < 2:
        fail(f"unsupported: {argv}")
    if not state["connected"]:
        fail("no cluster configured (aws eks update-kubeconfig did not run)", 1)
    command, args = argv[1], argv[2:]
    if command == "port-forward":
        lock.close()  # it runs until killed; it only reads
        return port_forward(state, args)
    try:
        if command == "apply":
            apply(state, args)
        elif command == "rollout" and args:
            rollout(state, args)
        else:
            fail(f"kubectl {command}: unsupported")
    finally:
        save()


if __name__ == "__main__":
    main(sys.argv[1:])

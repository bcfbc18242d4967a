"""Standalone strict Kubernetes JSON schemas for kubeconform, offline (see docker-kubeconform.sh).

    python _k8s_schemas.py VERSION OUT_DIR   # needs kubernetes-validate (in .tools/venv)
"""
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

"""build-push-action stand-in: see action.yml."""

import hashlib
import json
import os
import sys
from pathlib import Path


def fail(message: str) -> None:
    print(f"::error::[build-push-action stand-in] {message}")
    sys.exit(1)


context = Path(os.environ.get("CONTEXT") or ".")
record_file = context / "models" / "model.record.json"
if not record_file.is_file():
    fail(f"no {record_file}: the stand-in derives the digest from the model record of the build context")
record = json.loads(record_file.read_text(encoding="utf-8"))
if "model_sha256" not in record:
    fail(f"{record_file} has no model_sha256")
# The image holds the model and its record (commit, data, params, metrics): a retrained model with
# the same bytes from another commit is another image.
digest = "sha256:" + hashlib.sha256(b"model-image:" + record_file.read_bytes()).hexdigest()
tags = [t.strip() for line in os.environ.get("TAGS", "").splitlines() for t in line.split(",") if t.strip()]
labels = dict(line.split("=", 1) for line in os.environ.get("LABELS", "").splitlines() if "=" in line)
if os.environ.get("PUSH") == "true":
    registry = os.environ.get("ACT_STANDIN_REGISTRY")
    if not registry:
        fail("push: true needs ACT_STANDIN_REGISTRY, the directory the stand-in registry keeps images in")
    if not tags:
        fail("push: true needs at least one tag")
    out = Path(registry)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{digest.replace(':', '-')}.json").write_text(
        json.dumps({"digest": digest, "tags": tags, "labels": labels, "record": record}, indent=2), encoding="utf-8"
    )
    print(f"[build-push-action stand-in] no image built; recorded {', '.join(tags)} as {digest} in {registry}")
else:
    print(f"[build-push-action stand-in] no image built (push: false); it would be {digest}")
with open(os.environ["GITHUB_OUTPUT"], "a", encoding="utf-8") as f:
    f.write(f"digest={digest}\n")
    f.write(f"metadata={json.dumps({'containerimage.digest': digest})}\n")

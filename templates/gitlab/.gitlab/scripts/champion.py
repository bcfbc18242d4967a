"""Fetch the champion model: the artifacts of the newest successful `promote` job on the default branch.

GitLab has no release the retrain pipeline could move, so promotion is that job: it runs only for
a model that passed every gate, and keeps the model as an artifact that never expires. With MLflow,
the job also points the registry's alias `champion` at the same model (src/tracking.py champion).
Reading it needs only CI_JOB_TOKEN. Prints the champion's model-record id, or `none` when nothing
was promoted yet (HTTP 404); any other failure is an error, not "no champion".
"""

from __future__ import annotations

import io
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path


def main() -> int:
    out = Path(sys.argv[1])
    ref = urllib.parse.quote(os.environ["CI_DEFAULT_BRANCH"], safe="")
    project = f"{os.environ['CI_API_V4_URL']}/projects/{os.environ['CI_PROJECT_ID']}"
    url = f"{project}/jobs/artifacts/{ref}/download?job=promote"
    request = urllib.request.Request(url, headers={"JOB-TOKEN": os.environ["CI_JOB_TOKEN"]})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            archive = zipfile.ZipFile(io.BytesIO(response.read()))
    except urllib.error.HTTPError as error:
        if error.code == 404:
            print("none")
            return 0
        raise
    out.mkdir(parents=True, exist_ok=True)
    for member in archive.namelist():
        if member.startswith("champion/") and not member.endswith("/"):
            (out / Path(member).name).write_bytes(archive.read(member))
    print(json.loads((out / "model.record.json").read_text(encoding="utf-8"))["id"])
    return 0


if __name__ == "__main__":
    sys.exit(main())

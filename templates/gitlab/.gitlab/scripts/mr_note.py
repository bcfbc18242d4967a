"""Post the model report on the merge request as one note, created once and then edited.

GitLab's CI_JOB_TOKEN cannot write notes, so this needs a project access token (Reporter role,
`api` scope) in the masked, protected CI/CD variable MODEL_REPORT_TOKEN. Without it the report
stays an artifact of the job, and says so. Exit 0 in both cases; 1 when GitLab refused.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.request
from pathlib import Path

# src/report.py starts every report with this line: it finds the note to edit.
MARKER = "<!-- create-ml-ci-cd:model-report -->"


def api(method: str, path: str, token: str, body: dict | None = None) -> object:
    url = f"{os.environ['CI_API_V4_URL']}/projects/{os.environ['CI_PROJECT_ID']}{path}"
    data = None if body is None else json.dumps(body).encode()
    headers = {"PRIVATE-TOKEN": token, "Content-Type": "application/json"}
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def main() -> int:
    report = Path(sys.argv[1])
    token = os.environ.get("MODEL_REPORT_TOKEN", "")
    if not token:
        note = "No MODEL_REPORT_TOKEN variable: not posted on the merge request; this report is the job's artifact."
        with report.open("a", encoding="utf-8") as out:
            out.write(f'\n_{note} (README: "GitLab CI")_\n')
        print(note)
        return 0
    body = report.read_text(encoding="utf-8")
    notes = f"/merge_requests/{os.environ['CI_MERGE_REQUEST_IID']}/notes"
    try:
        existing = [n for n in api("GET", f"{notes}?per_page=100", token) if str(n.get("body", "")).startswith(MARKER)]
        if existing:
            api("PUT", f"{notes}/{existing[0]['id']}", token, {"body": body})
            print(f"Updated note {existing[0]['id']} on !{os.environ['CI_MERGE_REQUEST_IID']}.")
        else:
            api("POST", notes, token, {"body": body})
            print(f"Commented on !{os.environ['CI_MERGE_REQUEST_IID']}.")
    except OSError as error:
        print(f"GitLab refused the note ({error}); the report is the job artifact {report}.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env bash
# The main job, end to end: build the CLI, scaffold a project with it, install, train, test.
# Usage: npm run demo [-- <extra create flags, e.g. --dvc --mlflow>]
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build
# The project installs with uv when uv is on PATH (npm test's setup puts one in .tools/bin), else with pip.
if [[ -x .tools/bin/uv ]]; then PATH="$PWD/.tools/bin:$PATH"; fi
out=$(mktemp -d)
node packages/create-ml-ci-cd/index.js "$out/demo" --yes --install "$@"
cd "$out/demo"
.venv/bin/python src/train.py
.venv/bin/python -m pytest -q
echo "Demo project: $out/demo"

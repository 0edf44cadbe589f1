#!/usr/bin/env bash
# Bake the default project and run its pipeline: data -> validation -> model -> registry.
set -euo pipefail
out="${1:-out}"
export DVC_NO_ANALYTICS=1 MLFLOW_DISABLE_TELEMETRY=true
project="$out/wine_classifier"
if [ -e "$project" ]; then
  echo "Using the existing $project (delete it to bake afresh)"
else
  mlops-kit new --no-input -o "$out"
fi
cd "$project"
# The kit's environment already holds the project's stack (make demo installed it).
python -m pip install --quiet --no-build-isolation --no-deps --editable .
make repro
echo
echo "The project is in $project: its README.md explains every make target."

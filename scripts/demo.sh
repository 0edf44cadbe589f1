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
python -m pip install --quiet --no-build-isolation --no-deps --editable .
dvc repro
echo
dvc metrics show
echo
echo "Done. Results in $project:"
echo "  metrics:  reports/metrics.json   (dvc metrics show)"
echo "  plots:    reports/plots/          (dvc plots show)"
echo "  MLflow:   cd $project && mlflow ui --backend-store-uri sqlite:///mlflow.db --workers 1"

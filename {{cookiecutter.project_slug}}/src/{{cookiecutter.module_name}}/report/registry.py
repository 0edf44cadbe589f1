"""What the MLflow store holds: registered versions, aliases, and each version's lineage.

The store is read, never written: an embedded SQLite store that does not exist yet is
reported as missing (opening it would create it), and a tracking server is probed with a
short timeout first, so a server that is down costs seconds, not minutes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .sources import Missing

PROBE_SECONDS = 3.0
MAX_VERSIONS = 20
MAX_RUNS = 10
CHAMPION_ALIASES = ("champion", "production")


@dataclass
class RunFacts:
    """One training run: its params, metrics, lineage tags and dataset inputs."""

    run_id: str
    name: str
    status: str
    start_time: int
    params: dict[str, str]
    metrics: dict[str, float]
    tags: dict[str, str]
    datasets: list[dict[str, str]]  # name, digest, context, source
    artifacts: list[str] = field(default_factory=list)


@dataclass
class VersionFacts:
    """One registered model version and the run that made it."""

    version: int
    aliases: list[str]
    created: int
    run_id: str
    source: str
    tags: dict[str, str]
    run: RunFacts | None


@dataclass
class StoreFacts:
    """Everything the report shows from MLflow."""

    uri: str
    model_name: str
    versions: list[VersionFacts]
    runs: list[RunFacts]

    def champion(self, preferred: str | None) -> VersionFacts | None:
        """Return the version that serves: @champion (or @production), else the
        configured alias, else the newest version."""
        for alias in (*CHAMPION_ALIASES, preferred):
            for version in self.versions:
                if alias and alias in version.aliases:
                    return version
        return self.versions[0] if self.versions else None


def _sqlite_file(uri: str, root: Path) -> Path | None:
    if not uri.startswith("sqlite:///"):
        return None
    path = Path(uri.removeprefix("sqlite:///"))
    return path if path.is_absolute() else root / path


def _reachable(uri: str) -> str | None:
    """Return why an http(s) store cannot be read, or None."""
    if not uri.startswith(("http://", "https://")):
        return None
    from ..tracking import TrackingError, check_server

    try:
        check_server(uri, timeout=PROBE_SECONDS)
    except TrackingError as error:
        return str(error)
    return None


def run_facts(client: Any, run_id: str) -> RunFacts | None:
    """Return a run's facts, or None if the store does not know it."""
    from mlflow.exceptions import MlflowException

    try:
        run = client.get_run(run_id)
    except MlflowException:
        return None
    datasets = []
    for item in run.inputs.dataset_inputs if run.inputs else []:
        context = next((t.value for t in item.tags if t.key == "mlflow.data.context"), "")
        datasets.append(
            {
                "name": item.dataset.name,
                "digest": item.dataset.digest,
                "context": context,
                "source": item.dataset.source,
            }
        )
    try:
        artifacts = [entry.path for entry in client.list_artifacts(run_id)]
        for folder in [a for a in artifacts if "." not in a.rsplit("/", 1)[-1]]:
            artifacts += [entry.path for entry in client.list_artifacts(run_id, folder)]
    except (MlflowException, OSError):
        artifacts = []
    return RunFacts(
        run_id=run.info.run_id,
        name=run.info.run_name or "",
        status=run.info.status,
        start_time=int(run.info.start_time or 0),
        params=dict(run.data.params),
        metrics=dict(run.data.metrics),
        tags={k: v for k, v in run.data.tags.items() if not k.startswith("mlflow.log-model")},
        datasets=datasets,
        artifacts=sorted(artifacts),
    )


def _aliases(client: Any, model_name: str) -> dict[str, list[str]]:
    """Return version -> its aliases (search results do not carry them)."""
    from mlflow.exceptions import MlflowException

    try:
        registered = client.get_registered_model(model_name)
    except MlflowException:
        return {}
    found: dict[str, list[str]] = {}
    for alias, version in (registered.aliases or {}).items():
        found.setdefault(str(version), []).append(str(alias))
    return found


def read_store(uri: str, experiment: str, model_name: str, root: Path) -> StoreFacts | Missing:
    """Return the registered versions of `model_name` and the latest training runs."""
    database = _sqlite_file(uri, root)
    if database is not None and not database.is_file():
        return Missing(
            f"no MLflow store yet ({database.name})", "run `dvc repro` first (train logs to it)"
        )
    problem = _reachable(uri)
    if problem:
        return Missing(problem)
    os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    os.environ.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", "10")
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    client = MlflowClient(uri)
    try:
        found = client.get_experiment_by_name(experiment)
        runs = []
        if found is not None:
            for run in client.search_runs(
                [found.experiment_id],
                filter_string="tags.stage = 'train'",
                order_by=["attributes.start_time DESC"],
                max_results=MAX_RUNS,
            ):
                facts = run_facts(client, run.info.run_id)
                if facts is not None:
                    runs.append(facts)
        versions = []
        aliases = _aliases(client, model_name)
        listed = client.search_model_versions(
            f"name = '{model_name}'", max_results=MAX_VERSIONS, order_by=["version_number DESC"]
        )
        for version in listed:
            run_id = version.run_id or ""
            versions.append(
                VersionFacts(
                    version=int(version.version),
                    aliases=sorted(aliases.get(str(version.version), [])),
                    created=int(version.creation_timestamp or 0),
                    run_id=run_id,
                    source=str(version.source or ""),
                    tags=dict(version.tags or {}),
                    run=run_facts(client, run_id) if run_id else None,
                )
            )
    except MlflowException as error:
        first = str(error.message).strip().splitlines()[0] if error.message else "error"
        return Missing(f"MLflow store {uri} could not be read: {first}")
    versions.sort(key=lambda v: -v.version)
    return StoreFacts(uri, model_name, versions, runs)

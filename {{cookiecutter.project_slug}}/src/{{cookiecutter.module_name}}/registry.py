"""The registered model that predictions use: found by alias, loaded once, with its lineage.

`serve.model_uri` (conf/serve/) names it, `models:/<name>@champion` by default. The
version, its training run and the hash of the data it was trained on travel with every
prediction, so any output can be traced back to a commit and a dataset.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from omegaconf import DictConfig

from .runner import StageError
from .tracking import asked_again, start_tracking

_REGISTRY_URI = re.compile(r"^models:/(?P<name>[^/@]+)@(?P<alias>[^/@]+)$")


class ModelMissing(StageError):
    """The registry or the alias named in the config holds no model."""


@dataclass(frozen=True)
class LoadedModel:
    """A model ready to predict, and where it came from."""

    model: Any
    uri: str
    name: str | None = None
    version: str | None = None
    alias: str | None = None
    run_id: str | None = None
    data_version: str | None = None
    classes: list[Any] = field(default_factory=list)

    def metadata(self) -> dict[str, Any]:
        """Return the lineage a caller can read: name, version, alias, run, data hash."""
        return {
            "model_uri": self.uri,
            "name": self.name,
            "version": self.version,
            "alias": self.alias,
            "run_id": self.run_id,
            "training_data_version": self.data_version,
            "classes": [_plain(c) for c in self.classes],
        }


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def registry_name_and_alias(uri: str) -> tuple[str, str] | None:
    """Return (name, alias) for a `models:/<name>@<alias>` URI, else None."""
    match = _REGISTRY_URI.match(uri)
    return (match["name"], match["alias"]) if match else None


def alias_version(name: str, alias: str) -> Any | None:
    """Return the model version an alias points at, or None when there is none."""
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    try:
        return MlflowClient().get_model_version_by_alias(name, alias)
    except MlflowException:
        return None


def load_model(cfg: DictConfig, uri: str | None = None) -> LoadedModel:
    """Load the model `uri` (default `serve.model_uri`) once, with its lineage.

    Raises ModelMissing with one line when the registry or alias holds no model.
    """
    uri = uri or str(cfg.serve.model_uri)
    start_tracking(cfg)  # an unreachable tracking server fails here, in one line
    import mlflow.sklearn
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    named = registry_name_and_alias(uri)
    version = run_id = data_hash = None
    source = uri
    if named is not None:
        found = alias_version(*named)
        if found is None:
            raise ModelMissing(
                f"the model registry has no version of {named[0]!r} with alias @{named[1]} "
                f"({uri}); run the pipeline (dvc repro) or `make promote`, or set "
                "serve.model_uri in conf/serve/"
            )
        version, run_id = str(found.version), found.run_id
        source = f"models:/{named[0]}/{version}"
        if run_id:
            data_hash = MlflowClient().get_run(run_id).data.tags.get("data_version")
    try:
        model = mlflow.sklearn.load_model(source)
    except (MlflowException, OSError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ModelMissing(f"cannot load the model {uri}: {first}") from None
    return LoadedModel(
        model=model,
        uri=uri,
        name=named[0] if named else None,
        version=version,
        alias=named[1] if named else None,
        run_id=run_id,
        data_version=data_hash,
        classes=list(getattr(model, "classes_", [])),
    )


def point_alias(name: str, alias: str, version: str | int) -> None:
    """Point `name@alias` at `version` (a concurrent pipeline may be creating the alias too)."""
    from mlflow import MlflowClient

    client = MlflowClient()
    asked_again(lambda: client.set_registered_model_alias(name, alias, str(version)))

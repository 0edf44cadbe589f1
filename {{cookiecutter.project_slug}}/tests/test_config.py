"""The configuration: params.yaml is the composition of conf/, overrides switch options."""

from __future__ import annotations

from pathlib import Path

import pytest
from omegaconf import OmegaConf

from {{ cookiecutter.module_name }}.config import (
    compose_config,
    load_config,
    params_are_current,
)
from {{ cookiecutter.module_name }}.stages import train

PROJECT_ROOT = Path(__file__).resolve().parents[1]
MODEL_OPTIONS = sorted(path.stem for path in (PROJECT_ROOT / "conf" / "model").glob("*.yaml"))


def test_params_yaml_is_the_composition_of_conf() -> None:
    assert params_are_current(PROJECT_ROOT), "run `make params` and commit params.yaml"


def test_without_overrides_stages_read_params_yaml() -> None:
    params = OmegaConf.load(PROJECT_ROOT / "params.yaml")
    assert load_config(root=PROJECT_ROOT) == params


def test_overrides_compose_conf() -> None:
    cfg = load_config(["model=random_forest", "train.cv_folds=3"], root=PROJECT_ROOT)
    assert cfg.model.name == "random_forest"
    assert cfg.train.cv_folds == 3


def test_unknown_option_is_refused() -> None:
    from hydra.errors import HydraException

    with pytest.raises(HydraException):
        compose_config(["model=no_such_model"], root=PROJECT_ROOT)


@pytest.mark.parametrize("option", MODEL_OPTIONS)
def test_every_model_option_builds_an_estimator(option: str) -> None:
    cfg = compose_config([f"model={option}"], root=PROJECT_ROOT)
    assert cfg.model.name == option
    model = train.build_model(cfg.model)
    assert hasattr(model, "fit") and hasattr(model, "predict_proba")

"""Champion and candidate: a registered model becomes `@champion` only when it is better.

The rule, applied by the evaluate stage to every model that passed the quality gate and
by hand with `make promote` (python -m <package>.promote) to the `@candidate`:
1. In a DVC experiment trial nothing moves: `dvc exp run` runs each stage with
   DVC_EXP_NAME and DVC_EXP_BASELINE_REV in its environment, and a trial is a question,
   not a release.
2. With no `@champion` yet, the candidate becomes the champion, so a fresh `dvc repro`
   leaves one.
3. With PROMOTE_CHAMPION=false in the environment (CI on branches other than the default
   one, scheduled monitoring) an existing champion is never replaced.
4. A champion whose files cannot be loaded (its artifact store is gone) is replaced, and
   the decision says so.
5. Otherwise both models are scored on the same test set (`data.test_path`) and the
   candidate is promoted only when its `evaluate.promotion.metric` beats the champion's
   by more than `evaluate.promotion.margin`.
The decision is written as tags on the candidate's model version.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from omegaconf import DictConfig

from .files import read_split
from .registry import alias_version, point_alias
from .runner import StageError, reported_errors, stage_config
from .tracking import start_tracking

EXPERIMENT_VARIABLES = ("DVC_EXP_NAME", "DVC_EXP_BASELINE_REV")
SWITCH = "PROMOTE_CHAMPION"


@dataclass(frozen=True)
class Decision:
    """Whether the candidate was promoted, and why (one sentence)."""

    promoted: bool
    reason: str
    candidate_score: float | None = None
    champion_score: float | None = None


def experiment_trial() -> str | None:
    """Return the DVC experiment's name when this process runs inside `dvc exp run`."""
    for name in EXPERIMENT_VARIABLES:
        if os.environ.get(name):
            return os.environ.get("DVC_EXP_NAME") or "unnamed"
    return None


def switched_off() -> bool:
    """Return whether PROMOTE_CHAMPION=false (or 0, no, off) is set."""
    return os.environ.get(SWITCH, "").strip().lower() in {"0", "false", "no", "off"}


def is_better(candidate: float, champion: float, margin: float) -> bool:
    """Return whether the candidate beats the champion by more than `margin`."""
    return candidate > champion + margin


class Unloadable(StageError):
    """A registered model version whose files cannot be loaded."""


def score_version(cfg: DictConfig, name: str, version: str) -> dict[str, float]:
    """Score a registered model version on the test set with the evaluate stage's metrics.

    Raises Unloadable (one line) when the version's files cannot be loaded.
    """
    import mlflow.sklearn
    from mlflow.exceptions import MlflowException

    from .stages.evaluate import score

    features, labels = read_split(cfg.data.test_path, cfg.data.target)
    try:
        model = mlflow.sklearn.load_model(f"models:/{name}/{version}")
    except (MlflowException, OSError) as error:
        lines = str(error).strip().splitlines()
        raise Unloadable(
            f"version {version} of {name!r} cannot be loaded ({lines[0] if lines else error!r})"
        ) from None
    return score(labels, model.predict(features), model.predict_proba(features))


def promote(
    cfg: DictConfig, candidate: str, candidate_metrics: Mapping[str, float] | None = None
) -> Decision:
    """Apply the promotion rule to model version `candidate`; return the decision."""
    from mlflow import MlflowClient

    name = str(cfg.evaluate.registered_model_name)
    settings = cfg.evaluate.promotion
    alias, metric, margin = str(settings.alias), str(settings.metric), float(settings.margin)
    trial = experiment_trial()
    if trial is not None:
        return Decision(False, f"experiment trial {trial!r}: trials never move @{alias}")
    client = MlflowClient()
    champion = alias_version(name, alias)
    if champion is not None and str(champion.version) == str(candidate):
        return Decision(False, f"version {candidate} is already @{alias}")
    if champion is None:
        point_alias(name, alias, candidate)
        decision = Decision(True, f"version {candidate} is the first @{alias}")
    elif switched_off():
        decision = Decision(
            False, f"{SWITCH}=false: @{alias} stays version {champion.version} here"
        )
    else:
        ours = dict(candidate_metrics or score_version(cfg, name, candidate))
        try:
            theirs = score_version(cfg, name, str(champion.version))
        except Unloadable as error:
            # A champion nobody can load serves nothing: a loadable model that passed the
            # gate replaces it, and the reason says so.
            point_alias(name, alias, candidate)
            decision = Decision(True, f"@{alias} {error}; version {candidate} replaces it")
            client.set_model_version_tag(name, candidate, "promotion", decision.reason)
            return decision
        if metric not in ours:
            raise StageError(
                f"evaluate.promotion.metric {metric!r} is not a test metric; known: "
                f"{', '.join(ours)}"
            )
        better = is_better(ours[metric], theirs[metric], margin)
        if better:
            point_alias(name, alias, candidate)
        verdict = "beats" if better else "does not beat"
        decision = Decision(
            better,
            f"version {candidate} {verdict} @{alias} version {champion.version} on {metric} "
            f"({ours[metric]:.4f} vs {theirs[metric]:.4f}, margin {margin:g})",
            ours[metric],
            theirs[metric],
        )
    client.set_model_version_tag(name, candidate, "promotion", decision.reason)
    return decision


def run(cfg: DictConfig) -> Decision:
    """Promote the `@candidate` (evaluate.alias) by the rule; print the decision."""
    start_tracking(cfg)
    name, candidate_alias = str(cfg.evaluate.registered_model_name), str(cfg.evaluate.alias)
    candidate = alias_version(name, candidate_alias)
    if candidate is None:
        raise StageError(
            f"the registry has no version of {name!r} with alias @{candidate_alias}; "
            "run the pipeline first (dvc repro)"
        )
    decision = promote(cfg, str(candidate.version))
    print(f"promote: {'promoted' if decision.promoted else 'not promoted'}: {decision.reason}")
    return decision


def main(argv: Sequence[str] | None = None) -> None:
    """Run the promotion rule from the command line."""
    with reported_errors():
        run(stage_config(__doc__, argv))


if __name__ == "__main__":
    main()

# A rule's docstring starts with its title, a statement of the standard (not imperative).
# ruff: noqa: D401
"""Tracking (MLflow): a configured, overridable URI; local stores out of git; named runs."""

from __future__ import annotations

import re
from collections.abc import Iterator

from mlops_kit.audit import facts, needles
from mlops_kit.audit.model import Finding
from mlops_kit.audit.parsing import line_of
from mlops_kit.audit.profile import (
    TRAINING_SCRIPT,
    azureml_runs_jobs,
    calls_training,
    profile_of,
    runtime_files,
    template_source,
)
from mlops_kit.audit.repo import RepoView
from mlops_kit.audit.rule import rule

_SET_URI = re.compile(r"set_tracking_uri\s*\(")
_CLIENT_URI = re.compile(r"\bMlflowClient\(\s*+tracking_uri\s*+=")
_LITERAL_URI = re.compile(
    r"""(?:set_tracking_uri\s*\(\s*(?:uri\s*=\s*)?|MLFLOW_TRACKING_URI["']?\]?\s*=\s*)"""
    r"""[rbuf]?["']([^"']+)["']"""
)
# Code that reads MLFLOW_TRACKING_URI (not code that writes a literal into it:
# `os.environ["MLFLOW_TRACKING_URI"] = "https://..."` hard-codes the URI all the same;
# `os.environ.setdefault("MLFLOW_TRACKING_URI", default)` keeps a value already set).
_READS_ENV = re.compile(
    r"""(?:getenv|environ(?:\.get|\.setdefault)?)\s*[(\[]\s*["']MLFLOW_TRACKING_URI["']"""
    r"""(?!\s*\]\s*=[^=])"""
    # `elif "MLFLOW_TRACKING_URI" not in os.environ:`: the literal only when it is unset
    r"""|["']MLFLOW_TRACKING_URI["']\s+not\s+in\s+os\.environ"""
)
# A check that what MLflow resolved (`MLFLOW_TRACKING_URI` or a platform's URI) is still
# its default store: `if mlflow.get_tracking_uri().startswith("file:"):`,
# `current_uri in {"mlruns", "./mlruns"}`.
_REPLACES_DEFAULT_STORE = re.compile(
    r"""get_tracking_uri\(\)[^\n]{0,40}?\.startswith\(\s*["']file:"""
    r"""|\bif\b[^\n]{0,80}?\.startswith\(\s*["']file:|\bif\b[^\n]{0,80}?["'](?:\./)?mlruns["']"""
)
# An f-string that is nothing but interpolations (`f"{MLFLOW_TRACKING_URI}"`).
_ONLY_PLACEHOLDERS = re.compile(r"""[rbu]?f[rbu]?["'](?:\{[^{}"']*\})+["']$""", re.IGNORECASE)
_SET_EXPERIMENT = re.compile(r"set_experiment\s*\(|experiment_name\s*=|experiment_id\s*=")
# Code that sets an MLflow variable for the process (as a launcher would): an assignment
# to `os.environ[...]`, `os.environ.setdefault(...)`, `os.putenv(...)` or a notebook's
# `%env NAME=value`. Quotes may be escaped: a notebook's cells are JSON strings.
_SETS_ENV = re.compile(
    r"""(?:environ[ \t]*+\[[ \t]*+\\?["']|(?:environ\.setdefault|putenv)[ \t]*+\([ \t]*+\\?["']"""
    r"""|%(?:set_)?env[ \t]++)(MLFLOW_TRACKING_URI|MLFLOW_EXPERIMENT_NAME)"""
    r"""(?:\\?["'][ \t]*+\][ \t]*+=(?!=)|\\?["'][ \t]*+,|[ \t]*+=|[ \t]++[^\s\\"])"""
)


def _conf_keys(repo: RepoView, names: tuple[str, ...]) -> list[tuple[str, int | None, object]]:
    found = []
    for path in facts.conf_files(repo):
        data = repo.data(path)
        for keys, value, parent in facts.walk_values(data):
            key = keys[-1] if keys else None
            if isinstance(key, str) and key.lower() in names:
                found.append((path, line_of(parent, key), value))
    return found


def _uri_entries(repo: RepoView) -> list[tuple[str, int | None, object]]:
    entries = _conf_keys(repo, ("tracking_uri",))
    # kedro-mlflow's `conf/<env>/mlflow.yml`: `server: mlflow_tracking_uri:` (null: MLflow's
    # default, not a configured URI).
    for path in kedro_mlflow_files(repo):
        for keys, value, parent in facts.walk_values(repo.data(path)):
            if keys and keys[-1] == "mlflow_tracking_uri" and value is not None:
                entries.append((path, line_of(parent, "mlflow_tracking_uri"), value))
    for path in facts.conf_files(repo):
        data = repo.data(path)
        for keys, value, parent in facts.walk_values(data):
            if keys and keys[-1] == "uri":
                context = "/".join(map(str, (path, *keys))).lower()
                if "tracking" in context or "mlflow" in context:
                    entries.append((path, line_of(parent, "uri"), value))
    return entries


# An Optuna study persisted to a database (`create_study(direction=..., storage=url)`).
_OPTUNA_STORAGE = re.compile(r"create_study\([^)]{0,400}?\bstorage[ \t]*=")


def _records_own_runs(repo: RepoView) -> bool:
    """Return True when a training script writes each run's metrics into the run's folder.

    `run_dir = out / datetime.now().strftime(...)` and `json.dump(metrics, ...)` to
    `run_dir / "metrics.json"` in one file that trains (or in a module of run records
    that also writes the run's settings there: `config_snapshot.json`): the project keeps
    its own record of which settings gave which metrics, one folder per run.
    """
    for path in facts.runtime_code(repo):
        text = repo.text(path) or ""
        if not any(mark in text for mark in (".json", ".y", "json.dump")):
            continue  # no record file named: most modules, found by a literal test
        if not (needles.search(_RUN_METRICS_FILE, text) and needles.search(_RUN_FOLDER, text)):
            continue
        if calls_training(text) or _CONFIG_SNAPSHOT.search(text):
            return True  # the script that trains, or a module of run records it calls
    return False


# A copy of the run's settings beside its metrics (`config_snapshot.json`,
# `params.yaml` written into the run's folder): a run-records module of the project.
_CONFIG_SNAPSHOT = re.compile(
    r"[\"'/](?:config|params|hparams|settings)_?(?:snapshot|used|dump)?\.(?:json|ya?ml)[\"']"
    r"|\bconfig_snapshot\b"
)


# A record a run writes: `"metrics.json"`, `val_summary.json`, `results_fold1.json`,
# `experiment_manifest.json`, `run_config.json`, `config_resolved.yaml`, or
# `json.dump(self.history, ...)`.
_RUN_METRICS_FILE = re.compile(
    r"(?:metrics|summary|results?|history|manifest|run_config|config_resolved"
    r"|resolved_config)[\w/-]{0,40}\.(?:json|ya?ml)\b"
    r"|json\.dump\(\s*(?:self\.)?(?:metrics|history|results|summary)\b"
)
# A folder of its own per run: named by a timestamp, a run id or a uuid, or kept in a
# variable for the run's output (`run_dir`, `output_dir`, `save_path`, `artifacts_dir`).
_RUN_FOLDER = re.compile(
    r"\bstrftime\(|\b(?:run|exp|experiment|output|out|save|artifacts?)_(?:id|dir|name|root|path)\b"
    r"|\buuid"
)


# The project's own registry of runs in its database (`__tablename__ = "forecast_runs"`,
# `"training_runs"`, `"experiments"`; not a data pipeline's: `"pipeline_runs"`), or
# scalars reported to an experiment's logger the ClearML way
# (`task.get_logger().report_scalar(...)`, as in-house trackers copy it).
_RUN_REGISTRY = re.compile(
    r"(?m)\b__tablename__[ \t]*+=[ \t]*+[\"'](?!(?:pipeline|ingestion|etl|job|sync|scrape)_runs)"
    r"(?:[a-z0-9]++_)*?(?:runs|experiments"
    r"|model_versions|model_registry|model_candidates)[\"']"
    r"|^class[ \t]++\w*?(?:TrainingRun|TrainingMetrics|TrainingSession|ExperimentRun|ModelRun)"
    r"\((?:db\.)?(?:Model|Base)\)"
    r"|\.report_scalar\("
    # Ray Tune: every trial's config and reported metrics land in its results folder
    r"|\btune\.(?:run|report|Tuner)\("
)


def _training_scripts(repo: RepoView) -> bool:
    return any(TRAINING_SCRIPT.match(p.rsplit("/", 1)[-1]) for p in runtime_files(repo))


def kedro_mlflow_files(repo: RepoView) -> list[str]:
    """Return kedro-mlflow's settings files (`conf/base/mlflow.yml`, one per environment)."""
    return [p for p in repo.under("conf") if _KEDRO_MLFLOW.match(p)]


_KEDRO_MLFLOW = re.compile(r"^conf/[\w-]+/mlflow\.ya?ml$")


def _anchor(repo: RepoView) -> tuple[str, int | None]:
    """Where a tracking finding points: the first file that imports MLflow, at the import."""
    files = profile_of(repo).mlflow_files
    if not files:
        return facts.ROOT, None
    path = files[0]
    return path, facts.line_in(repo, path, r"^[ \t]*+(?:import|from)[ \t]++mlflow|import mlflow")


def _settings_files(repo: RepoView) -> list[str]:
    """Return the files that may configure MLflow outside the code.

    .env files, compose files, MLproject and YAML settings near the root (MLflow Recipes
    profiles, application settings) or in the folders of the code that uses MLflow.
    """

    def compute() -> list[str]:
        # Folders holding MLflow code, and their parents: an example's or a sub-project's
        # own settings (`examples/x/anaconda-project.yml`) sit there.
        near: set[str] = set()
        for path in profile_of(repo).mlflow_files:
            folder = path.rpartition("/")[0]
            while folder and folder not in near:
                near.add(folder)
                folder = folder.rpartition("/")[0]
        return [
            p
            for p in repo.files
            if not template_source(p)
            and (
                p.rsplit("/", 1)[-1].startswith(".env")
                or facts.compose_file(p)
                or p.endswith("MLproject")
                or (
                    p.endswith((".yaml", ".yml"))
                    and not p.startswith(".")
                    and not p.rsplit("/", 1)[-1].startswith(".")
                    and (p.count("/") <= 1 or p.rpartition("/")[0] in near)
                )
            )
        ]

    return facts.memo(repo, "tracking.settings", compute)


def _sets_in_code(repo: RepoView, name: str) -> bool:
    """Return True when code or a notebook using MLflow sets the variable `name` itself."""
    if any(name in text for _, _, text in facts.search_sources(repo, _SETS_ENV)):
        return True
    return any(
        name in match.group(1)
        for path in profile_of(repo).mlflow_files
        if name in (repo.text(path) or "")
        for match in _SETS_ENV.finditer(repo.text(path) or "")
    )


# `dagshub.init(repo_owner=..., repo_name=..., mlflow=True)` points MLflow at the DagsHub
# repository's tracking server (it sets MLFLOW_TRACKING_URI for the process).
# `dagshub.init(..., mlflow=True)`, or `init(...)` imported from dagshub.
_DAGSHUB_MLFLOW = re.compile(
    r"(?:dagshub\.|\b)init[ \t]*+\([^()]{0,600}?\bmlflow[ \t]*+=[ \t]*+True\b"
)


def _on_databricks(repo: RepoView) -> bool:
    """Return True when the code that uses MLflow runs on Databricks.

    Databricks notebooks (`# Databricks notebook source`) log to the workspace's tracking
    server, each to its own notebook experiment unless it names another; so do the jobs
    that dbx (`.dbx/project.json`) or a Databricks Asset Bundle (`databricks.yml` with a
    `bundle:`) deploys from the repository.
    """
    if ".dbx/project.json" in repo.file_set or _asset_bundle(repo):
        return True
    code = [p for p in profile_of(repo).mlflow_files if p.endswith(".py")]
    return bool(code) and all((repo.text(p) or "").startswith(_DATABRICKS_SOURCE) for p in code)


def _asset_bundle(repo: RepoView) -> bool:
    """Return True for a Databricks Asset Bundle: `databricks.yml` with a `bundle:` table."""
    for name in ("databricks.yml", "databricks.yaml"):
        if name in repo.file_set and re.search(r"^bundle\s*:", repo.text(name) or "", re.M):
            return True
    return False


_DATABRICKS_SOURCE = "# Databricks notebook source"


def _tracked_remotely(repo: RepoView) -> bool:
    """Return True when a platform sets the tracking URI: DagsHub, Azure ML or Databricks.

    `dagshub.init(..., mlflow=True)` (or `init` imported from dagshub) in code or a
    notebook, Azure ML running the scripts as jobs (it sets MLFLOW_TRACKING_URI to the
    workspace for each), Databricks notebooks (they log to the workspace), or ZenML steps
    run with the stack's experiment tracker (`@step(experiment_tracker=...)`: the
    tracker component holds the URI and sets it for the step).
    """

    def compute() -> bool:
        if _on_databricks(repo):
            return True
        if facts.search_sources(repo, _ZENML_TRACKER):
            return True
        if facts.search_sources(repo, _DAGSHUB_MLFLOW):
            return True
        notebooks = [p for p in profile_of(repo).mlflow_files if p.endswith(".ipynb")]
        if any(
            "dagshub" in (text := repo.text(p) or "") and _DAGSHUB_MLFLOW.search(text)
            for p in notebooks
        ):
            return True
        return azureml_runs_jobs(repo)

    return facts.memo(repo, "tracking.remote", compute)


_ZENML_TRACKER = re.compile(r"@step\([^)]{0,200}?\bexperiment_tracker[ \t]*=")


def _mentioned_outside_code(repo: RepoView, *words: str) -> bool:
    """True when CI, task runner files or settings files mention one of `words`."""
    ci = facts.task_text(repo)
    if any(word in ci for word in words):
        return True
    return any(word in (repo.text(p) or "") for p in _settings_files(repo) for word in words)


@rule("TRK101", family="tracking", severity="warning", applies=("mlflow", "project"))
def tracking_uri_configured(repo: RepoView) -> Iterator[Finding]:
    """The MLflow tracking URI is set in config.

    Why: with no URI, MLflow 3 silently creates `mlflow.db` and `mlruns/` in whatever
    folder a stage runs from, so runs scatter and the model registry is not where the
    team looks.
    Code or a notebook that sets `MLFLOW_TRACKING_URI` for its process
    (`os.environ[...] = ...`, `os.environ.setdefault`, `os.putenv`, `%env`) configures it
    like `set_tracking_uri()` does (TRK103 judges a literal value), and so does
    `dagshub.init(..., mlflow=True)` (runs go to the DagsHub repository's server). Scripts
    that Azure ML runs as jobs (azuremlschemas job YAML, `ml_client.jobs.create_or_update`)
    log to the workspace: Azure ML sets the URI for them, as Databricks does for its
    notebooks (`# Databricks notebook source`) and for the jobs dbx or an Asset Bundle
    deploys (`.dbx/project.json`, `databricks.yml`), and as a ZenML stack's experiment
    tracker does for the steps run with it (`@step(experiment_tracker=...)`). None of
    these is reported; nor is a Kedro
    project whose kedro-mlflow settings (`conf/base/mlflow.yml`) give
    `server.mlflow_tracking_uri`, nor code that gives its client the URI
    (`MlflowClient(tracking_uri=...)`).
    Fix: put the URI in config, e.g. `conf/tracking/local.yaml`:

        uri: ${oc.env:MLFLOW_TRACKING_URI,sqlite:///mlflow.db}
    """
    if _uri_entries(repo) or facts.search_sources(repo, _SET_URI):
        return
    if facts.search_sources(repo, _CLIENT_URI):
        return  # `MlflowClient(tracking_uri=...)`: the client is pointed at a store
    if _sets_in_code(repo, "MLFLOW_TRACKING_URI"):
        return  # `os.environ["MLFLOW_TRACKING_URI"] = ...`, `%env ...`: set like set_tracking_uri
    if _tracked_remotely(repo):
        return  # DagsHub or Azure ML sets the URI
    mlprojects = any(p.rsplit("/", 1)[-1] == "MLproject" for p in repo.files)
    if mlprojects or _mentioned_outside_code(repo, "MLFLOW_TRACKING_URI", "tracking_uri"):
        return  # `mlflow run` of an MLproject (at any depth) logs where its launcher says
    if any("set_tracking_uri" in (repo.text(p) or "") for p in profile_of(repo).mlflow_files):
        return
    yield Finding(
        "MLflow is used but no tracking URI is configured (config key, set_tracking_uri() "
        "or MLFLOW_TRACKING_URI)",
        *_anchor(repo),
    )


@rule("TRK102", family="tracking", severity="warning", applies=("mlflow", "project"))
def tracking_uri_overridable(repo: RepoView) -> Iterator[Finding]:
    """MLFLOW_TRACKING_URI overrides the configured tracking URI.

    Why: CI and colleagues point runs at a team server with `MLFLOW_TRACKING_URI`, as
    MLflow documents; code that calls `mlflow.set_tracking_uri(cfg...)` unconditionally
    ignores it and logs to the wrong store.
    A call whose argument reads an environment variable
    (`set_tracking_uri(os.getenv("MLFLOW_ENDPOINT_URL", ...))`, or a name assigned from one
    before the call, `uri = arg or mlflow.get_tracking_uri()` included: MLflow returns the
    variable's value) can be pointed elsewhere per environment and is not reported. Nor is
    a call made only when the configured value is set (`if uri: set_tracking_uri(uri)`,
    `set_tracking_uri(str(uri))` alike, or
    `if not uri: return` before it): left empty, MLflow reads MLFLOW_TRACKING_URI. A
    pydantic `BaseSettings` field named `mlflow_tracking_uri` (no `env_prefix`) is read
    from that variable, and a call that passes any field of such a class
    (`set_tracking_uri(settings.MODEL_TRACKING_URI)`) reads the variable of that name
    (behind the class's `env_prefix`, if it sets one). So does an Airflow Variable
    (`Variable.get("mlflow_server")`, also set by `AIRFLOW_VAR_MLFLOW_SERVER`).
    Fix: honour the variable in config (`uri: ${oc.env:MLFLOW_TRACKING_URI,sqlite:///mlflow.db}`)
    or in code (`os.environ.get("MLFLOW_TRACKING_URI") or cfg.tracking.uri`).
    """
    literal = {
        (path, line)
        for path, line, text in facts.search_sources(repo, _LITERAL_URI)
        if not _ONLY_PLACEHOLDERS.search(text)
    }
    calls = [
        c
        for c in facts.search_sources(repo, _SET_URI)
        if c[:2] not in literal
        and not _reads_environment(repo, c[0], c[1])
        and not _only_when_set(repo.text(c[0]) or "", c[1])
        and not _settings_field_argument(repo, c[0], c[1])
    ]
    if not calls:
        return  # none, or only literal URIs (TRK103 reports those)
    mentioned = re.compile(r"MLFLOW_TRACKING_URI")
    if facts.search_sources(repo, mentioned):
        return
    if any(mentioned.search(repo.text(path) or "") for path in facts.conf_files(repo)):
        return
    if _settings_field_reads_variable(repo):
        return  # pydantic settings: the field `mlflow_tracking_uri` reads the variable
    path, line, _ = calls[0]
    yield Finding(
        "set_tracking_uri() is called but MLFLOW_TRACKING_URI is never consulted", path, line
    )


def _settings_field_argument(repo: RepoView, path: str, line: int) -> bool:
    """Return True when the call on `line` passes a field of a pydantic `BaseSettings` class.

    `set_tracking_uri(Settings.MODEL_TRACKING_URI)` where `MODEL_TRACKING_URI: str = ...`
    is a field of a `BaseSettings` subclass: pydantic-settings fills it from the
    environment variable of its name, so each environment can point it elsewhere.
    """
    lines = (repo.text(path) or "").splitlines()
    call = _CALL_WITH_NAME.search(lines[line - 1]) if 0 < line <= len(lines) else None
    if call is None or "." not in call.group(1) or "[" in call.group(1):
        return False
    field = call.group(1).rsplit(".", 1)[1]
    declared = re.compile(rf"(?mi)^[ \t]+{re.escape(field)}[ \t]*:")
    return any(
        "BaseSettings" in (repo.text(source) or "")
        for source, _, _ in facts.search_sources(repo, declared)
    )


def _settings_field_reads_variable(repo: RepoView) -> bool:
    """Return True when a pydantic `BaseSettings` class has a `mlflow_tracking_uri` field.

    pydantic-settings fills each field from the environment variable of its name (any
    case), so MLFLOW_TRACKING_URI overrides it, unless the class sets an `env_prefix`.
    """
    for path, _, _ in facts.search_sources(repo, _SETTINGS_FIELD):
        text = repo.text(path) or ""
        if "BaseSettings" in text and not _ENV_PREFIX.search(text):
            return True
    return False


_SETTINGS_FIELD = re.compile(r"(?m)^[ \t]+mlflow_tracking_uri[ \t]*:")
_ENV_PREFIX = re.compile(r"""env_prefix["']?\s*[=:]\s*["'][^"']""")
# `set_tracking_uri(uri)`, `set_tracking_uri(str(cfg.uri))`
_CALL_WITH_NAME = re.compile(
    r"set_tracking_uri\(\s*(?:str\(\s*)?([\w.]++(?:\[[^\]\n]{1,80}\])*)\s*\)"
)
# `if uri:`, `if cfg.uri is not None:`, `if self.config["mlflow"]["tracking_uri"]:`
_IF_SET = re.compile(
    r"^\s*(?:el)?if\s+([\w.]++(?:\[[^\]\n]{1,80}\])*)(?:\s+is\s+not\s+None)?\s*:\s*(?:#.*)?$"
)


def _only_when_set(text: str, line: int) -> bool:
    """Return True when the call on `line` runs under `if <its argument>:` (a set value)."""
    lines = text.splitlines()
    if not 0 < line <= len(lines):
        return False
    call = _CALL_WITH_NAME.search(lines[line - 1])
    if call is None:
        return False
    above = next((t for t in reversed(lines[: line - 1]) if t.strip()), "")
    guard = _IF_SET.match(above)
    if guard is not None and guard.group(1) == call.group(1):
        return True
    # `if not tracking_uri or not experiment_name: return` earlier in the function
    for index in range(line - 2, max(-1, line - 2 - _GUARD_REACH), -1):
        if _DEF_LINE.match(lines[index]):
            break
        found = _IF_NOT.match(lines[index])
        if found is not None and call.group(1) in _NEGATED.findall(found.group(1)):
            after = found.group(2) or (lines[index + 1] if index + 1 < len(lines) else "")
            return after.strip().startswith(("return", "raise"))
    return False


# How far above the call an early return may stand, and where the function starts.
_GUARD_REACH = 40
_DEF_LINE = re.compile(r"^\s*(?:async\s+)?def\s")
# `if not uri or not name: return`: the condition, and what follows the colon.
_IF_NOT = re.compile(r"^[ \t]*+if[ \t]++(not[ \t][^:\n]*+):[ \t]*+(.*)$")
_NEGATED = re.compile(r"\bnot[ \t]++([\w.]++)")


def _reads_environment(repo: RepoView, path: str, line: int) -> bool:
    """Return True when the `set_tracking_uri(...)` on `line` reads an environment variable.

    A name the file imports (`from src.constants import MLFLOW_URI`) is looked up where
    it is assigned (`MLFLOW_URI = os.environ.get("MLFLOW_URI", ...)`).
    """
    text = repo.text(path) or ""
    start = 0
    for _ in range(line - 1):
        start = text.find("\n", start) + 1
    call = _SET_URI.search(text, start)
    if call is None:
        return False
    depth, end = 1, call.end()
    limit = min(len(text), end + _ARGUMENT_LIMIT)
    while end < limit and depth:
        depth += {"(": 1, ")": -1}.get(text[end], 0)
        end += 1
    argument = text[call.end() : end - 1].strip()
    argument = re.sub(r"^uri\s*=\s*", "", argument)  # `set_tracking_uri(uri=MLFLOW_URI)`
    if argument.startswith("self.") and argument[5:].isidentifier():
        # `self.tracking_uri = os.environ.get("MLFLOW_BERU_TRACKING_URI", ...)` in __init__
        return _assigned_from_environment(text, argument, len(text))
    if argument.isidentifier():  # `uri = os.getenv("MLFLOW_ENDPOINT_URL")` before the call
        if _assigned_from_environment(text, argument, call.start()):
            return True
        source = _imported_from(repo, path, text, argument)
        return source is not None and _assigned_from_environment(source, argument, len(source))
    return _ENV_READ.search(argument) is not None


def _imported_from(repo: RepoView, path: str, text: str, name: str) -> str | None:
    """Return the text of the repo's module that `text` imports `name` from, if any."""
    for match in _FROM_IMPORT.finditer(text):
        if name not in re.split(r"[\s,()]+", match.group(2)):
            continue
        module = match.group(1)
        dots = len(module) - len(module.lstrip("."))
        relative = module.lstrip(".").replace(".", "/")
        if dots:
            base = path.rsplit("/", dots)[0] if path.count("/") >= dots else ""
            candidates = [f"{base}/{relative}" if base else relative]
        else:
            candidates = [relative, f"src/{relative}"]
        for candidate in candidates:
            for file in (f"{candidate}.py", f"{candidate}/__init__.py"):
                if file in repo.file_set:
                    return repo.text(file) or ""
    return None


_FROM_IMPORT = re.compile(r"^[ \t]*+from[ \t]++([\w.]++)[ \t]++import[ \t]++([^\n#]+)", re.M)


def _assigned_from_environment(text: str, name: str, end: int) -> bool:
    """Return True when a line before `end` assigns `name` a value read from the environment."""
    at = text.find(name, 0, end)
    while at != -1:  # only where the name starts a line (found by a literal search)
        start = text.rfind("\n", 0, at) + 1
        if not text[start:at].strip(" \t"):
            value = _assigned_value(text, at + len(name))
            if value is not None and _ENV_READ.search(value):
                return True
        at = text.find(name, at + 1, end)
    return False


# `os.getenv(...)`, `os.environ[...]`, or MLflow's own `get_tracking_uri()`, which returns
# MLFLOW_TRACKING_URI when it is set.
# Also an Airflow Variable (`Variable.get("mlflow_server")`): set per deployment, and
# from the environment (`AIRFLOW_VAR_MLFLOW_SERVER`).
_ENV_READ = re.compile(r"\bgetenv\b|\benviron\b|\bget_tracking_uri\(|\bVariable\.get\(")


def _assigned_value(text: str, at: int) -> str | None:
    """Return the value when the name ending at `at` is assigned (`name: str = value`)."""
    stop = text.find("\n", at)
    rest = text[at : stop if stop != -1 else len(text)]
    if rest[:1].isalnum() or rest[:1] == "_":
        return None  # a longer name
    rest = rest.lstrip(" \t")
    if rest.startswith(":"):  # an annotation before the value
        _, equals, rest = rest.partition("=")
        if not equals:
            return None
    elif rest.startswith("="):
        rest = rest[1:]
    else:
        return None
    return None if rest.startswith("=") else rest


_ARGUMENT_LIMIT = 2000  # characters of a call's arguments that are read


@rule("TRK103", family="tracking", severity="warning", applies=("mlflow", "project"))
def tracking_uri_not_hard_coded(repo: RepoView) -> Iterator[Finding]:
    """The tracking URI is not hard-coded in Python code.

    Why: a URI in code cannot be switched per environment (laptop, CI, team server)
    without editing and committing code, and experiments end up in the wrong store.
    `databricks`, `databricks-uc` and `databricks://<profile>` are not reported: MLflow
    finds the workspace from the Databricks CLI profile or environment. Neither is an
    f-string whose host is an interpolation (`f"http://{host}:5000"`, the host read from
    the environment or settings, not a string the file assigns): it names no server. A
    commented-out call is not code, and a literal in a file that reads the variable
    (`os.getenv("MLFLOW_TRACKING_URI", "http://127.0.0.1:5000")`,
    `os.environ.setdefault("MLFLOW_TRACKING_URI", DEFAULT_URI)`, a call under
    `if "MLFLOW_TRACKING_URI" not in os.environ:`) is only its fallback, and so is one
    set only while MLflow still has its default store (`if
    mlflow.get_tracking_uri().startswith("file:"):`: the variable, or a platform's URI,
    wins).
    Fix: read it from config (`cfg.tracking.uri`) and let `MLFLOW_TRACKING_URI` override
    it.
    """
    for path, line, text in facts.search_sources(repo, _LITERAL_URI):
        source = repo.text(path) or ""
        if _READS_ENV.search(source):
            continue  # a fallback for when MLFLOW_TRACKING_URI is not set
        if "get_tracking_uri" in source and _REPLACES_DEFAULT_STORE.search(source):
            continue  # set only while MLflow still has its default store: a fallback
        if _ONLY_PLACEHOLDERS.search(text):
            continue  # f"{uri}": the value comes from a variable
        if _DATABRICKS.search(text):
            continue  # the workspace of the Databricks profile or environment, not a server
        if _host_from_elsewhere(text, source):
            continue  # f"http://{host}:5000": the server is whatever `host` holds
        yield Finding("tracking URI written as a literal in code", path, line)


def _interpolated_host(text: str) -> str | None:
    """Return the host of an f-string URI when it is an interpolation (`host` of `{host}`).

    `f"http://{host}:5000"` -> "host"; an f-string starting with one (`f"{base}/x"`) ->
    "base"; None for a URI whose host is written out.
    """
    match = _LITERAL_URI.search(text)
    if match is None or match.start(1) < 2 or text[match.start(1) - 2] != "f":
        return None
    uri = match.group(1)
    scheme, separator, rest = uri.partition("://")
    host = rest.split("/", 1)[0].rpartition("@")[2] if separator else uri  # no user
    if "{" in scheme:
        host = scheme
    if not host.startswith("{") or "}" not in host:
        return None
    return host[1 : host.index("}")].strip()


def _host_from_elsewhere(text: str, source: str) -> bool:
    """Return True when the literal URI `text` takes its host from the environment or settings.

    An interpolated host is hard-coded all the same when the file assigns its name a string
    literal (`host = "tracking"`).
    """
    host = _interpolated_host(text)
    if host is None:
        return False
    if not host.isidentifier():
        return True  # `{settings.EC2}`, `{cfg["host"]}`: read from settings
    at = source.find(host)
    while at != -1:  # only where the name starts a line (found by a literal search)
        start = source.rfind("\n", 0, at) + 1
        if not source[start:at].strip(" \t"):
            value = _assigned_value(source, at + len(host))
            if value is not None and value.lstrip(" \t").startswith(("'", '"')):
                return False
        at = source.find(host, at + 1)
    return True


# `set_tracking_uri("databricks")`, `"databricks-uc"`, `f"databricks://{profile}"`: MLflow
# resolves the workspace from the Databricks CLI profile or environment variables.
_DATABRICKS = re.compile(r"""["']databricks(?:-uc)?(?:://[^"']*)?["']$""")


@rule(
    "TRK104",
    family="tracking",
    severity="warning",
    kit_severity="error",
    requires=("LAY109",),
    applies=("mlflow", "project"),
)
def local_stores_ignored(repo: RepoView) -> Iterator[Finding]:
    """Local MLflow stores are git-ignored.

    Why: `mlflow.db`, `mlruns/` and `mlartifacts/` hold every run and model artefact;
    committed, they bloat the repository and conflict on every run. A folder that git
    keeps with a placeholder alone (`mlruns/.gitkeep`), or with the DVC pointer files of a
    store DVC versions (`mlruns/1.dvc`), holds no run and is not reported;
    an `mlflow.db` committed in a sub-folder (a compose setup's `mlflow_data/mlflow.db`) is.
    MLflow before 3 writes no `mlflow.db` by default: it is not asked for where the
    manifests pin MLflow below 3 or, naming none, an image (`pip install mlflow==2.4.0`), a
    logged model's `pip_requirements` or a committed MLmodel does.
    Runs logged to DagsHub (`dagshub.init(..., mlflow=True)`), from Azure ML jobs, from
    Databricks notebooks or from ZenML steps with an experiment tracker write no local
    store, nor does code that reads MLFLOW_TRACKING_URI itself (`if
    os.getenv("MLFLOW_TRACKING_URI"): ... else: raise`): unless one exists or is named,
    nothing needs ignoring.
    Fix: add to .gitignore:

        mlflow.db
        mlruns/
        mlartifacts/
    """
    facts.ask_git_what_it_ignores(repo)
    exposed = []
    for store in facts.MLFLOW_STORES:
        # mlruns/ and mlartifacts/ are folders the listing never enters: their committed
        # files are in `listing.hidden`. An experiment's meta.yaml alone holds no run.
        inside = next(
            (
                p
                for p in repo.listing.hidden
                if p.startswith(f"{store}/")
                and not _EXPERIMENT_META.match(p)
                and not _holds_no_run(p)
            ),
            None,
        )
        # A folder kept in git by a placeholder alone (`mlruns/.gitkeep`), or by the DVC
        # pointer files of a store DVC versions (`mlruns/1.dvc`), holds no run.
        kept = [p for p in repo.tracked if p.startswith(f"{store}/")]
        placeholders_only = bool(kept) and all(_holds_no_run(p) for p in kept)
        if (repo.is_tracked(store) and not placeholders_only) or inside is not None:
            committed = store if store in repo.file_set else next(iter(repo.under(store)), store)
            yield Finding(f"{store} is committed to git", inside or committed)
        elif not repo.is_ignored(store) and _store_expected(repo, store):
            exposed.append(store)
    # A tracking server's SQLite store committed in a sub-folder
    # (`orchestration/mlflow_data/mlflow.db`): every run of that server, in git.
    for path in sorted(repo.tracked):
        if "/" in path and path.rsplit("/", 1)[-1] == "mlflow.db":
            yield Finding(f"{path} is committed to git", path)
    if exposed:
        yield Finding(
            f"{', '.join(exposed)} {'is' if len(exposed) == 1 else 'are'} not git-ignored",
            ".gitignore" if ".gitignore" in repo.file_set else facts.ROOT,
        )


_PLACEHOLDERS = frozenset({".gitkeep", ".keep", ".placeholder", ".gitignore", "README.md"})


def _holds_no_run(path: str) -> bool:
    """Return True for a placeholder (`.gitkeep`) or a DVC pointer file (`1.dvc`) in a store."""
    name = path.rsplit("/", 1)[-1]
    return name in _PLACEHOLDERS or name.endswith(".dvc")


_EXPERIMENT_META = re.compile(r"^[\w.-]+/[^/]+/meta\.yaml$")


def _store_expected(repo: RepoView, store: str) -> bool:
    """Return True when MLflow may create `store` at the repository root.

    It does when the store exists, the code, config or settings name it at the root
    (`sqlite:///mlflow.db`, `"mlruns"`), or no tracking URI is configured and the code
    never reads MLFLOW_TRACKING_URI (MLflow 3 then writes mlflow.db and mlruns/ in the
    working folder). A local SQLite store at the root
    keeps its artifacts in mlruns/. Runs of the file store in mlruns/ (each with its
    meta.yaml) say that the MLflow in use writes no mlflow.db.
    """
    if repo.exists(store):
        return True
    if store == "mlartifacts":
        return False  # only a local `mlflow server` creates it
    if _named_at_root(repo, store) or (store == "mlruns" and _named_at_root(repo, "mlflow.db")):
        return True
    if store == "mlflow.db" and (_mlflow_before_3(repo) or _file_store_runs(repo)):
        return False  # MLflow 2's default store is ./mlruns; only MLflow 3 creates mlflow.db
    configured = bool(_uri_entries(repo) or facts.search_sources(repo, _SET_URI))
    configured = configured or _tracked_remotely(repo)
    # Code that reads the variable itself (`if os.getenv("MLFLOW_TRACKING_URI"): ...`,
    # `os.environ["MLFLOW_TRACKING_URI"]`) is run with it set; a fallback it gives is a
    # literal `_named_at_root` has judged.
    configured = configured or bool(facts.search_sources(repo, _READS_ENV))
    return not configured and not _mentioned_outside_code(
        repo, "MLFLOW_TRACKING_URI", "tracking_uri"
    )


def _file_store_runs(repo: RepoView) -> bool:
    """Return True when mlruns/ holds runs of MLflow's file store (`<exp>/<run>/meta.yaml`).

    Only the file store writes a meta.yaml for each run: the MLflow that logged them keeps
    runs in ./mlruns, not in a SQLite mlflow.db.
    """
    return any(_RUN_META.match(p) for p in repo.listing.hidden if p.startswith("mlruns/"))


_RUN_META = re.compile(r"^mlruns/[\w.-]+/[0-9a-f]{32}/meta\.yaml$")


def _mlflow_before_3(repo: RepoView) -> bool:
    """Return True when every declared MLflow requirement stays below MLflow 3.

    `mlflow>=2.22,<3.0` in `[project]`, `mlflow = "^2.16"` for Poetry, `mlflow==2.9.2` in
    a requirements file: the version installed keeps runs in ./mlruns by default. Where
    no manifest names MLflow, its pins elsewhere say which one the project uses.
    """
    specs = [
        requirement.strip()[len(name_match.group(0)) :]
        for requirement in facts.runtime_requirements(repo)
        if (name_match := _MLFLOW_NAME.match(requirement.strip())) is not None
    ]
    for name, constraint in facts.poetry_constraints(repo):
        if name in ("mlflow", "mlflow-skinny"):
            constraint = constraint.strip()
            specs.append(constraint if constraint[:1] in "^~<=>!" else f"=={constraint}")
    for path in profile_of(repo).requirements:
        for _, requirement in facts.requirements_in(repo, path):
            if (name_match := _MLFLOW_NAME.match(requirement.strip())) is not None:
                specs.append(requirement.strip()[len(name_match.group(0)) :])
    specs = [spec for spec in specs or _mlflow_pins(repo) if spec.strip()]
    return bool(specs) and all(_caps_below_3(spec) for spec in specs)


def _mlflow_pins(repo: RepoView) -> list[str]:
    """MLflow's version constraints outside the manifests.

    An image's `RUN pip install mlflow==2.4.0`, a logged model's
    `pip_requirements=["mlflow==2.3.2"]` in the MLflow code, and the `mlflow_version:
    2.4.0` of a committed MLmodel file.
    """
    texts = [
        repo.text(path) or "" for path in (*facts.dockerfiles(repo), *profile_of(repo).mlflow_files)
    ]
    pins = [match.group(1) for text in texts for match in _MLFLOW_PIN.finditer(text)]
    for path in repo.files:
        if path.rsplit("/", 1)[-1] == "MLmodel":
            logged = _MLMODEL_VERSION.search(repo.text(path) or "")
            pins += [f"=={logged.group(1)}"] if logged else []
    return pins


# `mlflow==2.4.0`, `"mlflow>=2.0,<3"`, `mlflow[extras]~=2.9` (what follows the name).
_MLFLOW_PIN = re.compile(
    r"(?<![\w.-])mlflow(?:[-_]skinny)?(?:\[[^\]\n]{0,80}+\])?[ \t]*+([<>=!~][<>=!~\d., \t*]{0,60}+)"
)
_MLMODEL_VERSION = re.compile(r"^mlflow_version:[ \t]*+[\"']?(\d[\w.]{0,30}+)", re.MULTILINE)


def _caps_below_3(spec: str) -> bool:
    """Return True when a version specifier admits no MLflow 3 (`<3`, `==2.9.2`, `^2.16`)."""
    for match in _UPPER_BOUND.finditer(spec):
        operator, major, minor = match.group(1), int(match.group(2)), match.group(3)
        if operator == "<" and (major < 3 or (major == 3 and int(minor or 0) == 0)):
            return True
        if operator != "<" and major < 3:
            return True
    return False


_MLFLOW_NAME = re.compile(r"(?i)mlflow(?:[-_]skinny)?(?:\[[^\]]*+\])?(?![\w.-])")
# Operators that bound a version from above: `<3`, `<=2.9`, `==2.9.2`, `~=2.16`, Poetry's
# `^2.16` and `~2.16`.
_UPPER_BOUND = re.compile(r"(<=?|==|~=|\^|~)\s*(\d+)(?:\.(\d+))?")


# Not a folder joined under another (`output_root / "mlruns"`, `join(out, "mlruns")`).
_NOT_JOINED = "(?<!/ \")(?<!/ ')(?<!/\")(?<!/')(?<!, \")(?<!, ')"


def _named_at_root(repo: RepoView, store: str) -> bool:
    at_root = re.compile(
        rf"(?:sqlite:///|file:|\./|(?<![\w/.-]){_NOT_JOINED}){re.escape(store)}(?![\w.-])"
    )
    # A sub-project's own YAML settings name stores in its own folder, not at the root.
    settings = [
        p
        for p in _settings_files(repo)
        if p.count("/") <= 1 or not p.endswith((".yaml", ".yml")) or facts.compose_file(p)
    ]
    # A task runner's recipes, called by CI or not (`make start-services` runs
    # `mlflow server --backend-store-uri sqlite:///mlflow.db` where the developer is).
    runners = [name for name in _TASK_FILES if name in repo.file_set]
    paths = (
        *profile_of(repo).mlflow_files,
        *settings,
        *facts.conf_files(repo),
        *kedro_mlflow_files(repo),
        *runners,
    )
    # The literal test first: the pattern has no literal start, so a search tries it at
    # every character of every text (and comments are cut only from texts naming it).
    # A compose service writes its store inside its container unless it mounts a folder
    # of the checkout (`- ./mlruns:/mlflow`, `- .:/app`).
    texts = [
        _notebook_code(repo, p) if p.endswith(".ipynb") else text
        for p in paths
        if store in (text := repo.text(p) or "")
        and (not facts.compose_file(p) or _mounted_service_names(repo, p, store))
    ]
    texts = [_without_comments(text) for text in texts]
    texts.append(facts.task_text(repo))
    return any(store in text and at_root.search(text) is not None for text in texts)


def _notebook_code(repo: RepoView, path: str) -> str:
    """Return the source of a notebook's code cells (its outputs quote MLflow's warnings).

    MLflow's own FutureWarning suggests `'sqlite:///mlflow.db'`: an output that names a
    store the code never uses.
    """
    notebook = repo.data(path, "json")
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    sources = []
    for cell in cells if isinstance(cells, list) else []:
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            source = cell.get("source")
            sources.append("".join(source) if isinstance(source, list) else str(source or ""))
    return "\n".join(sources)


def _mounted_service_names(repo: RepoView, path: str, store: str) -> bool:
    """Return True when a compose service that names `store` mounts a folder of the checkout.

    `mlflow server --backend-store-uri sqlite:///mlflow.db` in a service without a bind
    mount (`- ./mlruns:/mlflow`, `- .:/app`) writes the store inside its container.
    """
    data = repo.data(path)
    services = data.get("services") if isinstance(data, dict) else None
    if not isinstance(services, dict):
        return True  # not a compose file it can read: judge the text as before
    for service in services.values():
        if not isinstance(service, dict) or store not in str(service):
            continue
        volumes = service.get("volumes")
        for volume in volumes if isinstance(volumes, list) else []:
            source = volume.get("source") if isinstance(volume, dict) else volume
            if isinstance(source, str) and source.strip().startswith("."):
                return True
    return False


_TASK_FILES = ("Makefile", "makefile", "GNUmakefile", "justfile", "Justfile", "Taskfile.yml")


def _without_comments(text: str) -> str:
    """The text without its comment lines (`# e.g. ./mlruns` names no store in use)."""
    if "#" not in text:
        return text
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


# A call that logs a run (or starts one, or a trace) to MLflow, a trainer's MLflow logger
# or callback, or a trainer told to log to it.
_LOGS_RUNS = re.compile(
    r"\b(?:start_run|create_run|autolog|log_metrics?|log_params?|log_model|log_artifacts?"
    r"|log_input|log_table|log_figure|log_dict|log_text|log_image|log_batch|start_span)"
    r"[ \t]*+\(|\bmlflow\.(?:[a-z_]+\.)?(?:log_\w+|evaluate|trace)\b"
    r"|\bML[fF]low(?:Logger|Callback)\b|\breport_to[ \t]*+=[ \t]*+\[?[ \t]*+\\?[\"']mlflow"
)


def _logs_runs(repo: RepoView) -> bool:
    """Return True when code or notebooks log runs, or an MLproject runs them (`mlflow run`)."""
    if any(p.rsplit("/", 1)[-1] == "MLproject" for p in repo.files):
        return True
    # Only a file that names MLflow can log to it (`import mlflow`, `MLFlowLogger`,
    # `report_to="mlflow"`): a substring test keeps the pattern off every other file.
    files = [*facts.runtime_code(repo), *profile_of(repo).mlflow_files]
    for path in dict.fromkeys(files):
        text = repo.text(path) or ""
        if ("mlflow" in text or "MLflow" in text or "MLFlow" in text) and _LOGS_RUNS.search(text):
            return True
    return False


# A ZenML step that logs through the stack's experiment tracker.
_STEP_TRACKER = re.compile(r"\bexperiment_tracker\s*=")


@rule("TRK105", family="tracking", severity="warning", applies=("mlflow", "project"))
def experiment_named(repo: RepoView) -> Iterator[Finding]:
    """Runs go to a named experiment.

    Why: runs logged to MLflow's "Default" experiment mix every project and purpose;
    a named experiment is what makes runs findable and comparable. Setting
    `MLFLOW_EXPERIMENT_NAME` in code or a notebook (`os.environ[...] = ...`, `%env`), or
    in the environment a workflow or manifest gives the job (a Kestra flow's or a
    Kubernetes Job's `env:`), names it too.
    Code that logs no run (no `start_run`, `log_metric`, `log_param`, `log_model`,
    `autolog`, MLflow logger... and no MLproject that `mlflow run` starts: a service that
    only loads registered models) writes to no experiment and is not reported. Nor are
    ZenML steps that log through the stack's experiment tracker
    (`@step(experiment_tracker=...)`): it names the experiment after the pipeline; nor
    Databricks notebooks, which log to their own notebook experiment.
    Fix: set `experiment_name: my_project` in the tracking config and call
    `mlflow.set_experiment(cfg.tracking.experiment_name)`.
    """
    if not _logs_runs(repo) or _on_databricks(repo):
        return  # Databricks notebooks log to their own notebook experiment
    if _conf_keys(repo, ("experiment_name", "experiment")):
        return
    if facts.search_sources(repo, _SET_EXPERIMENT):
        return
    if "zenml" in profile_of(repo).trackers and facts.search_sources(repo, _STEP_TRACKER):
        return  # ZenML's MLflow tracker names the experiment after the pipeline
    if (
        any(_SET_EXPERIMENT.search(repo.text(p) or "") for p in profile_of(repo).mlflow_files)
        or "MLproject" in repo.file_set
    ):
        return
    if _mentioned_outside_code(
        repo, "MLFLOW_EXPERIMENT_NAME", "--experiment-name", "experiment_name", "experiment:"
    ) or _sets_in_code(repo, "MLFLOW_EXPERIMENT_NAME"):
        return
    if any(
        "MLFLOW_EXPERIMENT_NAME" in (repo.text(p) or "")
        for p in repo.files
        if p.endswith((".yaml", ".yml")) and not template_source(p)
    ):
        return  # a workflow's or a manifest's environment (`env: MLFLOW_EXPERIMENT_NAME: x`)
    yield Finding(
        "runs go to MLflow's Default experiment: no experiment name in config, no "
        "set_experiment() call, no MLFLOW_EXPERIMENT_NAME",
        *_anchor(repo),
    )


# Scripts that run inside a container must bind every interface of the container; what
# the host exposes is decided where the port is published (compose, `docker run -p`).
_IN_IMAGE = re.compile(r"(?:^|/)(?:docker|containers?|images?)/|entrypoint[\w.-]*\.sh$")
# The rest of the command line is scanned up to the next `mlflow `, so a search does not
# rescan the line from every `mlflow` on it.
_CLI_BIND = re.compile(
    r"mlflow[ \t]++(?:server|ui)\b(?:(?!mlflow[ \t])[^\n])*?"
    r"(?:--host|-h)[ =]++(0\.0\.0\.0|::|\[::\])"
)


# `["mlflow", "server", "--port", "5000", "--host", "0.0.0.0"]`: an argument list.
_ARGV_BIND = re.compile(
    r"""["']mlflow["'],[ \t]*+["'](?:server|ui)["']"""
    r"""(?:,[ \t]*+["'][^"'\n,]*+["'])*?,[ \t]*+["'](?:--host|-h)["'],[ \t]*+"""
    r"""["'](?:0\.0\.0\.0|::)["']"""
)


def tracking_service(name: object, service: object) -> bool:
    """True for a compose service that runs MLflow (by its name, image, build or command).

    Of a `build:` mapping only its context and dockerfile count: build args
    (`MLFLOW_PORT=5000`) tell an image where to find MLflow, not that it runs it. A
    command counts when it starts `mlflow server` or `mlflow ui`: one that installs the
    mlflow package (`pip install ... mlflow`) runs something else.
    """
    if not isinstance(service, dict):
        return False
    build = service.get("build")
    if isinstance(build, dict):
        build = " ".join(str(build.get(key, "")) for key in ("context", "dockerfile"))
    words = " ".join(str(part) for part in (name, service.get("image"), build))
    if "mlflow" in words.lower():
        return True
    commands = " ".join(str(service.get(key, "")) for key in ("command", "entrypoint"))
    return "mlflow" in commands.lower() and _STARTS_MLFLOW.search(commands) is not None


# `mlflow server`, `mlflow ui`, or MLflow's server module run by Python or gunicorn.
_STARTS_MLFLOW = re.compile(r"(?i)\bmlflow[\s'\",]++(?:server|ui)\b|\bmlflow\.server\b")


@rule("TRK106", family="tracking", severity="warning")
def servers_bind_loopback(repo: RepoView) -> Iterator[Finding]:
    """MLflow tracking services publish their ports on loopback only.

    Why: an MLflow server has no authentication by default; published on all interfaces
    (`5000:5000`, `--host 0.0.0.0`) anyone on the network can read and delete runs and
    models, and the database behind it is exposed too.
    A compose service counts as an MLflow service when its name, image, build context or
    dockerfile, command or entrypoint mention mlflow (build args such as `MLFLOW_PORT`
    only tell another tool where MLflow is). Shell scripts, Makefiles and Python code
    that start `mlflow server --host 0.0.0.0` (a `subprocess.Popen` argument list too)
    bind every interface as well; a line that only prints the command for the reader
    (`echo "To start: mlflow ui --host 0.0.0.0"`) starts nothing.
    Fix: publish on 127.0.0.1 and put an authenticating proxy in front for remote use:

        ports:
          - "127.0.0.1:5000:5000"
    """
    for path, name, service in facts.compose_services(repo):
        if tracking_service(name, service):
            for port, line in facts.ports_on_every_interface(service):
                yield Finding(f"service {name!r} publishes {port!r} on every interface", path, line)
    for path in repo.files:
        if (
            path == "Makefile" or path.endswith((".sh", "Makefile", ".mk"))
        ) and not _IN_IMAGE.search(path):
            text = repo.text(path) or ""
            for match in _CLI_BIND.finditer(text):
                start = text.rfind("\n", 0, match.start()) + 1
                if _ECHOED.match(text, start, match.start()):
                    continue  # `echo "To start: mlflow ui --host 0.0.0.0"`: a hint, not a run
                line = text.count("\n", 0, match.start()) + 1
                yield Finding("mlflow binds every interface (--host 0.0.0.0)", path, line)
    # Python that starts the server: `subprocess.Popen(["mlflow", "server", "--host",
    # "0.0.0.0", ...])` or the command as one string.
    for path, line, _ in facts.search_sources(repo, _ARGV_BIND):
        yield Finding("mlflow binds every interface (--host 0.0.0.0)", path, line)
    for path, line, matched in facts.search_sources(repo, _CLI_BIND):
        if _in_string_literal(repo.text(path) or "", line, matched):
            yield Finding("mlflow binds every interface (--host 0.0.0.0)", path, line)


# A line that prints text: the command after it is shown to the reader, not run.
_ECHOED = re.compile(r"(?<![ \t])[ \t]*+(?:@[ \t]*+)?(?:echo|printf)\b")


def _in_string_literal(text: str, line: int, matched: str) -> bool:
    """Return True when the command is a string the code passes on (`os.system(...)`).

    A string constant holding it counts unless it stands alone as an expression (a
    docstring describing the command); comments are no constants at all.
    """
    import ast

    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    alone = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }
    return any(
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and matched in node.value
        and id(node) not in alone
        and node.lineno <= line <= (node.end_lineno or node.lineno)
        for node in ast.walk(tree)
    )


@rule(
    "TRK107", family="tracking", severity="warning",
    applies=("project", "ml", "code", "maintained"), asked_outside_kit=False,
)  # fmt: skip
def experiments_tracked(repo: RepoView) -> Iterator[Finding]:
    """Training runs are tracked (MLflow).

    A DVC pipeline whose stages declare metrics counts as tracked: DVC experiments
    compare its runs (in dvc.yaml, or added by a script: `dvc run -M metrics.json ...`).
    So do other trackers (Weights & Biases, DVCLive, Sacred, Azure ML, Vertex AI Experiments:
    `aiplatform.init(experiment=...)`, `aiplatform.start_run(...)`, a Kubeflow or Vertex
    AI pipeline component's metrics artifact `Output[Metrics]`, ...).

    Why: without a tracker, which parameters, data and code produced which metrics and
    model lives in someone's memory or a spreadsheet; runs cannot be compared, and the
    model in production cannot be traced back to its run.
    Not asked of a repository whose README opens by calling it an example, a sample, a
    toy or study work (practice code, coursework, a thesis: the profile's `demonstration`).
    Fix: log parameters, metrics and the model with MLflow:

        mlflow.set_experiment("my_project")
        with mlflow.start_run():
            mlflow.log_params(cfg)
            mlflow.log_metric("f1", f1)

    Code that trains nothing (`fit`, `train`, a `Trainer`, a backward pass: ETL or
    inference only) has no runs to track and is not reported; nor is a project that
    keeps its Optuna studies in a database (`optuna.create_study(..., storage=
    "sqlite:///study.db")`: every trial's parameters and values), nor is a project that
    records its own runs: a training script that writes each run's metrics or history to
    a JSON file in a folder of that run (`runs/<timestamp>/metrics.json`,
    `<output_dir>/history.json`), or an application that keeps its runs in a table of its
    own database (`__tablename__ = "forecast_runs"`, `"training_runs"`, `"experiments"`,
    a `class TrainingMetrics(db.Model)`),
    or code that reports scalars to an experiment logger the ClearML way
    (`logger.report_scalar(...)`), or runs its trials with Ray Tune (`tune.run(...)`,
    `tune.report(...)`: each trial's config and metrics in its results folder); nor is a
    Snakemake or
    Nextflow workflow without a training script, whose analysis steps may fit (a
    clustering) and whose engine reports every run (trace, timeline, `--report`).
    """
    profile = profile_of(repo)
    if profile.mlflow or profile.trackers or not profile.trains:
        return
    if {"snakemake", "nextflow"} & set(profile.orchestrators) and not _training_scripts(repo):
        return  # the engine reports every run (trace, timeline, `snakemake --report`)
    if any(o.kind == "metrics" for stage in facts.stages(repo) or [] for o in stage.outs):
        return  # DVC tracks the runs: `dvc exp show` / `dvc metrics diff` compare them
    if facts.dvc_script_pipeline(repo)[1]:
        return  # the same, for stages a script adds (`dvc run -M metrics.json ...`)
    if _records_own_runs(repo):
        return  # each run's folder holds its metrics: the project's own run records
    if facts.search_sources(repo, _RUN_REGISTRY):
        return  # a table of runs in the project's database, or a ClearML-style logger
    if facts.search_sources(repo, _OPTUNA_STORAGE):
        return  # an Optuna study kept in a database records every trial's params and values
    yield Finding("no experiment tracking: no code logs runs to MLflow (or another tracker)")

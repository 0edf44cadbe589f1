# A rule's docstring starts with its title, a statement of the standard (not imperative).
# ruff: noqa: D401
"""Pipeline (DVC): dvc.yaml is valid, complete, acyclic, and its outputs stay out of git."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from typing import Any

from mlops_kit.audit import facts, secrets
from mlops_kit.audit.model import Finding
from mlops_kit.audit.parsing import line_of
from mlops_kit.audit.profile import (
    VERSIONING_ORCHESTRATORS,
    azureml_data_assets,
    fits_models,
    is_test_file,
    profile_of,
)
from mlops_kit.audit.repo import RepoView, normalise
from mlops_kit.audit.rule import rule
from mlops_kit.audit.rules.data import is_data_name
from mlops_kit.audit.rules.secrets import DEV_DEFAULTS

DVC_YAML = facts.DVC_YAML
DVC_LOCK = "dvc.lock"

TOP_KEYS = frozenset({"stages", "vars", "params", "metrics", "plots", "artifacts", "datasets"})
STAGE_KEYS = frozenset(
    {"cmd", "wdir", "deps", "params", "outs", "metrics", "plots", "frozen", "meta", "desc",
     "always_changed", "vars", "foreach", "do", "matrix"}
)  # fmt: skip
OUT_OPTIONS = frozenset(
    {"cache", "persist", "checkpoint", "desc", "remote", "push", "type", "labels", "meta",
     "x", "y", "template", "title", "x_label", "y_label", "header"}
)  # fmt: skip
STAGE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")


@rule("DVC101", family="pipeline", severity="error", applies=("dvc-pipeline",))
def dvc_yaml_parses(repo: RepoView) -> Iterator[Finding]:
    """dvc.yaml exists and parses.

    Why: dvc.yaml is the pipeline; without it (or with a YAML error, duplicate stage names
    or keys) `dvc repro` cannot run or runs something other than what you read.
    Fix: create dvc.yaml with a `stages:` mapping (`dvc stage add` helps), or fix the YAML
    at the reported line.
    """
    parsed = repo.yaml(DVC_YAML)
    problem = facts.missing_or_broken(parsed, DVC_YAML)
    if problem is not None:
        yield problem
    if parsed is None:
        return
    for note, line in parsed.notes:
        yield Finding(f"dvc.yaml: {note}", DVC_YAML, line)


def _check_list(stage: str, key: str, value: Any, body: Any) -> Iterator[Finding]:
    if not isinstance(value, list):
        yield Finding(f"stage {stage!r}: `{key}` must be a list", DVC_YAML, line_of(body, key))
        return
    for index, item in enumerate(value):
        at = line_of(value, index)
        if isinstance(item, str):
            continue
        if key in ("outs", "metrics", "plots") and isinstance(item, dict) and len(item) == 1:
            options = next(iter(item.values()))
            if options is None:
                continue
            if not isinstance(options, dict):
                yield Finding(f"stage {stage!r}: {key} options must be a mapping", DVC_YAML, at)
                continue
            unknown = sorted(str(k) for k in set(options) - OUT_OPTIONS)
            if unknown:
                yield Finding(
                    f"stage {stage!r}: unknown {key} option(s) {', '.join(unknown)}", DVC_YAML, at
                )
            continue
        if key == "params" and isinstance(item, dict):
            continue
        yield Finding(f"stage {stage!r}: {key} entries must be paths", DVC_YAML, at)


@rule(
    "DVC102", family="pipeline", severity="error", requires=("DVC101",), applies=("dvc-pipeline",)
)
def dvc_yaml_schema(repo: RepoView) -> Iterator[Finding]:
    """dvc.yaml follows DVC's schema.

    Why: DVC rejects unknown keys and wrong shapes only when the pipeline runs, and a
    misspelt key such as `dep:` is easy to miss in review.
    Fix: use DVC's stage keys (`cmd`, `deps`, `params`, `outs`, `metrics`, `plots`, ...);
    `deps`, `outs`, `metrics` and `plots` are lists of paths.
    """
    data = repo.data(DVC_YAML)
    if not isinstance(data, dict):
        yield Finding("dvc.yaml is not a mapping", DVC_YAML)
        return
    for key in data:
        if key not in TOP_KEYS:
            yield Finding(f"unknown top-level key {key!r}", DVC_YAML, line_of(data, key))
    table = data.get("stages")
    if table is None and set(data) & {"artifacts", "metrics", "plots", "params", "datasets"}:
        return  # a dvc.yaml that only declares artifacts, metrics or plots: no pipeline
    if not isinstance(table, dict):
        yield Finding("dvc.yaml has no `stages:` mapping", DVC_YAML, line_of(data, "stages"))
        return
    for name, body in table.items():
        at = line_of(table, name)
        if not isinstance(name, str) or not STAGE_NAME.match(name):
            yield Finding(f"invalid stage name {name!r}", DVC_YAML, at)
        if not isinstance(body, dict):
            yield Finding(f"stage {name!r} is not a mapping", DVC_YAML, at)
            continue
        if "foreach" in body or "matrix" in body:
            continue
        for key in body:
            if key not in STAGE_KEYS:
                yield Finding(f"stage {name!r}: unknown key {key!r}", DVC_YAML, line_of(body, key))
        cmd = body.get("cmd")
        if not (isinstance(cmd, str) and cmd.strip()) and not (
            isinstance(cmd, list) and cmd and all(isinstance(c, str) for c in cmd)
        ):
            yield Finding(f"stage {name!r} has no `cmd`", DVC_YAML, at)
        for key in ("deps", "params", "outs", "metrics", "plots"):
            if key in body:
                yield from _check_list(str(name), key, body[key], body)
        for key in ("frozen", "always_changed"):
            if key in body and not isinstance(body[key], bool):
                yield Finding(f"stage {name!r}: `{key}` must be true or false", DVC_YAML, at)


_PIPELINE = ("DVC102",)
_USES_PIPELINE = ("dvc-pipeline",)


def _plain_stages(repo: RepoView) -> list[facts.Stage]:
    return [s for s in facts.stages(repo) or [] if not s.generated]


def _covers(dep: str, path: str) -> bool:
    return dep == path or path.startswith(dep.rstrip("/") + "/")


@rule("DVC103", family="pipeline", severity="error", requires=_PIPELINE, applies=_USES_PIPELINE)
def stage_code_is_a_dep(repo: RepoView) -> Iterator[Finding]:
    """A stage depends on its own code.

    Why: DVC re-runs a stage only when a dep changes; if its module is not a dep, editing
    the code leaves stale results that look current.
    A stage that runs its script in a container (`docker run IMAGE python train.py`)
    depends on the repository's copy of it (`stages/train/train.py`, any folder).
    Fix: add the module to the stage's `deps` in dvc.yaml:

        train:
          cmd: python -m my_project.stages.train
          deps:
            - src/my_project/stages/train.py
    """
    for stage in _plain_stages(repo):
        for command in stage.commands:
            code = facts.stage_code(command)
            if code is None:
                continue
            kind, target = code
            if kind == "module":
                candidates = facts.module_files(repo, target)
                path = next((c for c in candidates if repo.is_file(c)), None)
                if path is None:
                    yield Finding(
                        f"stage {stage.name!r} runs module {target} but none of "
                        f"{', '.join(candidates[:2])} exists",
                        DVC_YAML,
                        stage.line,
                    )
                    continue
            else:
                path = normalise(posixpath.join(stage.wdir, target)) or target
            if not any(dep is not None and _covers(dep, path) for dep, _, _ in stage.deps):
                if kind == "script" and facts.runs_in_container(command):
                    # `docker run IMAGE python train.py`: the image's copy of a file the
                    # repository keeps (`stages/train/train.py`); that file as a dep counts.
                    suffix = "/" + target.lstrip("./")
                    if any(dep is not None and dep.endswith(suffix) for dep, _, _ in stage.deps):
                        continue
                yield Finding(
                    f"stage {stage.name!r} runs {path}, which is not in its deps",
                    DVC_YAML,
                    stage.line,
                )


def _dep_known(repo: RepoView, path: str) -> bool:
    if repo.exists(path) or repo.exists(path + ".dvc") or facts.producer(repo, path):
        return True
    if path in facts.output_folders(repo):
        return True
    # A folder that `foreach`/`matrix` stages write into (`data/metrics/` holding each
    # language's `data/metrics/${key}/clean.json`): DVC runs those stages first.
    inside = f"{path}/"
    if any(
        (out.path or "").startswith(inside)
        for stage in facts.generated_stages(repo)
        for out in stage.outs
    ):
        return True
    folder = posixpath.dirname(path)
    while folder:
        if repo.exists(folder + ".dvc"):
            return True
        folder = posixpath.dirname(folder)
    return False


@rule("DVC104", family="pipeline", severity="error", requires=_PIPELINE, applies=_USES_PIPELINE)
def deps_exist(repo: RepoView) -> Iterator[Finding]:
    """Every dep exists or is another stage's output.

    Why: a dep that is neither in the repository, tracked by DVC, nor produced by a stage
    makes `dvc repro` fail on a fresh clone (it only worked where the file lay around).
    The missing deps of one stage in one folder (the files of one download) are one finding.
    Fix: correct the path, add the stage that produces it, or track the input with
    `dvc add <path>` and commit the `.dvc` file.
    """
    for stage in _plain_stages(repo):
        missing: dict[str, list[tuple[str, int | None]]] = {}
        for dep, raw, line in stage.deps:
            if dep is None or "://" in raw or _dep_known(repo, dep):
                continue
            missing.setdefault(posixpath.dirname(dep), []).append((dep, line))
        for folder, deps in missing.items():
            first, line = deps[0]
            where = f"in {folder}/" if folder else "at the top level"
            more = f" (and {len(deps) - 1} more {where})" if len(deps) > 1 else ""
            yield Finding(
                f"stage {stage.name!r}: dep {first} does not exist and no stage produces it{more}",
                DVC_YAML,
                line,
            )


@rule("DVC105", family="pipeline", severity="error", requires=_PIPELINE, applies=_USES_PIPELINE)
def no_cycles(repo: RepoView) -> Iterator[Finding]:
    """The stage graph has no cycles.

    Why: a cycle (a stage that needs, directly or not, its own output) cannot be
    reproduced; DVC refuses the whole pipeline.
    Fix: split the stage or write the output to a new path.
    """
    stage_list = _plain_stages(repo)
    needs: dict[str, set[str]] = {s.name: set() for s in stage_list}
    for stage in stage_list:
        for dep, _, _ in stage.deps:
            if dep is None:
                continue
            made_by = facts.producer(repo, dep)
            if made_by is not None and made_by[0].name in needs:  # not a generated stage
                needs[stage.name].add(made_by[0].name)
    state: dict[str, int] = {}
    reported: set[frozenset[str]] = set()
    lines = {s.name: s.line for s in stage_list}
    for start in needs:
        if start in state:
            continue
        path: list[str] = []
        stack: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(needs[start])))]
        state[start] = 1
        path.append(start)
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.pop()
                state[node] = 2
                continue
            if state.get(child) == 1:
                cycle = [*path[path.index(child) :], child]
                if frozenset(cycle) not in reported:
                    reported.add(frozenset(cycle))
                    yield Finding(f"cycle: {' -> '.join(cycle)}", DVC_YAML, lines.get(child))
            elif child not in state:
                state[child] = 1
                path.append(child)
                stack.append((child, iter(sorted(needs.get(child, ())))))


@rule(
    "DVC106",
    family="pipeline",
    severity="error",
    requires=("DVC102", "LAY109"),
    applies=("dvc-pipeline",),
)
def outputs_not_in_git(repo: RepoView) -> Iterator[Finding]:
    """Cached stage outputs are git-ignored and not committed to git.

    Why: DVC stores cached outputs in its cache and remote; committed to git as well they
    bloat history, conflict on every run and make `dvc checkout` fight with git.
    Fix: `git rm -r --cached <out>` and ignore it (DVC adds outputs to .gitignore on
    `dvc repro`; ignoring the output folders up front keeps fresh clones clean):

        /data/*
        !/data/README.md
        !/data/catalog.yaml
    """
    facts.ask_git_what_it_ignores(repo)
    for stage, out in facts.cached_outputs(repo):
        if out.path is None:
            continue
        if repo.is_tracked(out.path):
            yield Finding(
                f"stage {stage.name!r}: output {out.path} is committed to git", DVC_YAML, out.line
            )
        elif not repo.is_ignored(out.path):
            yield Finding(
                f"stage {stage.name!r}: output {out.path} is not git-ignored", DVC_YAML, out.line
            )


def _lookup(data: Any, dotted: str) -> bool:
    node = data
    for part in dotted.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return False
    return True


# How DVC reads a params file, by its suffix.
_PARAMS_KIND = {"toml": "toml", "json": "json"}


@rule("DVC107", family="pipeline", severity="error", requires=_PIPELINE, applies=_USES_PIPELINE)
def params_exist(repo: RepoView) -> Iterator[Finding]:
    """Every params key a stage declares exists in its params file.

    Why: DVC fails a stage whose declared parameter is missing; a renamed key in conf/
    that was not renamed in dvc.yaml stops the pipeline. A params file that DVC itself
    tracks (`params.yaml.dvc`) comes with `dvc pull`; its keys cannot be checked here.
    Params files are read as DVC reads them: YAML, JSON or TOML by their suffix
    (`configs/settings.toml: [default.data_dir]`); Python params files are not checked.
    Fix: regenerate params.yaml from conf/, or correct the key under the stage's
    `params:`.
    """
    unreadable: dict[str, tuple[list[str], int | None]] = {}  # file -> (stages, first line)
    for stage in _plain_stages(repo):
        for file, key, line in stage.params:
            if file.endswith(".py") and repo.is_file(file):
                continue  # Python params (module constants): DVC imports them, no parse here
            data = repo.data(file, _PARAMS_KIND.get(file.rpartition(".")[2], "yaml"))
            if data is None and not repo.is_file(file) and repo.is_file(f"{file}.dvc"):
                continue  # DVC tracks the params file itself: `dvc pull` brings it
            if data is None:
                names, _ = unreadable.setdefault(file, ([], line))
                if stage.name not in names:
                    names.append(stage.name)
            elif not _lookup(data, key):
                yield Finding(
                    f"stage {stage.name!r}: param {key!r} is not in {file}", DVC_YAML, line
                )
    for file, (names, line) in unreadable.items():  # one finding per file, not per stage
        why = repo.problem(file) or "is missing or does not parse"
        stages = ", ".join(repr(name) for name in names)
        yield Finding(
            f"params file {file} {why} (stage{'s' * (len(names) > 1)} {stages})", DVC_YAML, line
        )


def _lock_stages(repo: RepoView) -> dict[str, Any] | None:
    data = repo.data(DVC_LOCK)
    stages = data.get("stages") if isinstance(data, dict) else None
    return stages if isinstance(stages, dict) else None


@rule(
    "DVC108", family="pipeline", severity="warning", requires=("DVC102",), applies=("dvc-pipeline",)
)
def lock_committed(repo: RepoView) -> Iterator[Finding]:
    """Once the pipeline has run, dvc.lock exists and is committed.

    Why: dvc.lock records the exact data, params and code hashes of the last run; without
    it in git nobody can check out or reproduce the results you produced.
    Fix: run `dvc repro`, then `git add dvc.lock` and commit it with the change.
    """
    if not repo.exists(DVC_LOCK):
        made = [
            (stage, out)
            for stage in facts.stages(repo) or []
            for out in stage.outs
            if out.path is not None and out.cache and repo.exists(out.path)
        ]
        if made:
            stage, out = made[0]
            yield Finding(
                f"outputs exist (e.g. {out.path} of stage {stage.name!r}) but dvc.lock does not",
                DVC_YAML,
                stage.line,
            )
        return
    parsed = repo.yaml(DVC_LOCK)
    if parsed is not None and not parsed.ok:
        yield Finding(f"dvc.lock: {parsed.error}", DVC_LOCK, parsed.line)
    elif repo.is_git and DVC_LOCK not in repo.tracked:
        yield Finding("dvc.lock is not committed (git add dvc.lock)", DVC_LOCK)


@rule(
    "DVC109", family="pipeline", severity="warning", requires=("DVC102",), applies=("dvc-pipeline",)
)
def lock_covers_stages(repo: RepoView) -> Iterator[Finding]:
    """dvc.lock covers every stage of dvc.yaml.

    Why: a stage missing from dvc.lock has never run successfully since it was added or
    changed, so the results in the repository did not come from the current pipeline.
    Fix: `dvc repro` (it fills dvc.lock), then commit dvc.lock.
    """
    locked = _lock_stages(repo)
    if locked is None:
        return
    for stage in facts.stages(repo) or []:
        if stage.frozen:
            continue
        if stage.generated:
            found = any(str(k).startswith(stage.name + "@") for k in locked)
        else:
            found = stage.name in locked
        if not found:
            yield Finding(f"stage {stage.name!r} is not in dvc.lock", DVC_YAML, stage.line)


DVC_CREDENTIAL_KEYS = re.compile(
    r"(?mi)^[ \t]*+(access_key_id|secret_access_key|session_token|password|account_key|sas_token|"
    r"connection_string|client_secret|gdrive_client_secret|key_secret|token)[ \t]*+=[ \t]*+(\S.*)$"
)


@rule("DVC110", family="pipeline", severity="error", applies=("dvc",))
def dvc_config_has_no_credentials(repo: RepoView) -> Iterator[Finding]:
    """.dvc/config holds no credentials.

    Why: .dvc/config is committed; remote credentials in it are published with the
    repository. DVC reads them from .dvc/config.local (git-ignored) or the environment.
    A remote whose `endpointurl` is the local machine (a MinIO sandbox) and well-known
    development defaults (`minioadmin`) are not reported, as SEC106 judges them.
    Fix: `dvc remote modify --local <remote> secret_access_key ...` (writes
    .dvc/config.local), or use the cloud's usual environment variables.
    """
    path = ".dvc/config"
    text = repo.text(path)
    if text is None:
        return
    repo.claimed.add(path)
    lines = set()
    local = _local_remote_lines(text) if "endpointurl" in text else set()
    for match in DVC_CREDENTIAL_KEYS.finditer(text):
        value = match.group(2).strip()
        line = text.count("\n", 0, match.start()) + 1
        if line in local or value.strip("\"'").lower() in DEV_DEFAULTS:
            lines.add(line)
            continue  # a sandbox on the developer's machine (MinIO's `minioadmin`)
        if not secrets.is_placeholder(value):
            lines.add(line)
            yield Finding(f"credential `{match.group(1)}` = {secrets.redact(value)}", path, line)
    for hit in secrets.tokens(text):
        if hit.line not in lines:
            yield Finding(f"{hit.kind}: {hit.preview}", path, hit.line)


_LOCAL_ENDPOINT = re.compile(
    r"^[ \t]*+endpointurl[ \t]*+=[ \t]*+\S*?://(?:localhost|127\.0\.0\.1|\[::1\])\b", re.I
)


def _local_remote_lines(text: str) -> set[int]:
    """Line numbers of the remote sections whose endpoint is the local machine."""
    sections: list[list[int]] = [[]]
    local: list[bool] = [False]
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("["):
            sections.append([])
            local.append(False)
        sections[-1].append(number)
        if _LOCAL_ENDPOINT.match(line):
            local[-1] = True
    return {
        n for numbers, is_local in zip(sections, local, strict=True) if is_local for n in numbers
    }


# A remote `url` that is a folder of one machine: a home directory, /tmp, or a folder on
# a Windows drive (`D:\Projects\remote`).
_PERSONAL_REMOTE = re.compile(
    r"(?mi)^[ \t]*+url[ \t]*+=[ \t]*+[\"']?((?:/home/|/Users/|/tmp/|~/|[a-z]:[\\/])\S.*)$"
)


@rule("DVC117", family="pipeline", severity="warning", applies=("dvc",))
def dvc_remote_shared(repo: RepoView) -> Iterator[Finding]:
    r"""The committed DVC remote is storage the team shares, not a folder in one home.

    Why: `dvc push` and `dvc pull` go to the remote in .dvc/config; a remote under
    `/home/alice/`, `/tmp/` or on a Windows drive (`D:\Projects\remote`, a mapped drive
    too: CI's runners have no such letter) exists on one machine only, so nobody else
    (and no CI job) can fetch the data the pipeline was run on.
    Fix: point the default remote at shared storage (`dvc remote add -d storage
    s3://bucket/path`, a network share) and keep a personal cache folder in
    .dvc/config.local (`dvc remote add --local ...`).
    """
    path = ".dvc/config"
    text = repo.text(path)
    if text is None:
        return
    for match in _PERSONAL_REMOTE.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        url = match.group(1).strip().strip("\"'")
        yield Finding(
            f"DVC remote url {url} is a folder on one machine: nobody else can pull the data",
            path,
            line,
        )


@rule("DVC111", family="pipeline", severity="error", requires=("LAY109",), applies=("dvc",))
def dvc_local_config_ignored(repo: RepoView) -> Iterator[Finding]:
    """.dvc/config.local is git-ignored.

    Why: config.local is where DVC keeps remote credentials; if git does not ignore it,
    the next `git add .` publishes them.
    A `.dvc/config` left alone (no `.dvc/.gitignore`, `.dvcignore`, dvc.yaml or `.dvc`
    file: what `dvc init` writes beside it is gone) belongs to no DVC project that could
    write a config.local.
    Fix: keep `/config.local` in `.dvc/.gitignore` (as `dvc init` writes it).
    """
    if not repo.exists(".dvc"):
        return
    if _leftover_dvc_config(repo):
        return  # a placeholder remote (`s3://{bucket}`) of a project that chose no DVC
    path = facts.DVC_LOCAL_CONFIG
    facts.ask_git_what_it_ignores(repo)
    if path in repo.tracked:
        yield Finding(".dvc/config.local is committed to git", path)
    elif not repo.ignored([path]):
        yield Finding(".dvc/config.local is not git-ignored", ".dvc/.gitignore")


def _leftover_dvc_config(repo: RepoView) -> bool:
    """Return True when `.dvc/config` is all there is of DVC (no init files, no pipeline)."""
    if set(repo.under(".dvc")) - {".dvc/config"} or ".dvcignore" in repo.file_set:
        return False
    return not any(p.endswith((".dvc", "dvc.yaml")) for p in repo.files)


@rule(
    "DVC115", family="pipeline", severity="warning",
    applies=("project", "ml", "code", "maintained"), asked_outside_kit=False,
)  # fmt: skip
def dvc_in_use(repo: RepoView) -> Iterator[Finding]:
    """Data and pipeline are versioned with DVC.

    Why: without a pipeline definition nobody can tell which data, code and parameters
    produced a model, or rerun only what changed; without data versioning last month's
    results cannot be reproduced once the data moves on.
    Not asked of a repository whose README opens by calling it an example, a sample, a
    toy or study work (practice code, coursework, a thesis: the profile's `demonstration`).
    Fix: `dvc init`, track the raw data (`dvc add data/raw`) and describe the steps as
    stages in dvc.yaml (`dvc stage add -n train -d src/train.py -o models/ ...`).
    A Kedro, Metaflow or ZenML project already defines its pipeline and versions what its
    runs read and write (a data catalog, an artifact store) and is not reported, nor is a
    package that logs or downloads its datasets as W&B artifacts or ClearML Datasets
    (`Dataset.get(dataset_name=...)`), or a Snakemake workflow that
    fetches and builds every dataset (none is committed); neither is code that trains no
    model and keeps no dataset files (ETL or inference jobs, a
    tracking platform), or that trains only on datasets a library downloads and checks
    (torchvision's CIFAR-10, scikit-learn's iris, Keras' MNIST, a Kaggle dataset by
    handle), or that a script of the repository downloads from where it is published
    (`kaggle datasets download -d owner/name`, a Hub dataset repository, a
    `download_data.py` fetching URLs, Kaggle's API `api.dataset_download_files(...)`)
    while the repository keeps no data file of its own (tables of results under
    `reports/` or `results/` are no data),
    or on data the code generates (`synthetic_events.py`, `make_classification(...)`,
    `ArmaProcess(...)`, `mock_data/gen_customers.py` drawing seeded records into a CSV).
    Data kept in a store that
    versions its tables (lakeFS, Delta Lake, Apache Iceberg, DuckLake, Dolt, Pachyderm:
    imported, declared, or a DuckLake catalog attached), or in a feature store whose
    offline store keeps every version of each record (Hopsworks, SageMaker Feature
    Store; not Feast, which reads tables that may change in place), is versioned
    already, and
    reinforcement learning (gymnasium, Stable-Baselines3, ... and no dataset classes or
    data loaders) generates its data in simulated environments: neither is reported unless
    data/ holds dataset files (a trader's price history). Azure ML data assets
    (azuremlschemas `data.schema.json` YAML, `type: uri_file`, `uri_folder` or `mltable`,
    or registered from code: `ml_client.data.create_or_update(Data(...))`) version the
    data they register, the files they point at included: not reported. Nor is a repo
    whose shell script or Makefile builds its DVC pipeline as it runs (`dvc run`, `dvc
    stage add`: a walkthrough, DVC before 1.0), nor one whose committed manifest under
    data/ (`data/raw/MANIFEST.json`) or whose loader (`EXPECTED_HASHES = {...}`) pins
    each dataset file by its SHA-256, nor one that
    keeps its datasets as git submodules (`.gitmodules`: `path = data/challenge`), each
    pinned to a commit.
    """
    profile = profile_of(repo)
    if profile.dvc or set(profile.orchestrators) & VERSIONING_ORCHESTRATORS:
        return  # (DVC in use: the searches of the code below would change nothing)
    if _wandb_artifacts(repo):
        return  # runs read and write versioned W&B artifacts
    if _clearml_datasets(repo):
        return  # ClearML Datasets: each published version is kept, runs name the one read
    if facts.dvc_script_pipeline(repo)[0]:
        return  # a script builds the DVC pipeline where it runs (`dvc run ...`)
    if azureml_data_assets(repo):
        return  # Azure ML data assets: each registration is a new version of the data
    if _checksum_manifest(repo):
        return  # `data/raw/MANIFEST.json`: each dataset file pinned by its SHA-256
    if _data_submodules(repo):
        return  # datasets kept as git submodules: each pinned to a commit of its own
    # Test fixtures (`tests/mock_files/sample.csv`) are no dataset of the project.
    # Nor are tables of results (`reports/`, `results/`): what the code measured, not data.
    data_files = any(
        is_data_name(p.lower()) and not is_test_file(p) and not _RESULTS_PLACE.search(p)
        for p in repo.files
    )
    kept = data_files and any(is_data_name(p.lower()) for p in repo.files if _DATA_FOLDER.search(p))
    if not kept and (_versioned_tables(repo) or _simulated(repo)):
        return  # lakehouse tables keep their versions; agents generate their data
    if {"snakemake", "nextflow"} & set(profile.orchestrators) and not data_files:
        return  # the workflow fetches and builds every dataset; none is kept in git
    if not data_files:
        if not (profile.kit or profile.dvc_pipeline or fits_models(repo)):
            return  # no dataset files and nothing trained (a tracking platform, ETL jobs)
        keeps_data = any(
            not p.endswith(_NOT_DATA_SUFFIXES) and not p.rsplit("/", 1)[-1].startswith(".")
            for p in repo.under("data")
        )  # `data/annotated/20220620/*.json`: files of its own beside a library's dataset
        if not keeps_data and (
            facts.bundled_datasets_only(repo)
            or facts.synthetic_data_only(repo)
            or facts.downloads_public_data(repo)
        ):
            return  # a library or a script fetches the published data, or code generates it
    yield Finding("no DVC: neither dvc.yaml nor DVC-tracked data", facts.ROOT)


_RESULTS_PLACE = re.compile(r"(?:^|/)(?:results?|reports?|metrics|figures|plots)/")
# Files a data folder keeps that are no data: its README, scripts and images for docs.
_NOT_DATA_SUFFIXES = (".md", ".rst", ".txt", ".py", ".sh", ".png", ".jpg", ".svg", ".dvc")


def _data_submodules(repo: RepoView) -> bool:
    """Return True when .gitmodules pins a dataset as a submodule (`path = data/challenge`).

    A submodule is checked out at the commit the repository records: the data's version
    is part of every commit, as DVC's `.dvc` files would make it.
    """
    text = repo.text(".gitmodules") if ".gitmodules" in repo.file_set else None
    return any(_DATA_SUBMODULE.match(line) for line in (text or "").splitlines())


# `path = data/snapshots`, `path = challenge-2-dataset-and-documentation`, `datasets/x`.
_DATA_SUBMODULE = re.compile(r"^[ \t]*+path[ \t]*+=[ \t]*+[\w./-]*?(?:data|dataset|corpus)", re.I)


def _checksum_manifest(repo: RepoView) -> bool:
    """Return True when a committed manifest under data/ pins the datasets by SHA-256.

    `data/raw/MANIFEST.json` recording each file's source, size and SHA-256, checked by
    the download script, or a loader that checks each file against the digests written
    in it (`EXPECTED_HASHES = {"train.csv": "bb48..."}`): the data's version is fixed
    without DVC.
    """
    for path in repo.under("data"):
        if _MANIFEST_NAME.search(path.rsplit("/", 1)[-1]):
            text = repo.text(path) or ""
            if "sha256" in text.lower() and _SHA256.search(text):
                return True
    # The loader checks each file against the digests it expects before reading it
    # (`EXPECTED_HASHES = {"train.csv": "bb48..."}`, then `hashlib.sha256(...)`).
    for path in facts.runtime_code(repo):
        text = repo.text(path) or ""
        if "sha256" in text and _EXPECTED_DIGESTS.search(text) and _SHA256.search(text):
            return True
    return False


_MANIFEST_NAME = re.compile(r"(?i)^(?:manifest|checksums?|sha256sums?)(?:\.\w+)?$")
# Digests a loader expects, a constant of the module: `EXPECTED_HASHES = {`,
# `KNOWN_SHA256: dict[str, str] = {`.
_EXPECTED_DIGESTS = re.compile(
    r"^(?:EXPECTED|KNOWN|PINNED)_\w*?(?:SHA256|HASH(?:ES)?|CHECKSUMS?|DIGESTS?)\w*+"
    r"[ \t]*+(?::[^=\n]++)?=[ \t]*+\{",
    re.MULTILINE,
)
_SHA256 = re.compile(r"\b[0-9a-f]{64}\b")


_USE_ARTIFACT = re.compile(r"\.use_artifact\(")
# `wandb.Artifact(name="raw_data", type="dataset", ...)`: the data logged as a versioned
# artifact of type dataset.
_DATASET_ARTIFACT = re.compile(
    r"\bArtifact\((?:[^()]|\([^()]*\)){0,300}?\btype[ \t]*=[ \t]*[\"']dataset[\"']"
)
_DATA_FOLDER = re.compile(r"(?:^|/)(?:data|datasets?)/")
# Modules and distributions of stores that version tables or files (snapshots, commits).
_VERSIONED_STORES = frozenset(
    {"lakefs", "lakefs_sdk", "lakefs_client", "lakefs_spec", "deltalake", "pyiceberg",
     "delta_spark", "doltpy", "doltcli", "python_pachyderm", "pachyderm_sdk",
     "ducklake",
     # feature stores whose offline store keeps every version of each record
     "hsfs", "hopsworks"}
)  # fmt: skip
# A DuckLake catalog attached in code (`ATTACH 'ducklake:...'`, `TYPE ducklake`), or Delta
# Lake tables read through delta-spark (its module is `delta`, a name local modules use too).
_VERSIONED_CODE = re.compile(
    r"(?im)\bATTACH\s++'ducklake:|\bTYPE\s++ducklake\b|\bINSTALL\s++ducklake\b"
    r"|^[ \t]*+from[ \t]++delta\.tables[ \t]++import\b"
    r"|^[ \t]*+from[ \t]++sagemaker\.feature_store\b"
)
# A dataset class or a data loader: code that trains on stored examples.
_DATASET_CODE = re.compile(
    r"\bDataLoader\(|^[ \t]*+class[ \t]++\w++\([\w.]*?(?:Dataset|DataModule)\)", re.MULTILINE
)
# Simulated environments and the reinforcement learning libraries that train in them.
_SIMULATORS = frozenset(
    {"gym", "gymnasium", "stable_baselines3", "sb3_contrib", "pettingzoo", "dm_control",
     "dm_env", "tianshou", "pybullet_envs", "minigrid", "procgen", "vizdoom", "ale_py"}
)  # fmt: skip


_DUCKLAKE = re.compile(r"(?i)ducklake")  # no lower-cased copy of every file


def _names_ducklake(text: str) -> bool:
    """True when `text` names DuckLake in any case (a substring search rules most out)."""
    return ("ucklake" in text or "UCKLAKE" in text or "uckLake" in text) and bool(
        _DUCKLAKE.search(text)
    )


def _versioned_tables(repo: RepoView) -> bool:
    """True when the data lives in a store that versions it (lakeFS, Delta, Iceberg, ...)."""
    _, declared = facts.declared_names(repo)
    names = {name.replace("-", "_") for name in declared} | set(facts.imports(repo))
    if names & _VERSIONED_STORES:
        return True
    # The pattern runs only on files that name DuckLake, Delta tables or a feature store.
    for path in facts.runtime_code(repo):
        text = repo.text(path) or ""
        named = "delta.tables" in text or "feature_store" in text or _names_ducklake(text)
        if named and _VERSIONED_CODE.search(text):
            return True
    return False


def _simulated(repo: RepoView) -> bool:
    """True when the code trains agents in simulated environments (gymnasium, SB3, ...).

    Code that also defines datasets or data loaders trains on data it collected once
    (episodes recorded from a simulator, then split): that data is a dataset.
    """
    return bool(set(facts.imports(repo)) & _SIMULATORS) and not facts.search_sources(
        repo, _DATASET_CODE
    )


def _wandb_artifacts(repo: RepoView) -> bool:
    """True when the project's package downloads its inputs from W&B artifacts.

    `run.use_artifact(...)` then `.download(...)` in the package's own code, or code that
    logs its data as artifacts of type dataset (`wandb.Artifact(..., type="dataset")`):
    the datasets are versioned in W&B. Logging checkpoints or code as artifacts is not
    enough, nor is an exercise script outside the package.
    """
    packages = tuple(f"{p}/" for p in profile_of(repo).packages)
    if facts.search_sources(repo, _DATASET_ARTIFACT):
        return True  # each logged dataset artifact is a version W&B keeps
    return any(
        path.startswith(packages) and ".download(" in (repo.text(path) or "")
        for path, _, _ in facts.search_sources(repo, _USE_ARTIFACT)
    )


def _clearml_datasets(repo: RepoView) -> bool:
    """True when the code reads or creates ClearML Datasets (`Dataset.get(...)`).

    `from clearml import Dataset`: every `Dataset.create(...)` ... `finalize()` is a
    version of the files, and `Dataset.get(dataset_name=...)` fetches one by id or name.
    """
    return any(
        "clearml" in (repo.text(path) or "")
        for path, _, _ in facts.search_sources(repo, _CLEARML_DATASET)
    )


_CLEARML_DATASET = re.compile(r"\bDataset\.(?:get|create)\(")
# Words of a command that are not paths it reads or writes.
_NOT_PATHS = frozenset({".", "..", "/", "-", "--", "|", "||", "&&", ";", ">", ">>", "<", "2>"})


def _command_paths(command: str) -> list[str]:
    """Path-like words of a shell command (options' values too), in order."""
    try:
        words = facts.shell_words(facts.windows_separators(command), comments=True)
    except ValueError:
        return []
    found = []
    program = True  # the next word names the program a command runs (`python`, `tar`)
    for word in words:
        if word in ("&&", "||", ";", "|", "&"):
            program = True
            continue
        if program:
            if "=" in word and not word.startswith(("-", "/", ".")):
                continue  # `PYTHONPATH=src python ...`: the environment, the program next
            program = False
            if "/" not in word:
                continue  # a program on PATH, even beside a file of that name (`python`)
        if word.startswith("-") and "=" in word:
            word = word.split("=", 1)[1]
        elif "=" in word and not word.startswith(("/", ".")):
            word = word.split("=", 1)[1]  # a Hydra override or VAR=value
        word = word.strip("'\",;()")
        if (
            not word
            or word in _NOT_PATHS
            or word.startswith("-")
            or "$" in word
            or "://" in word
            or "*" in word
        ):
            continue
        found.append(word)
    return found


def _declared(stage: facts.Stage, path: str) -> bool:
    """True when `path` is a dep, an output, inside one, or a folder holding one."""
    declared = [dep for dep, _, _ in stage.deps if dep] + [o.path for o in stage.outs if o.path]
    declared += [file for file, _, _ in stage.params]
    return any(_covers(d, path) or _covers(path, d) for d in declared) or (
        stage.matches_unresolved(path)
    )


@rule("DVC116", family="pipeline", severity="warning", requires=_PIPELINE, applies=_USES_PIPELINE)
def command_paths_declared(repo: RepoView) -> Iterator[Finding]:
    """Files a stage's command names are among its deps or outs.

    Why: DVC only knows what dvc.yaml declares. A command that reads a file it does not
    list (`tar czf out.tgz data/images`, `python train.py --data data/x.csv`) is not
    re-run when that file changes, and one that writes an undeclared file leaves it
    uncached and unversioned: results go stale silently.
    Fix: add the path to the stage's `deps` (read) or `outs` (written).
    """
    produced = facts.outputs_by_path(repo)
    for stage in _plain_stages(repo):
        code = {c[1] for c in map(facts.stage_code, stage.commands) if c and c[0] == "script"}
        reported: set[str] = set()
        for command in stage.commands:
            for word in _command_paths(command):
                path = normalise(posixpath.join(stage.wdir, word))
                if not path or path in reported or word in code or path in code:
                    continue
                if _declared(stage, path):
                    continue
                known = (
                    path in repo.file_set
                    or path in repo.folders
                    or path in produced
                    or repo.exists(path + ".dvc")
                )
                if not known or path == stage.wdir:
                    continue
                reported.add(path)
                yield Finding(
                    f"stage {stage.name!r}: command uses {path}, which is not in its deps or outs",
                    DVC_YAML,
                    stage.line,
                )


@rule("DVC112", family="pipeline", severity="error", requires=_PIPELINE, applies=_USES_PIPELINE)
def paths_stay_relative(repo: RepoView) -> Iterator[Finding]:
    """Pipeline paths are relative and stay inside the repository.

    Why: an absolute path or `../` in deps, outs or wdir ties the pipeline to one machine's
    folders, and DVC cannot cache or push what lies outside the repository.
    Fix: move the file into the project (or `dvc import` it) and use a path relative to
    the project root.
    """
    for stage in facts.stages(repo) or []:
        for dep, raw, line in stage.deps:
            if dep is None and "://" not in raw:
                yield Finding(
                    f"stage {stage.name!r}: dep {raw} is outside the repository", DVC_YAML, line
                )
        for out in stage.outs:
            if out.path is None:
                yield Finding(
                    f"stage {stage.name!r}: {out.kind} {out.raw} is outside the repository",
                    DVC_YAML,
                    out.line,
                )


@rule("DVC113", family="pipeline", severity="warning", requires=_PIPELINE, applies=_USES_PIPELINE)
def stages_have_deps_and_outs(repo: RepoView) -> Iterator[Finding]:
    """Every stage declares deps and outputs.

    Why: without deps DVC cannot tell when a stage is stale; without outs (or metrics,
    plots) there is nothing to cache or hand to the next stage, so reproducibility breaks.
    A stage that publishes what the pipeline made (`model_register`, `model_pusher`,
    `deploy`, `index`: a registry, a bucket, a vector store) writes nothing into the
    workspace: with its deps declared, it needs no outs.
    Fix: list what the stage reads under `deps` and what it writes under `outs`,
    `metrics` or `plots`.
    """
    stages = [s for s in _plain_stages(repo) if not s.frozen]
    # One finding per gap, naming every stage that has it.
    gaps = (
        ("deps", [s for s in stages if not s.has_deps]),
        (
            "outs, metrics or plots",
            [
                s
                for s in stages
                if not s.has_outs and not (s.has_deps and _PUBLISHES.search(s.name))
            ],
        ),
    )
    for what, missing in gaps:
        if len(missing) == 1:
            yield Finding(
                f"stage {missing[0].name!r} declares no {what}", DVC_YAML, missing[0].line
            )
        elif missing:
            names = ", ".join(repr(s.name) for s in missing[:5])
            more = f" and {len(missing) - 5:,} more" if len(missing) > 5 else ""
            yield Finding(f"stages {names}{more} declare no {what}", DVC_YAML, missing[0].line)


# A stage named for sending the pipeline's result elsewhere: a model registry, a bucket,
# a serving endpoint, a search index (`model_register`, `pusher`, `deploy_model`).
_PUBLISHES = re.compile(
    r"(?:^|[_-])(?:push(?:er)?|regist(?:er|ry|ration)|deploy(?:ment)?|publish|upload"
    r"|promot(?:e|ion)|notify|index(?:ing)?)(?:[_-]|$)",
    re.IGNORECASE,
)


@rule("DVC114", family="pipeline", severity="error", requires=_PIPELINE, applies=_USES_PIPELINE)
def outputs_unique(repo: RepoView) -> Iterator[Finding]:
    """No two stages write the same output.

    Why: DVC refuses overlapping outputs; when two stages write the same file (or one
    writes inside the other's output folder) the result depends on which ran last.
    Fix: give each stage its own output path.
    """
    owner: dict[str, str] = {}
    for stage in _plain_stages(repo):
        for out in stage.outs:
            if out.path is None:
                continue
            clash = None
            if owner.get(out.path, stage.name) != stage.name:
                clash = out.path
            folder = posixpath.dirname(out.path)
            while clash is None and folder:
                if owner.get(folder, stage.name) != stage.name:
                    clash = folder
                folder = posixpath.dirname(folder)
            if clash is None:
                inner = facts.output_folders(repo).get(out.path, set()) - {stage.name}
                clash = out.path if inner else None
            if clash is not None:
                other = (
                    owner.get(clash)
                    or sorted(facts.output_folders(repo).get(out.path, set()) - {stage.name})[0]
                )
                yield Finding(
                    f"stage {stage.name!r} output {out.path} overlaps an output of stage {other!r}",
                    DVC_YAML,
                    out.line,
                )
            owner.setdefault(out.path, stage.name)

# A rule's docstring starts with its title, a statement of the standard (not imperative).
# ruff: noqa: D401
"""Data hygiene: data, models and big files live in DVC, notebooks are committed clean."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator

from mlops_kit.audit.model import Finding
from mlops_kit.audit.repo import RepoView
from mlops_kit.audit.rule import rule

LARGE_FILE = 1_000_000  # bytes
# Generated text reviewed by its diffs (a uv.lock is ~1 MB): not data, exempt from DAT101.
LOCK_FILES = frozenset({"poetry.lock", "uv.lock", "requirements.lock", "pylock.toml"})
NOTEBOOK_LIMIT = 20 * 1024 * 1024

DATA_SUFFIXES = (
    ".csv", ".tsv", ".parquet", ".feather", ".arrow", ".avro", ".orc", ".jsonl", ".ndjson",
    ".xlsx", ".xls", ".h5", ".hdf5", ".npy", ".npz", ".zip", ".tar", ".gz", ".bz2", ".xz",
    ".zst", ".tfrecord", ".db", ".sqlite", ".sqlite3",
)  # fmt: skip
MODEL_SUFFIXES = (
    ".pkl", ".pickle", ".joblib", ".pt", ".pth", ".ckpt", ".onnx", ".safetensors", ".keras",
    ".skops", ".cbm", ".ubj",
)  # fmt: skip
# Small fixtures belong with the tests that use them.
FIXTURE_FOLDERS = ("tests/",)


@rule("DAT101", family="data", severity="error", requires=("LAY109",))
def no_large_files(repo: RepoView) -> Iterator[Finding]:
    """No large files are committed to git.

    Why: git keeps every version of every file forever; one committed dataset or model
    makes every clone slow, and removing it later means rewriting history.
    Fix: `git rm --cached <file>`, then track it with DVC (`dvc add <file>`) or make it a
    stage output. Lock files of package managers (uv.lock, poetry.lock, ...) are exempt.
    """
    for path in repo.files:
        if path in repo.listing.symlinks or path in LOCK_FILES:
            continue
        info = repo.lstat(path)
        if info is not None and stat.S_ISREG(info.st_mode) and info.st_size > LARGE_FILE:
            yield Finding(f"{path} is {info.st_size / 1e6:.1f} MB (limit 1 MB)", path)


def _outside_fixtures(path: str) -> bool:
    return not path.startswith(FIXTURE_FOLDERS)


@rule("DAT102", family="data", severity="error", requires=("LAY109",))
def no_data_in_git(repo: RepoView) -> Iterator[Finding]:
    """Datasets are versioned by DVC, not committed to git.

    Why: raw and derived data committed to git cannot be shared through a DVC remote,
    is not linked to the pipeline that made it, and grows the repository on every change.
    Fix: `git rm --cached <file>` then `dvc add <file>` (raw inputs) or declare it as a
    stage output; tiny test fixtures belong under tests/.
    """
    for path in repo.files:
        name = path.rsplit("/", 1)[-1].lower()
        if name.endswith(DATA_SUFFIXES) and _outside_fixtures(path):
            yield Finding(f"data file {path} is in git", path)


@rule("DAT103", family="data", severity="error", requires=("LAY109",))
def no_models_in_git(repo: RepoView) -> Iterator[Finding]:
    """Model artefacts are not committed to git.

    Why: trained models are pipeline outputs: DVC caches them and MLflow registers them
    with their metrics and lineage; a committed pickle has neither and bloats history.
    Fix: `git rm --cached <file>`, make the model a stage output (`outs: [models/model.pkl]`)
    and register it in MLflow.
    """
    for path in repo.files:
        if path.lower().endswith(MODEL_SUFFIXES) and _outside_fixtures(path):
            yield Finding(f"model file {path} is in git", path)


@rule("DAT104", family="data", severity="warning")
def notebooks_stripped(repo: RepoView) -> Iterator[Finding]:
    """Committed notebooks have their outputs stripped.

    Why: notebook outputs hold data samples (sometimes personal data), images and
    execution counts; they leak data, bloat diffs and make every review noisy.
    Fix: `nbstripout` (or `jupyter nbconvert --clear-output --inplace`), and a pre-commit
    hook that strips outputs on every commit.
    """
    for path in repo.files:
        if not path.endswith(".ipynb") or path in repo.listing.symlinks:
            continue
        repo.claimed.add(path)
        text = repo.text_or_none(path, limit=NOTEBOOK_LIMIT)
        if text is None:
            problem = repo.problem(path)
            if problem:
                yield Finding(f"{path} {problem}", path)
            continue
        try:
            notebook = json.loads(text)
        except (ValueError, RecursionError):
            yield Finding(f"{path} is not a valid notebook (JSON)", path)
            continue
        cells = notebook.get("cells") if isinstance(notebook, dict) else None
        dirty = [
            c
            for c in (cells if isinstance(cells, list) else [])
            if isinstance(c, dict) and (c.get("outputs") or c.get("execution_count") is not None)
        ]
        if dirty:
            yield Finding(f"{path}: {len(dirty)} cell(s) keep outputs or execution counts", path)

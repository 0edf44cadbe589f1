# A rule's docstring starts with its title, a statement of the standard (not imperative).
# ruff: noqa: D401
"""Data hygiene: data, models and big files live in DVC, notebooks are committed clean."""

from __future__ import annotations

import json
import re
import stat
from collections.abc import Iterator

from mlops_kit.audit import facts
from mlops_kit.audit.model import Finding
from mlops_kit.audit.profile import (
    FIXTURE_FOLDERS,
    TEACHING_FOLDERS,
    profile_of,
    template_source,
)
from mlops_kit.audit.repo import RepoView
from mlops_kit.audit.rule import rule

LARGE_FILE = 1_000_000  # bytes
NOTEBOOK_LIMIT = 2 * 1024 * 1024

# Datasets, models and notebooks have their own rules (DAT102-DAT104), which say the size.
DATA_SUFFIXES = (
    ".csv", ".tsv", ".parquet", ".pq", ".feather", ".arrow", ".avro", ".orc", ".jsonl", ".ndjson",
    ".xlsx", ".xls", ".h5", ".hdf5", ".npy", ".npz", ".tfrecord", ".db", ".sqlite", ".sqlite3",
)  # fmt: skip
# A compressed dataset (`train.csv.gz`) is data; another archive (`design.zip`) is only
# reported when it is large (DAT101).
COMPRESSION_SUFFIXES = (".gz", ".bz2", ".xz", ".zst")


def is_data_name(name: str) -> bool:
    """Return True for dataset file names, compressed ones included."""
    for suffix in COMPRESSION_SUFFIXES:
        name = name.removesuffix(suffix)
    return name.endswith(DATA_SUFFIXES)


MODEL_SUFFIXES = (
    ".pkl", ".pickle", ".joblib", ".pt", ".pth", ".ckpt", ".onnx", ".safetensors", ".keras",
    ".skops", ".cbm", ".ubj",
)  # fmt: skip
# Lock files are big by nature; documentation images and PDFs get a higher limit.
LOCKS = frozenset(
    {"uv.lock", "poetry.lock", "pdm.lock", "pipfile.lock", "package-lock.json", "yarn.lock",
     "pnpm-lock.yaml", "conda-lock.yml", "pylock.toml", "pixi.lock", "requirements.lock"}
)  # fmt: skip
MEDIA_SUFFIXES = (
    ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".pdf", ".ico", ".drawio",
    ".excalidraw", ".pptx", ".docx",
)  # fmt: skip
MEDIA_FILE = 5_000_000
OWN_RULES = (*DATA_SUFFIXES, *MODEL_SUFFIXES, ".ipynb")
# Small fixtures belong with the tests that use them.
# `examples/`, `github_example/`, `example-pipeline/`; documentation (`docs/`, a Sphinx
# source folder `sphinx/`).
DEMO_FOLDERS = re.compile(
    r"(?:^|/)(?:[\w-]*?[-_])?examples?(?:[-_][\w-]*)?/"
    r"|(?:^|/)(?:tutorials?|docs?|sphinx|benchmarks?|samples?[-_]data|sample[-_]datasets?)/"
)
SMALL_MODEL = 1024  # bytes; smaller "model" files are test fixtures or placeholders
_EDITOR_COPY = re.compile(r"(?:^|/)\.(?:ipynb_checkpoints|virtual_documents)/")
DEMO_MODEL = 1_000_000  # bytes; a smaller model in an example or a lab is one it loads
SMALL_DATA = 20_000  # bytes; smaller tables are lookups, reports or examples


@rule("DAT101", family="data", severity="error", requires=("LAY109",))
def no_large_files(repo: RepoView) -> Iterator[Finding]:
    """No large files are committed to git.

    Why: git keeps every version of every file forever; one committed dataset or model
    makes every clone slow, and removing it later means rewriting history.
    A library's package data is not reported: a file inside a package folder of a library
    (no training code, data folders or notebooks) that its build ships in the wheel (a
    backend that ships a package folder whole: Poetry, Hatchling, Flit, PDM; setuptools
    `package_data`; or `include_package_data` with MANIFEST.in naming the file) is there
    on purpose, for the functions that load it. A copy elsewhere in the repository is.
    Nor is a Kubernetes manifest (a vendored CRD, a rendered chart): configuration.
    Fix: `git rm --cached <file>`, then track it with DVC (`dvc add <file>`) or make it a
    stage output.
    """
    large: dict[str, list[tuple[str, int, int]]] = {}
    for path in repo.files:
        name = path.rsplit("/", 1)[-1].lower()
        if path in repo.listing.symlinks or name in LOCKS or name.endswith(OWN_RULES):
            continue
        if is_data_name(name) and profile_of(repo).has("project"):
            continue  # DAT102 reports datasets of projects (libraries: only large ones, here)
        limit = MEDIA_FILE if name.endswith(MEDIA_SUFFIXES) else LARGE_FILE
        info = repo.lstat(path)
        if info is not None and stat.S_ISREG(info.st_mode) and info.st_size > limit:
            if facts.shipped_package_data(repo, path):
                continue  # a library's example dataset, shipped in its wheel
            if name.endswith((".yaml", ".yml")) and _kubernetes_manifest(repo, path):
                continue  # a vendored CRD or rendered chart: configuration, not data
            folder = path.split("/", 1)[0] if "/" in path else "."
            large.setdefault(folder, []).append((path, info.st_size, limit))
    # One finding per top-level folder: a folder of big files is one fact.
    for folder, found in large.items():
        path, size, limit = found[0]
        if len(found) == 1:
            yield Finding(f"{path} is {size / 1e6:.1f} MB (limit {limit // 1_000_000} MB)", path)
            continue
        total = sum(s for _, s, _ in found) / 1e6
        names = ", ".join(p.rsplit("/", 1)[-1] for p, _, _ in found[:3])
        yield Finding(
            f"{len(found)} files over {limit // 1_000_000} MB ({total:.1f} MB) under {folder}/: "
            f"{names}, ...",
            path,
        )


_KUBERNETES = re.compile(r"^apiVersion:\s*\S", re.MULTILINE)


def _kubernetes_manifest(repo: RepoView, path: str) -> bool:
    """True for a Kubernetes manifest (`apiVersion:` and `kind:` at the top level)."""
    head = (repo.text(path) or "")[:4096]
    return (
        _KUBERNETES.search(head) is not None and re.search(r"^kind:\s*\w", head, re.M) is not None
    )


def _size(repo: RepoView, path: str) -> str:
    info = repo.lstat(path)
    large = info is not None and info.st_size > LARGE_FILE
    return f" ({info.st_size / 1e6:.1f} MB)" if info is not None and large else ""


def _demo(path: str) -> bool:
    """True for example, tutorial, documentation and course material."""
    return DEMO_FOLDERS.search(path) is not None or TEACHING_FOLDERS.search(path) is not None


def _outside_fixtures(path: str) -> bool:
    return not FIXTURE_FOLDERS.search(path) and not template_source(path)


def _mlflow_store(path: str) -> bool:
    """MLflow's own stores: TRK104 reports them (once)."""
    return path == "mlflow.db" or path.startswith(tuple(f"{s}/" for s in facts.MLFLOW_STORES))


def _stage_output(path: str, outputs: tuple[str, ...]) -> bool:
    return any(path == out or path.startswith(out + "/") for out in outputs)


# Reference tables (names, codes, distances) kept beside the code that looks them up.
REFERENCE_TABLE = 100_000
_REFERENCE_FOLDER = re.compile(r"(?i)(?:^|/)(?:constants|lookups?|reference|mappings?)/")


@rule("DAT102", family="data", severity="error", requires=("LAY109",), applies=("project",))
def no_data_in_git(repo: RepoView) -> Iterator[Finding]:
    """Datasets are versioned by DVC, not committed to git.

    Why: raw and derived data committed to git cannot be shared through a DVC remote,
    is not linked to the pipeline that made it, and grows the repository on every change.
    Files under 20 KB (lookup tables, small reports), reference tables under 100 KB in a
    folder named for them (`constants/`, `lookup/`, `reference/`, `mappings/`), and the
    inputs of examples, tutorials, docs and `sample_data/` folders, or of a collection of
    notebooks (a book, a course), are not reported; one finding covers the data files of
    a top-level folder. A committed output of a DVC stage is reported once, by DVC106.
    Fix: `git rm --cached <file>` then `dvc add <file>` (raw inputs) or declare it as a
    stage output; tiny test fixtures belong under tests/.
    """
    profile = profile_of(repo)
    if profile.layout == "notebooks" and not profile.kit:
        return  # a collection of notebooks (a book, a course) ships its example data
    mlflow = profile.mlflow
    outputs = tuple(
        out.path.rstrip("/") for _, out in facts.cached_outputs(repo) if out.path is not None
    )
    by_folder: dict[str, list[tuple[str, int]]] = {}
    for path in repo.files:
        name = path.rsplit("/", 1)[-1].lower()
        if not is_data_name(name) or not _outside_fixtures(path) or DEMO_FOLDERS.search(path):
            continue
        if outputs and _stage_output(path, outputs):
            continue  # DVC106 reports a committed stage output (one fact, one finding)
        if mlflow and _mlflow_store(path):
            continue
        if repo.is_git and path not in repo.tracked:
            continue
        info = repo.lstat(path)
        size = info.st_size if info is not None else SMALL_DATA  # deleted: size unknown
        if size < SMALL_DATA:
            continue  # a lookup table or a report, not a dataset
        if size < REFERENCE_TABLE and _REFERENCE_FOLDER.search(path):
            continue  # `data/constants/team_names.csv`: reference tables the code looks up
        folder = path.split("/", 1)[0] if "/" in path else "."
        by_folder.setdefault(folder, []).append((path, size))
    # One finding per top-level folder: a folder of datasets in git is one fact.
    for folder, found in by_folder.items():
        path, size = found[0]
        if len(found) == 1:
            yield Finding(f"data file {path} is in git{_size(repo, path)}", path)
            continue
        total = sum(s for _, s in found) / 1e6
        names = ", ".join(p.rsplit("/", 1)[-1] for p, _ in found[:3])
        yield Finding(
            f"{len(found)} data files ({total:.1f} MB) under {folder}/ are in git: {names}, ...",
            path,
        )


@rule("DAT103", family="data", severity="error", requires=("LAY109",))
def no_models_in_git(repo: RepoView) -> Iterator[Finding]:
    """Model artefacts are not committed to git.

    Why: trained models are pipeline outputs: DVC caches them and MLflow registers them
    with their metrics and lineage; a committed pickle has neither and bloats history.
    Models under 1 MB in examples, labs or a demo that trains only on a dataset a library
    ships (scikit-learn's wine, Keras' MNIST) are the toy models it loads and not reported,
    nor are pickles in a cache folder or named as a cache (`data/cache/eda_cache.pkl`):
    cached data, not a model, nor pickles in a data folder whose path does not say model
    (`sample-data/feature/item_mapping.pickle`).
    Fix: `git rm --cached <file>`, make the model a stage output (`outs: [models/model.pkl]`)
    and register it in MLflow.
    """
    for path in repo.files:
        if not path.lower().endswith(MODEL_SUFFIXES) or not _outside_fixtures(path):
            continue
        info = repo.lstat(path)
        if info is None or info.st_size < SMALL_MODEL:
            continue
        if info.st_size < DEMO_MODEL and (_demo(path) or facts.bundled_datasets_only(repo)):
            continue  # a toy model an example, a lab or a demo trained on iris loads
        if _CACHE_PICKLE.search(path.lower()):
            continue  # cached data (`cache/eda.pkl`, `features_cache.pkl`), not a model
        if _DATA_PICKLE.search(path.lower()) and "model" not in path.lower():
            continue  # pickled data (`sample-data/feature/id_mapping.pickle`), not a model
        if repo.is_git and path not in repo.tracked:
            continue
        yield Finding(f"model file {path} is in git{_size(repo, path)}", path)


# A pickle in a cache folder or named as a cache: data a script saved to skip recomputing.
_CACHE_PICKLE = re.compile(
    r"(?:(?:^|/)[._]?caches?/(?:[^/]+/)*[^/]+|(?:^|/)(?:[^/]*[_.-])?cache(?:[_.-][^/]*)?)"
    r"\.(?:pkl|pickle)$"
)


# A pickle in a data folder (`data/`, `datasets/`, `sample-data/`, `raw_data/`) whose path
# does not say model: pickled tables, mappings or features.
_DATA_PICKLE = re.compile(r"(?:^|/)(?:[\w.]*[-_])?data(?:sets?)?/(?:[^/]+/)*[^/]+\.(?:pkl|pickle)$")


@rule("DAT104", family="data", severity="warning", applies=("code", "project"))
def notebooks_stripped(repo: RepoView) -> Iterator[Finding]:
    """Committed notebooks have their outputs stripped.

    Why: notebook outputs hold data samples (sometimes personal data), images and
    execution counts; they leak data, bloat diffs and make every review noisy.
    Fix: `nbstripout` (or `jupyter nbconvert --clear-output --inplace`), and a pre-commit
    hook that strips outputs on every commit.
    """
    dirty_notebooks: list[tuple[str, int]] = []
    for path in repo.files:
        if not path.endswith(".ipynb") or path in repo.listing.symlinks:
            continue
        repo.claimed.add(path)
        if not _outside_fixtures(path) or _EDITOR_COPY.search(path):
            continue  # test fixtures; checkpoints and scratch copies are LAY113's
        demo = _demo(path)  # tutorials, examples and labs show their outputs on purpose
        info = repo.lstat(path)
        if info is not None and info.st_size > NOTEBOOK_LIMIT:
            if not demo:
                dirty_notebooks.append((path, 0))  # that size comes from outputs
            continue
        text = repo.text_or_none(path, limit=NOTEBOOK_LIMIT)
        if text is None:
            problem = repo.problem(path)
            if problem:
                yield Finding(f"{path} {problem}", path)
            continue
        if demo:
            # Outputs are kept on purpose; only a file that cannot be a notebook is news
            # (an editor's scratch copy committed by accident).
            if not text.lstrip().startswith("{"):
                yield Finding(f"{path} is not a valid notebook (JSON)", path)
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
            dirty_notebooks.append((path, len(dirty)))
    # One fact (nothing strips outputs on commit), however many notebooks show it.
    if len(dirty_notebooks) == 1:
        path, cells = dirty_notebooks[0]
        what = f"{cells} cell(s) keep" if cells else "too large: it keeps"
        yield Finding(f"{path}: {what} outputs or execution counts", path)
    elif dirty_notebooks:
        names = ", ".join(p for p, _ in dirty_notebooks[:3])
        more = f" and {len(dirty_notebooks) - 3} more" if len(dirty_notebooks) > 3 else ""
        yield Finding(
            f"{len(dirty_notebooks)} notebooks keep outputs or execution counts: {names}{more}",
            dirty_notebooks[0][0],
        )

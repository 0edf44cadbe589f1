# A rule's docstring starts with its title, a statement of the standard (not imperative).
# ruff: noqa: D401
"""Data hygiene: data, models and big files live in DVC, notebooks are committed clean."""

from __future__ import annotations

import json
import posixpath
import re
import stat
from collections.abc import Callable, Iterator
from contextlib import closing

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
# A website's built assets (a documentation theme's minified bundle, its fonts): the
# media limit, as for images.
_WEB_ASSETS = (
    ".min.js", ".min.css", "bundle.js", ".woff", ".woff2", ".ttf", ".otf", ".eot", ".css",
)  # fmt: skip
# A bundler's output, named by its content's hash (`index-c8fd0bb8.js`, `main.3f9a1c2e.css`).
_HASHED_BUILD = re.compile(r"(?<=\w)[.-][0-9a-f]{8,20}\.(?:js|css|mjs)$")
# Documents: a project journal in Markdown, a generated HTML report a wiki links, the
# bibliography a book or paper cites (`references.bib`).
_DOCUMENTS = (".md", ".rst", ".html", ".htm", ".bib")
_MEDIA_LIMITED = (*MEDIA_SUFFIXES, *_WEB_ASSETS, *_DOCUMENTS)
# Videos and scientific images: documentation media when a document shows them
# (`images/demo.mp4` a README links), else large files like any other.
_LINKABLE_MEDIA = (
    ".mp4", ".webm", ".mov", ".avi", ".mkv", ".tif", ".tiff", ".wav", ".mp3", ".flac", ".ogg",
)  # fmt: skip
MEDIA_FILE = 5_000_000
OWN_RULES = (*DATA_SUFFIXES, *MODEL_SUFFIXES, ".ipynb")
# Small fixtures belong with the tests that use them.
# `examples/`, `github_example/`, `example-pipeline/`; documentation (`docs/`, a Sphinx
# source folder `sphinx/`).
DEMO_FOLDERS = re.compile(
    r"(?:^|/)(?:[\w-]*?[-_])?examples?(?:[._-][\w.-]*)?/"
    r"|(?:^|/)(?:tutorials?|docs?|sphinx|benchmarks?|demos?|samples?[-_]data|sample[-_]datasets?"
    r"|tests?[-_]?data)/"
    # a sample shipped for runs without the real source: `data/sample/`
    r"|(?:^|/)data/samples?/"
)
SMALL_MODEL = 1024  # bytes; smaller "model" files are test fixtures or placeholders
_EDITOR_COPY = re.compile(r"(?:^|/)\.(?:ipynb_checkpoints|virtual_documents)/")
DEMO_MODEL = 1_000_000  # bytes; a smaller model in an example or a lab is one it loads
SMALL_DATA = 20_000  # bytes; smaller tables are lookups, reports or examples


@rule("DAT101", family="data", severity="warning", kit_severity="error", requires=("LAY109",))
def no_large_files(repo: RepoView) -> Iterator[Finding]:
    """No large files are committed to git.

    Why: git keeps every version of every file forever; one committed dataset or model
    makes every clone slow, and removing it later means rewriting history. Documentation
    images, PDFs, documents (Markdown, HTML, a BibTeX bibliography) and a website's built
    assets (`theme/static/js/app.min.js`, `swagger-ui-bundle.js`, a bundler's hashed
    `index-c8fd0bb8.js`, stylesheets, fonts) are reported from 5 MB,
    other files from 1 MB; a file a `.gitignore` re-includes under a comment saying why is
    kept in git by decision.
    A library's package data is not reported: a file inside a package folder of a library
    (no training code, data folders or notebooks) that its build ships in the wheel (a
    backend that ships a package folder whole: Poetry, Hatchling, Flit, PDM; setuptools
    `package_data`; or `include_package_data` with MANIFEST.in naming the file) is there
    on purpose, for the functions that load it. A copy elsewhere in the repository is.
    Nor is a licence text or notice file (`THIRDPARTY_LICENSES.txt`), which the source
    must ship with; nor a Kubernetes manifest (a vendored CRD, a rendered chart):
    configuration; nor
    source code a tool generated (`// generated by cdk8s`, `# Generated by the protocol
    buffer compiler`, `/* Generated by Cython */`), committed by design; nor a
    distribution the project installs from its path (a wheel `[tool.uv.sources]`, a
    requirements file or a Dockerfile names); nor
    a file up to 5 MB in a test folder that a test module names (`tests/clips/possum.cptv`),
    or in a sample-data folder a test module names (`sample-data/cpsc2018/A1986.mat`):
    a fixture; nor a file up to 5 MB in a package folder that a module of that folder
    names (`tokenizer/bpe_vocab.txt.gz` opened by `tokenizer/simple_tokenizer.py`): a
    resource of the code, shipped with it; nor a video or a TIFF image up to 5 MB that a
    document or a script of the repository names (`images/demo.mp4` linked from a README,
    `scripts/gt_128.tiff` a script reads as its reference volume); nor a file in a paper's
    folder (a folder below it holds the LaTeX sources, `paper/journal/manuscript.tex`): the
    publisher's template, the figures and tables the manuscript includes; nor a
    tokenizer's vocabulary up to 5 MB saved beside the rest of the tokenizer
    (`encoder.json` beside `vocab.bpe`, `tokenizer.json` beside `tokenizer_config.json`);
    nor a file a Unity project serialises under its `Assets/` (scenes, prefabs, settings
    of an ML-Agents environment): the project's sources.
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
        if _LEGAL_TEXT.match(name):
            continue  # `THIRDPARTY_LICENSES.txt`: notices the source must ship with
        limit = (
            MEDIA_FILE
            if name.endswith((*MEDIA_SUFFIXES, *_WEB_ASSETS, *_DOCUMENTS))
            or _HASHED_BUILD.search(name)
            else LARGE_FILE
        )
        info = repo.lstat(path)
        if info is not None and stat.S_ISREG(info.st_mode) and info.st_size > limit:
            if facts.shipped_package_data(repo, path):
                continue  # a library's example dataset, shipped in its wheel
            if name.endswith((".yaml", ".yml")) and _kubernetes_manifest(repo, path):
                continue  # a vendored CRD or rendered chart: configuration, not data
            if name.endswith(_SOURCE_SUFFIXES) and _generated_source(repo, path):
                continue  # `// generated by cdk8s`: code a tool writes, committed by design
            if name.endswith(_DISTRIBUTION_SUFFIXES) and _installed_by_path(repo, path):
                continue  # a wheel the manifest installs from the repository: a dependency
            if info.st_size <= MEDIA_FILE and _test_fixture(repo, path):
                continue  # `tests/clips/possum.cptv`, which a test opens: a fixture
            if info.st_size <= MEDIA_FILE and _package_resource(repo, path):
                continue  # `tokenizer/vocab.txt.gz`, which its module opens: package data
            if facts.kept_on_purpose(repo, path):
                continue  # `.gitignore` re-includes it under a comment: kept in git by decision
            if info.st_size <= MEDIA_FILE and _named_by_repo(repo, path):
                continue  # `images/demo.mp4` a README shows, `scripts/gt_128.tiff` a script reads
            if _manuscript_material(repo, path):
                continue  # `paper/journal/template.zip`: part of a paper's LaTeX sources
            if info.st_size <= MEDIA_FILE and _tokenizer_file(repo, path):
                continue  # `gpt-2/models/124M/encoder.json` beside `vocab.bpe`: a vocabulary
            if _unity_asset(repo, path):
                continue  # `Assets/Settings/Lit2D.scenetemplate`: a Unity project's source
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


_DISTRIBUTION_SUFFIXES = (".whl", ".tar.gz", ".zip")


def _tokenizer_file(repo: RepoView, path: str) -> bool:
    """Return True for a tokenizer's vocabulary file saved beside the rest of the tokenizer.

    `save_pretrained("configs/tokenizer")` writes `tokenizer.json` beside
    `tokenizer_config.json`; GPT-2's release keeps `encoder.json` beside `vocab.bpe`: the
    vocabulary the code loads with the model's settings, not a dataset.
    """
    folder, _, name = path.rpartition("/")
    if name not in _TOKENIZER_FILES:
        return False
    siblings = {p.rpartition("/")[2] for p in repo.under(folder)} if folder else repo.file_set
    return len(siblings & _TOKENIZER_FILES) >= 2


_TOKENIZER_FILES = frozenset(
    {"tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.json",
     "vocab.txt", "merges.txt", "encoder.json", "vocab.bpe", "spiece.model",
     "sentencepiece.bpe.model", "tokenizer.model"}
)  # fmt: skip


def _unity_asset(repo: RepoView, path: str) -> bool:
    """Return True for a file Unity serialises in a Unity project's `Assets/` folder.

    A project (`ProjectSettings/ProjectVersion.txt` beside `Assets/`) keeps its scenes,
    prefabs, materials and settings as text files that the editor needs to open and
    build it (an ML-Agents environment): the project's sources, not data.
    """
    head, marker, _ = path.partition("Assets/")
    if not marker or (head and not head.endswith("/")):
        return False
    return path.endswith(_UNITY_SUFFIXES) and f"{head}ProjectSettings/ProjectVersion.txt" in (
        repo.file_set
    )


_UNITY_SUFFIXES = (
    ".asset", ".unity", ".prefab", ".mat", ".scenetemplate", ".shadergraph", ".controller",
    ".anim", ".lighting", ".terrainlayer",
)  # fmt: skip


def _package_resource(repo: RepoView, path: str) -> bool:
    """Return True when `path` sits in a package folder whose module opens it by name.

    `glide_text2im/tokenizer/bpe_simple_vocab_16e6.txt.gz` beside `__init__.py` and
    `simple_tokenizer.py`, which names the file: a vocabulary the code loads; or in a data
    folder of a package (`pkg/dmri/data/atlas.nii.gz`) whose file a module of it names.
    """
    folder, _, name = path.rpartition("/")
    if not folder:
        return False
    if f"{folder}/__init__.py" in repo.file_set:
        return any(
            sibling.endswith(".py")
            and sibling.rpartition("/")[0] == folder
            and name in (repo.text(sibling) or "")
            for sibling in repo.under(folder)
        )
    # A data folder of a package (`pkg/dmri/data/`, no `__init__.py`) whose file a module
    # of the package names (`Path(__file__).parent / "data" / "mni_icbm152.nii.gz"`).
    package = folder.rpartition("/")[0]
    if not package or f"{package}/__init__.py" not in repo.file_set:
        return False
    return any(
        module.endswith(".py")
        and module.rpartition("/")[0] == package
        and name in (repo.text(module) or "")
        for module in repo.under(package)
    )


def _named_by_repo(repo: RepoView, path: str) -> bool:
    """Return True for a video, a sound or a TIFF image a document or a Python file names.

    `TabDiff-main/images/tabdiff_demo.mp4` linked from `TabDiff-main/README.md`: a
    documentation asset; `scripts/gt_128.tiff` read by `REFERENCE_PATH = ... / "gt_128.tiff"`:
    a reference the evaluation compares against, kept on purpose; so is each clip of a
    demo or sample folder a document names (`tests/samples/demo/audio/`).
    """
    if not path.lower().endswith(_LINKABLE_MEDIA):
        return False
    folder, _, name = path.rpartition("/")
    # `tests/samples/demo/audio/` a README runs the demo on: each clip of that folder
    demo = folder if _DEMO_MEDIA_FOLDER.search(folder) else None
    return any(
        other.endswith((".md", ".rst", ".py"))
        and (name in (text := repo.text(other) or "") or (demo is not None and f"{demo}/" in text))
        for other in repo.files
        if other != path and other.count("/") <= path.count("/") + 1
    )


_DEMO_MEDIA_FOLDER = re.compile(r"(?:^|/)(?:demos?|samples?|examples?)(?:/|$)")


def _manuscript_material(repo: RepoView, path: str) -> bool:
    """Return True when a folder holding `path` (below the root) holds LaTeX sources.

    `paper/sports_engineering/generated/metrics.csv` beside `paper/sports_engineering/
    manuscript.tex`: the tables, figures and publisher's template of a paper. Not a file
    below a folder of code (`report/code/data/corpus.jsonl`: the data of a program kept
    with a report).
    """

    def compute() -> tuple[frozenset[str], frozenset[str]]:
        tex = frozenset(p.rpartition("/")[0] for p in repo.files if p.endswith(".tex"))
        code = frozenset(p.rpartition("/")[0] for p in repo.files if p.endswith(".py"))
        return tex, code

    tex, code = facts.memo(repo, "manuscript_folders", compute)
    folder = path.rpartition("/")[0]
    while folder and folder not in code:
        if folder in tex:
            return True
        folder = folder.rpartition("/")[0]
    return False


def _config_table(repo: RepoView, path: str) -> bool:
    """Return True for a table in a config folder that a config file of that folder names.

    `configs/class_to_concepts.csv`, named by `configs/training.yaml`
    (`concept_mapping_path: ../configs/class_to_concepts.csv`): a curated mapping the
    configuration points at, edited by hand and reviewed like the rest of it.
    """
    top, _, rest = path.partition("/")
    if top not in _CONFIG_FOLDERS or not rest:
        return False
    name = path.rpartition("/")[2]
    return any(
        other.endswith((".yaml", ".yml", ".json", ".toml")) and name in (repo.text(other) or "")
        for other in repo.under(top)
        if other != path
    )


_CONFIG_FOLDERS = frozenset({"conf", "config", "configs", "configuration"})
# A dataset's manifest: the ids, paths and checksums of its records, not the records
# (`data/manifests/penelope/records.parquet`, `splits/train_manifest.csv`).
_MANIFEST = re.compile(r"(?i)(?:^|/)manifests?/|manifest[^/]*$")


def _installed_by_path(repo: RepoView, path: str) -> bool:
    """Return True when a manifest or a Dockerfile installs the distribution from `path`.

    `curope = { path = "bundle/oss/curope-0.0.0-cp311-cp311-linux_x86_64.whl" }` under
    `[tool.uv.sources]`, `./wheels/pkg-1.0-py3-none-any.whl` in a requirements file,
    `RUN pip install bundle/pkg.whl`: a dependency no index serves, kept with the code.
    """
    name = path.rsplit("/", 1)[-1]
    places = ["pyproject.toml", "setup.py", *profile_of(repo).requirements]
    places += facts.dockerfiles(repo)
    return any(p in repo.file_set and name in (repo.text(p) or "") for p in places)


def _test_fixture(repo: RepoView, path: str) -> bool:
    """Return True for a file in a test folder that a test module names.

    Or in a sample-data folder a test module names (`sample-data/cpsc2018/A1986.mat`,
    which a test reads through `parents[2] / "sample-data" / "cpsc2018"`).
    """
    tests = profile_of(repo).test_files[:_FIXTURE_READERS]
    sample = _SAMPLE_FOLDER.search(path)
    if sample is not None:
        return any(sample.group(1) in (repo.text(test) or "") for test in tests)
    if FIXTURE_FOLDERS.search(path) is None:
        return False
    name = path.rsplit("/", 1)[-1]
    return any(name in (repo.text(test) or "") for test in tests)


_SAMPLE_FOLDER = re.compile(r"(?:^|/)((?:samples?|tests?)[-_]?data)/")


_FIXTURE_READERS = 50  # test modules read to find a fixture's name


_SQLITE_SUFFIXES = (".db", ".sqlite", ".sqlite3")
EMPTY_DATABASE = 5_000_000  # larger SQLite files are not opened
# Tables a framework fills on its own when it creates its schema.
_BOOKKEEPING_TABLE = re.compile(
    r"^(?:sqlite_\w*|django_migrations|django_content_type|auth_permission|alembic_version"
    r"|schema_migrations|flyway_schema_history)$"
)


def _holds_no_records(repo: RepoView, path: str) -> bool:
    """Return True for a SQLite database whose tables hold no record of the project's.

    Django's `db.sqlite3` after `migrate` (its migration, permission and content-type
    tables filled, every model's empty) or a monitoring schema nothing has written to yet.
    The file is opened read-only, as an immutable file; anything that is not a readable
    database holds data as far as the audit knows.
    """
    import sqlite3  # only for committed SQLite files

    info = repo.lstat(path)
    if info is None or not stat.S_ISREG(info.st_mode):
        return False
    location = (repo.root / path).as_uri() + "?mode=ro&immutable=1"
    try:
        with closing(sqlite3.connect(location, uri=True)) as connection:
            tables = [
                row[0]
                for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            ]
            for table in tables:
                if _BOOKKEEPING_TABLE.match(table):
                    continue
                quoted = '"' + table.replace('"', '""') + '"'
                if connection.execute(f"SELECT 1 FROM {quoted} LIMIT 1").fetchone():
                    return False
    except (sqlite3.Error, OSError, ValueError):
        return False
    return True


def _published_open_data(repo: RepoView, path: str) -> bool:
    """Return True when a folder holding `path` carries a licence of its own.

    `data/LICENSE` (CC BY 4.0) beside `data/reading/scores.csv`: the data is published
    with the code on purpose, under its own terms (a data licence: Creative Commons, Open
    Data Commons, CDLA), for others to reuse.
    """
    folder = path.rpartition("/")[0]
    while folder:
        for name in _LICENCE_NAMES:
            licence = f"{folder}/{name}"
            if licence in repo.file_set:
                head, _ = repo.read_head(licence, 2000)
                text = (head or b"").decode("utf-8", "replace")
                # A data licence; a code licence (MIT) in a vendored project's folder says
                # nothing of the data beside the code.
                return _DATA_LICENCE.search(text) is not None
        folder = folder.rpartition("/")[0]
    return False


_LICENCE_NAMES = ("LICENSE", "LICENSE.md", "LICENSE.txt", "LICENCE", "LICENCE.md", "COPYING")
_DATA_LICENCE = re.compile(
    r"(?i)creative commons|\bCC[- ](?:BY|0)\b|attribution(?:-\w+)* 4\.0|open data commons"
    r"|\bODbL\b|\bCDLA\b|public domain dedication"
)


_SOURCE_SUFFIXES = (
    ".py", ".ts", ".js", ".go", ".java", ".rs", ".cs", ".swift", ".kt",
    ".c", ".cc", ".cpp", ".cxx", ".h", ".hpp",  # `/* Generated by Cython 0.28.3 */`
)  # fmt: skip
_GENERATED_HEADER = re.compile(
    r"(?i)\A(?:\s*(?://|#|/\*|\*)[^\n]*\n){0,3}?\s*(?://|#|/\*|\*)"
    r"[^\n]*\b(?:auto-?generated|generated by|code generated)\b"
)


def _generated_source(repo: RepoView, path: str) -> bool:
    """Return True for source code a tool wrote, by the comment at its top."""
    data, _ = repo.read_head(path, 600)
    return (
        data is not None and _GENERATED_HEADER.search(data.decode("utf-8", "replace")) is not None
    )


_KUBERNETES = re.compile(r"^apiVersion:\s*\S", re.MULTILINE)


# Licence texts and notices (`LICENSE`, `THIRDPARTY_LICENSES.txt`, `NOTICE.md`).
_LEGAL_TEXT = re.compile(
    r"(?:third[-_ ]?party[-_ ]?)?(?:licen[cs]es?|notices?|copying)(?:\.(?:txt|md|rst|html?))?$"
)


def _kubernetes_manifest(repo: RepoView, path: str) -> bool:
    """True for a Kubernetes manifest (`apiVersion:` and `kind:` at the top level).

    Only the head is read: a vendored CRD can be larger than the audit reads whole.
    """
    data, _ = repo.read_head(path, 4096)
    head = data.decode("utf-8", "replace") if data is not None else ""
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


def _presented_demo(repo: RepoView, path: str) -> bool:
    """True for a notebook the README links, or a demo or report notebook it names.

    A link to its path (`[EDA](notebooks/eda.ipynb)`, or the path in backticks; not a
    line of a layout tree), or the name of one named as a demo
    (`demo_pipeline.ipynb`). Its outputs are what the reader is sent to look at (a
    competition's entry, a walkthrough shown to reviewers, an analysis report:
    `reports/1_cleaning.ipynb`), kept on purpose. The reports of a folder whose notebooks
    the README links are one set: a notebook of it the README leaves out is a report as
    well.
    """
    folder, _, name = path.rpartition("/")
    readme = facts.readme(repo)
    text = (repo.text(readme) or "") if readme is not None else ""
    if path in text and any(
        form in text
        for target in (path, path.replace(" ", "%20"))
        for form in (f"({target})", f"(./{target})", f"`{target}`", f'href="{target}"')
    ):
        return True  # `[exploration and modelling](notebooks/notebook.ipynb)`: linked
    report = _REPORT_NOTEBOOK.search(path) is not None
    if _DEMO_NOTEBOOK.search(name) is None and not report:
        return False
    if name in text:
        return True
    # `[Notebook](reports/2_eda.ipynb)`: the README links a notebook of the same folder
    if not report or not folder or f"{folder}/" not in text:
        return False
    return re.search(rf"{re.escape(folder)}/[^\s()\[\]]{{1,200}}?\.ipynb", text) is not None


# A notebook whose name says it presents the work (`Demo`, `showcase`, `walkthrough`).
_DEMO_NOTEBOOK = re.compile(r"(?i)demo|showcase|walk-?through")
# A notebook kept as a report: in a `reports/` folder, or named as one.
_REPORT_NOTEBOOK = re.compile(r"(?i)(?:^|/)reports?/|report[^/]*$")
_SITE_FILES = frozenset({"nbdev.yml", "_quarto.yml", "_quarto.yaml"})


def _notebook_sites(repo: RepoView) -> tuple[str, ...]:
    """Folders (with a trailing `/`, or "" for the root) whose notebooks a site renders."""
    sites = []
    for path in repo.files:
        if not path.endswith(("nbdev.yml", "_quarto.yml", "_quarto.yaml", "settings.ini")):
            continue  # the cheap test first: almost no path ends so
        folder, _, name = path.rpartition("/")
        if name in _SITE_FILES or (name == "settings.ini" and "nbdev" in (repo.text(path) or "")):
            sites.append(f"{folder}/" if folder else "")
    return tuple(sites)


def _results_table(repo: RepoView, path: str) -> bool:
    """Return True for a table of experiment results: a run or seed column and metrics.

    `run_id,config,seed,...,accuracy,auc,f1` in a results folder: what the experiments
    measured, reported in git like a paper's table; a dataset's columns are features.
    """
    if not path.endswith((".csv", ".tsv", ".xlsx", ".jsonl")) or not _RESULTS_FOLDER.search(path):
        return False
    if path.endswith(".jsonl"):  # a ledger of trials, one JSON object per line
        first = (repo.text(path) or "").split("\n", 1)[0]
        columns = {key.lower() for key in _JSON_KEY.findall(first)}
    elif path.endswith(".xlsx"):
        data, _ = repo.read_head(path, LARGE_FILE)
        # `Precision (Weighted)`, `F1-Score (Macro)`: the words of each heading
        columns = set(re.findall(r"[a-z0-9_]+", " ".join(_workbook_header(data or b"")).lower()))
    else:
        header = (repo.text(path) or "").split("\n", 1)[0].lower()
        columns = {c.strip().strip("\"'") for c in re.split(r"[,\t;]", header)}
    # `qini_auc`, `val_accuracy`, `test_f1`: a metric named for its split or variant
    metrics = {
        c for c in columns if c in _METRIC_COLUMNS or c.rsplit("_", 1)[-1] in _METRIC_COLUMNS
    }
    return bool(columns & _RUN_COLUMNS) and len(metrics) >= 2


# A key of a JSON object (`{"run_id": 3, "qini_auc": 0.41}`).
_JSON_KEY = re.compile(r"\"([\w .()-]{1,40})\"[ \t]*+:")


def _workbook_header(data: bytes) -> list[str]:
    """Return the cells of the first row of an Excel workbook's first sheet (`.xlsx`).

    Read with the standard library and bounded: the shared strings and the sheet's first
    200 KB, enough for a header row.
    """
    import io
    import zipfile
    import zlib

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            names = set(book.namelist())
            sheet = next((n for n in _FIRST_SHEETS if n in names), None)
            if sheet is None:
                return []
            with book.open(sheet) as handle:
                rows = handle.read(_WORKBOOK_READ).decode("utf-8", "replace")
            strings: list[str] = []
            if "xl/sharedStrings.xml" in names:
                with book.open("xl/sharedStrings.xml") as handle:
                    shared = handle.read(_WORKBOOK_READ).decode("utf-8", "replace")
                strings = [
                    "".join(_XML_TEXT.findall(item)) for item in _SHARED_ITEM.findall(shared)
                ]
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, RuntimeError, EOFError,
            NotImplementedError):  # fmt: skip
        return []  # a damaged or half-written workbook, or one compressed in another way
    row = _FIRST_ROW.search(rows)
    cells = []
    for attributes, body in _CELL.findall(row.group(1) if row else ""):
        value = _CELL_VALUE.search(body)
        if _SHARED_CELL.search(attributes) and value and value.group(1).isdigit():
            index = int(value.group(1))
            cells.append(strings[index] if index < len(strings) else "")
        else:
            cells.append("".join(_XML_TEXT.findall(body)) or (value.group(1) if value else ""))
    return cells


_WORKBOOK_READ = 200_000
_FIRST_SHEETS = ("xl/worksheets/sheet1.xml", "xl/worksheets/Sheet1.xml")
_FIRST_ROW = re.compile(r"<row\b[^>]*>(.*?)</row>", re.DOTALL)
_CELL = re.compile(r"<c\b([^>]*)>(.*?)</c>", re.DOTALL)
_SHARED_CELL = re.compile(r"\bt=\"s\"")
_CELL_VALUE = re.compile(r"<v>([^<]*)</v>")
_SHARED_ITEM = re.compile(r"<si>(.*?)</si>", re.DOTALL)
_XML_TEXT = re.compile(r"<t(?:\s[^>]*)?>([^<]*)</t>")


# `results/`, `output/experiment_results/`, `eval_metrics/`
_RESULTS_FOLDER = re.compile(
    r"(?:^|/)(?:[\w-]*[_-])?(?:results?|experiments?|runs|metrics|reports?|ablations?|scores)/"
)
_RUN_COLUMNS = frozenset(
    {"run_id", "run", "seed", "experiment", "exp", "trial", "config", "model", "algorithm",
     "method", "classifier", "estimator"}
)  # fmt: skip
_METRIC_COLUMNS = frozenset(
    {"accuracy", "acc", "auc", "roc_auc", "f1", "f1_score", "precision", "recall", "rmse",
     "mae", "mse", "r2", "loss", "val_loss", "map", "ndcg", "bleu", "rouge", "mape", "logloss"}
)  # fmt: skip


def _outside_fixtures(path: str) -> bool:
    return not FIXTURE_FOLDERS.search(path) and not template_source(path)


def _mlflow_store(path: str) -> bool:
    """MLflow's own stores: TRK104 reports them (once)."""
    return path.rsplit("/", 1)[-1] == "mlflow.db" or path.startswith(
        tuple(f"{s}/" for s in facts.MLFLOW_STORES)
    )


def _stage_output(path: str, outputs: tuple[str, ...]) -> bool:
    return any(path == out or path.startswith(out + "/") for out in outputs)


# Reference tables (names, codes, distances) kept beside the code that looks them up.
REFERENCE_TABLE = 100_000
# A sample named for what it is (`eredivisie_sample.csv`, `sample-orders.parquet`).
SAMPLE_NAME = re.compile(r"(?:^|[_.-])samples?(?:[_.-]|$)")
_REFERENCE_FOLDER = re.compile(
    r"(?i)(?:^|/)(?:constants|lookups?|references?|mappings?|vocabs?|vocabulary|vocabularies)/"
)


# A data dictionary or codebook: one row per item or column saying what it means and in
# which unit (`dictionary.csv` of a clinical database, `data_dictionary.xlsx`).
_DATA_DICTIONARY = re.compile(r"(?:^|[_.-])(?:data[_-]?)?(?:dictionary|codebook)\.[a-z0-9.]+$")
# A file named as a template (`rebuttal_template.xlsx`, `labels-template.csv`).
_TEMPLATE_NAME = re.compile(r"(?:^|[_.-])template(?:[_.-][\w-]*)?\.[a-z0-9]+$")


@rule(
    "DAT102",
    family="data",
    severity="warning",
    kit_severity="error",
    requires=("LAY109",),
    applies=("project",),
)
def no_data_in_git(repo: RepoView) -> Iterator[Finding]:
    """Datasets are versioned by DVC, not committed to git.

    Why: raw and derived data committed to git cannot be shared through a DVC remote,
    is not linked to the pipeline that made it, and grows the repository on every change.
    Files under 20 KB (lookup tables, small reports), reference tables under 100 KB in a
    folder named for them (`constants/`, `lookup/`, `reference/`, `references/`,
    `mappings/`, `vocab/`: a tokenizer's vocabulary) or a competition's submission
    format (`sample_submission.csv`), and the inputs of examples, tutorials, docs,
    `sample_data/` and `test-data/` folders (or named for one:
    `tutorial_prices.csv`, `example_news.csv`; a sample under 100 KB named as one,
    `eredivisie_sample.csv`), or of a collection of
    notebooks (a book, a course), are not reported; one finding covers the data files of
    a top-level folder. Nor is a small file named as a template (`review_template.xlsx`, under
    100 KB): a form to fill in, nor a data dictionary or codebook up to 5 MB
    (`dictionary.csv`, `data_dictionary.xlsx`: what each item means, in which unit).
    A committed output of a DVC stage is reported once, by DVC106.
    A file a `.gitignore` re-includes under a comment saying why (`# small eval sets ARE
    tracked` above `!evals/*.jsonl`) is kept in git by decision and not reported; so is a
    table up to 1 MB of a paper's folder (one holding LaTeX sources:
    `paper/x/generated/table.csv`)
    and a table up to 5 MB in the config folder that a config file there names
    (`configs/class_to_concepts.csv`): a curated mapping, part of the configuration; and
    a dataset's manifest up to 1 MB (under `manifests/` or named for one: the ids, paths
    and checksums of the records that define a dataset's version, kept in git on purpose),
    nor a file up to 5 MB that the package ships and a module of it opens
    (`pkg/dmri/data/atlas.nii.gz`), nor a table of experiment results up to 1 MB in a
    results folder (a run, seed, model or algorithm column and two metric columns or more:
    `run_id,seed,...,accuracy,auc,f1` or `qini_auc`, in a CSV file, an Excel workbook's
    first sheet or a JSON Lines ledger of trials).
    One finding per top-level folder; the folders a script names per run (a hash or a
    timestamp in the name: `ETH-USD_20220918_1f255e31.../`) are one finding together.
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
        if keras_hdf5_model(repo, path):
            continue  # a Keras model saved as HDF5: DAT103's
        if mlflow and _mlflow_store(path):
            continue
        if repo.is_git and path not in repo.tracked:
            continue
        if facts.kept_on_purpose(repo, path):
            continue  # `.gitignore` re-includes it: kept in git by decision
        info = repo.lstat(path)
        size = info.st_size if info is not None else SMALL_DATA  # deleted: size unknown
        if size < SMALL_DATA:
            continue  # a lookup table or a report, not a dataset
        if size < REFERENCE_TABLE and (
            _REFERENCE_FOLDER.search(path) or name.startswith("sample_submission")
        ):
            continue  # `data/constants/team_names.csv`, a competition's submission format
        if _TEMPLATE_NAME.search(name) and size < REFERENCE_TABLE:
            continue  # `Rebuttal_Tracking_Template.xlsx`: a form to fill in, not data
        if _DATA_DICTIONARY.search(name) and size <= MEDIA_FILE:
            continue  # `dictionary.csv`: what each item or column means, not records
        if name.startswith(("tutorial_", "tutorial-", "example_", "example-")):
            continue  # `tutorial_RIVN_5min.csv`: a tutorial's input, named for it
        if size < REFERENCE_TABLE and SAMPLE_NAME.search(name):
            continue  # `eredivisie_sample.csv`: a small sample the quick start runs on
        if (
            name.endswith(_SQLITE_SUFFIXES)
            and size < EMPTY_DATABASE
            and _holds_no_records(repo, path)
        ):
            continue  # a schema without records: a web framework's fresh dev database
        if _published_open_data(repo, path):
            continue  # released under a licence of its own (`data/LICENSE`: CC BY 4.0)
        if size <= LARGE_FILE and _manuscript_material(repo, path):
            continue  # `paper/journal/generated/table.csv`: a table the manuscript includes
        if size <= MEDIA_FILE and _config_table(repo, path):
            continue  # `configs/class_to_concepts.csv`, which the config names: settings
        if size <= LARGE_FILE and _MANIFEST.search(path):
            continue  # `data/manifests/ml_ndt/records.parquet`: which records, not the data
        if size <= LARGE_FILE and _results_table(repo, path):
            continue  # `results/ablation_table.csv`: run ids, seeds and metrics, not data
        if size <= MEDIA_FILE and _package_resource(repo, path):
            continue  # `pkg/atlas/mni.nii.gz`, which a module of the package opens
        folder = path.split("/", 1)[0] if "/" in path else "."
        by_folder.setdefault(folder, []).append((path, size))
    # One finding per top-level folder: a folder of datasets in git is one fact. So are
    # the folders a script names per run (`ETH-USD_20220918_1f255e31.../`): one fact.
    where = _run_folders_merged(by_folder, lambda folder: f"under {folder}/")
    yield from _per_folder(repo, by_folder, "data", where, False)


# A folder named by a script for one run: a long hash or a timestamp in its name.
_GENERATED_FOLDER = re.compile(r"[0-9a-f]{16,}|(?<!\d)(?:19|20)\d{6}(?:[_T-]?\d{4,6})?(?!\d)")


def _run_folders_merged(
    groups: dict[str, list[tuple[str, int]]], where: Callable[[str], str]
) -> Callable[[str], str]:
    """Merge into one group the folders a script names per run, beside each other.

    Two or more folders under one parent, each named with a hash or a timestamp
    (`models/lstm_20251004_211244/`, `models/quick_20251005_162548/`), are one fact:
    their files join the first's group. Returns how to say where each group lies.
    """
    runs: dict[str, list[str]] = {}
    for folder in groups:
        parts = folder.split("/")
        at = next((i for i, part in enumerate(parts) if _GENERATED_FOLDER.search(part)), None)
        if at is not None:
            runs.setdefault("/".join(parts[:at]), []).append(folder)
    merged: dict[str, int] = {}
    for folders in runs.values():
        if len(folders) > 1:
            groups[folders[0]] = [item for f in folders for item in groups.pop(f)]
            merged[folders[0]] = len(folders)
    return lambda f: f"in {merged[f]} folders named like {f}/" if f in merged else where(f)


@rule("DAT103", family="data", severity="warning", kit_severity="error", requires=("LAY109",))
def no_models_in_git(repo: RepoView) -> Iterator[Finding]:
    """Model artefacts are not committed to git.

    Why: trained models are pipeline outputs: DVC caches them and MLflow registers them
    with their metrics and lineage; a committed pickle has neither and bloats history.
    Models under 1 MB in examples, labs or a demo that trains only on a dataset a library
    ships (scikit-learn's wine, Keras' MNIST) are the toy models it loads and not reported,
    nor are pickles in a cache folder or named as a cache (`data/cache/eda_cache.pkl`,
    Sphinx's `doctrees/environment.pickle`): cached data, not a model, nor pickles in a
    data folder whose path does not say model (`sample-data/feature/item_mapping.pickle`)
    unless the pickle names an ML library's class (`data/silver/feature_scaler.pkl`, a
    fitted `sklearn` scaler: a pipeline's artefact),
    nor pickles named as a data split (`splits_final.pkl`, `original_splits.joblib`: the folds a
    benchmark publishes), nor a pickle
    up to 1 MB of plain data (a dict of column names to numbers, of pandas tables or numpy
    arrays: every model pickle names its model's classes, `sklearn...`, `xgboost...`; the
    audit reads the pickle's opcodes, never loads it).
    A Keras model saved as HDF5 (`model.h5`: the file's root names `keras_version` or
    `model_config`) is a model, not a dataset.
    The models of one folder are one finding, and so are those of the folders a trainer
    names per run (a hash or a timestamp in the name: `models/lstm_20251004_211244/`);
    a committed output of a DVC stage is
    reported once, by DVC106. A model a `.gitignore` re-includes under a
    comment saying why (`# small models are versioned on purpose` above
    `!ranker/*.joblib`) is kept in git by decision and not reported.
    Fix: `git rm --cached <file>`, make the model a stage output (`outs: [models/model.pkl]`)
    and register it in MLflow.
    """
    outputs = tuple(
        out.path.rstrip("/") for _, out in facts.cached_outputs(repo) if out.path is not None
    )
    by_folder: dict[str, list[tuple[str, int]]] = {}
    for path in repo.files:
        if not _outside_fixtures(path):
            continue
        if not path.lower().endswith(MODEL_SUFFIXES) and not keras_hdf5_model(repo, path):
            continue
        if outputs and _stage_output(path, outputs):
            continue  # a committed output of a DVC stage: DVC106's finding
        info = repo.lstat(path)
        if info is None or info.st_size < SMALL_MODEL:
            continue
        if info.st_size < DEMO_MODEL and (_demo(path) or facts.bundled_datasets_only(repo)):
            continue  # a toy model an example, a lab or a demo trained on iris loads
        if _CACHE_PICKLE.search(path.lower()):
            continue  # cached data (`cache/eda.pkl`, `features_cache.pkl`), not a model
        if _SPLIT_PICKLE.search(path.lower()):
            continue  # `splits_final.pkl`: the cross-validation folds, kept to reproduce them
        if (
            _DATA_PICKLE.search(path.lower())
            and "model" not in path.lower()
            and not (info.st_size <= LARGE_FILE and _fitted_estimator(repo, path))
        ):
            continue  # pickled data (`sample-data/feature/id_mapping.pickle`), not a model
        if info.st_size <= LARGE_FILE and _plain_pickle(repo, path):
            continue  # a pickled dict of numbers and strings: no object, so no model
        if repo.is_git and path not in repo.tracked:
            continue
        if facts.kept_on_purpose(repo, path):
            continue  # `.gitignore` re-includes it: kept in git by decision
        by_folder.setdefault(posixpath.dirname(path), []).append((path, info.st_size))
    # One finding per folder: twenty checkpoints of one training run are one fact; so
    # are the folders a trainer names per run (`models/lstm_20251004_211244/`).
    where = _run_folders_merged(
        by_folder, lambda folder: f"under {folder}/" if folder else "at the root"
    )
    yield from _per_folder(repo, by_folder, "model", where)


def keras_hdf5_model(repo: RepoView, path: str) -> bool:
    """Return True for a Keras model or its weights saved as HDF5 (`model.h5`).

    `model.save("m.h5")` and `save_weights` write attributes on the file's root group
    (`keras_version`, `model_config`, `layer_names`), which HDF5 keeps in the root's
    object header near the start of the file; a dataset's HDF5 file has none of them.
    """
    if not path.lower().endswith(_HDF5_SUFFIXES):
        return False
    data, _ = repo.read_head(path, _HDF5_HEAD)
    if not data:
        return False
    # The superblock sits at byte 0, 512, 1024 or 2048 (a user block before it).
    return _HDF5_SIGNATURE in data[:2056] and any(
        attribute in data for attribute in _KERAS_ATTRIBUTES
    )


_HDF5_SUFFIXES = (".h5", ".hdf5")
_HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
_HDF5_HEAD = 65_536
_KERAS_ATTRIBUTES = (b"keras_version", b"model_config", b"layer_names")


def _fitted_estimator(repo: RepoView, path: str) -> bool:
    """Return True for a pickle that names an ML library's class (a fitted scaler, a PCA).

    `data/silver/feature_scaler.pkl` naming `sklearn.preprocessing._data`: a pipeline's
    fitted artefact, wherever it is kept.
    """
    modules = _pickled_modules(repo, path)
    return bool(modules) and any(
        module is not None and module.split(".", 1)[0] in _ESTIMATOR_MODULES
        for module in modules or ()
    )


# Libraries whose pickled objects are fitted models or transformers (not PyTorch's or
# TensorFlow's: their pickles are as often tensors, devices and settings as models).
_ESTIMATOR_MODULES = frozenset(
    {"sklearn", "xgboost", "lightgbm", "catboost", "statsmodels", "prophet", "imblearn",
     "category_encoders"}
)  # fmt: skip


def _plain_pickle(repo: RepoView, path: str) -> bool:
    """Return True for a pickle of plain values: it names no class or function to rebuild.

    A model (or any object) needs a GLOBAL or STACK_GLOBAL opcode to name its class. A
    file that does not parse is not called plain. A hyperparameter search's record (a
    hyperopt `Trials`, an Optuna study) holds the trials' parameters and scores: no model.
    """
    modules = _pickled_modules(repo, path)
    return modules is not None and all(
        module is not None and module.split(".", 1)[0] in _PLAIN_MODULES for module in modules
    )


def _pickled_modules(repo: RepoView, path: str) -> list[str | None] | None:
    """Return the module of every class or function a pickle names (None: named otherwise).

    Read with `pickletools.genops`, which parses opcodes and runs nothing (up to 1 MB).
    None for a file that is not a pickle by name, is empty, or does not parse. A joblib
    dump writes each numpy array's bytes raw after the array's wrapper, where the opcodes
    stop parsing: the classes it names are read from the whole file's byte pattern then.
    """
    if not path.lower().endswith((".pkl", ".pickle", ".joblib")):
        return None
    import pickletools

    data, _ = repo.read_head(path, LARGE_FILE)
    if not data:
        return None
    modules: list[str | None] = []
    # What each opcode pushed, as far as STACK_GLOBAL needs it: the strings (pushed or
    # fetched from the memo) that name a module and a class; None for anything else.
    pushed: list[str | None] = []
    memo: dict[int, str | None] = {}
    try:
        for opcode, argument, _ in pickletools.genops(data):
            name = opcode.name
            if name == "MEMOIZE":
                memo[len(memo)] = pushed[-1] if pushed else None
            elif name in ("PUT", "BINPUT", "LONG_BINPUT"):
                memo[int(argument or 0)] = pushed[-1] if pushed else None
            elif name in ("GET", "BINGET", "LONG_BINGET"):
                pushed.append(memo.get(int(argument or 0)))
            elif name in ("GLOBAL", "INST"):
                modules.append(str(argument).split(" ", 1)[0])
                pushed.append(None)
            elif name == "STACK_GLOBAL":
                modules.append(pushed[-2] if len(pushed) >= 2 else None)
                pushed.append(None)
            elif name in _OBJECT_OPCODES:
                modules.append(None)  # a class named some other way (an extension code)
            else:
                pushed.append(argument if isinstance(argument, str) else None)
    except Exception:  # a malformed stream names nothing the audit can trust
        if "joblib.numpy_pickle" not in modules:
            return None
        return [module.decode("ascii") for module in _NAMED_CLASS.findall(data)]
    return modules


# A class named in protocol 4 and later: its module and name each a short string, memoised,
# then STACK_GLOBAL (`\x8c\x11pandas.core.frame\x94\x8c\tDataFrame\x94\x93`).
_NAMED_CLASS = re.compile(
    rb"\x8c[\x01-\x7f]([A-Za-z_][\w.]{0,126})\x94\x8c[\x01-\x7f][A-Za-z_]\w{0,126}\x94\x93"
)


# Opcodes that name a class or a function (a model's class, numpy's array rebuilder).
_OBJECT_OPCODES = frozenset({"GLOBAL", "STACK_GLOBAL", "INST", "OBJ", "EXT1", "EXT2", "EXT4"})
# Modules whose classes hold data, not a model: tables, arrays, dates, containers.
_DATA_MODULES = frozenset(
    {"builtins", "__builtin__", "copyreg", "collections", "datetime", "decimal", "_codecs",
     "functools", "numpy", "pandas"}
)  # fmt: skip
# Also plain: the records of hyperparameter searches (trials, scores, parameters), and
# joblib's wrapper of a numpy array.
_PLAIN_MODULES = _DATA_MODULES | {"hyperopt", "optuna", "joblib"}


def _per_folder(
    repo: RepoView,
    groups: dict[str, list[tuple[str, int]]],
    kind: str,
    where: Callable[[str], str],
    count_rest: bool = True,
) -> Iterator[Finding]:
    """One finding per folder of committed `kind` files, placed on its first file.

    The rest of the names are counted (`and 17 more`) or elided (`, ...`).
    """
    for folder, found in groups.items():
        path = found[0][0]
        if len(found) == 1:
            yield Finding(f"{kind} file {path} is in git{_size(repo, path)}", path)
            continue
        total = sum(size for _, size in found) / 1e6
        shown = list(dict.fromkeys(p.rsplit("/", 1)[-1] for p, _ in found))[:3]
        left = sum(p.rsplit("/", 1)[-1] not in shown for p, _ in found)  # runs share names
        rest = (f" and {left} more" if left else "") if count_rest else ", ..."
        names = ", ".join(shown)
        yield Finding(
            f"{len(found)} {kind} files ({total:.1f} MB) {where(folder)} are in git: {names}{rest}",
            path,
        )


# A pickle named as a data split (`splits_final.pkl`, `cv_folds.pkl`, `train_val_split.pkl`):
# the case ids of each fold, committed so that everyone trains on the same split.
_SPLIT_PICKLE = re.compile(
    r"(?:^|/)(?:[^/]*[_.-])?(?:splits?|folds?)(?:[_.-][^/]*)?\.(?:pkl|pickle|joblib)$"
)


# A pickle in a cache folder or named as a cache: data a script saved to skip recomputing.
_CACHE_PICKLE = re.compile(
    r"(?:(?:^|/)[._]?caches?/(?:[^/]+/)*[^/]+|(?:^|/)(?:[^/]*[_.-])?cache(?:[_.-][^/]*)?"
    # Sphinx's build environment beside its doctrees: a docs build's cache
    r"|(?:^|/)\.?doctrees/environment)"
    r"\.(?:pkl|pickle)$"
)


# A pickle in a data folder (`data/`, `datasets/`, `sample-data/`, `raw_data/`) whose path
# does not say model: pickled tables, mappings or features.
_DATA_PICKLE = re.compile(r"(?:^|/)(?:[\w.]*[-_])?data(?:sets?)?/(?:[^/]+/)*[^/]+\.(?:pkl|pickle)$")


def _databricks_export(notebook: object) -> bool:
    """Return True for a notebook exported from Databricks (its metadata says so).

    An export numbers every cell 0 and keeps only placeholders of the workspace's
    visualisations: no execution counts, no outputs of a run.
    """
    metadata = notebook.get("metadata") if isinstance(notebook, dict) else None
    return isinstance(metadata, dict) and _DATABRICKS_METADATA in metadata


def _kept_outputs(cell: dict[str, object], exported: bool) -> bool:
    """Return True when a cell keeps outputs (in an export: more than placeholders)."""
    outputs = cell.get("outputs")
    if not outputs:
        return False
    if not exported or not isinstance(outputs, list):
        return True
    return any(_DATABRICKS_PLACEHOLDER not in json.dumps(output) for output in outputs)


_DATABRICKS_METADATA = "application/vnd.databricks.v1+notebook"
_DATABRICKS_PLACEHOLDER = "Databricks visualization. Run in Databricks to view."


@rule("DAT104", family="data", severity="warning", applies=("code", "project"))
def notebooks_stripped(repo: RepoView) -> Iterator[Finding]:
    """Committed notebooks have their outputs stripped.

    Why: notebook outputs hold data samples (sometimes personal data), images and
    execution counts; they leak data, bloat diffs and make every review noisy.
    Notebooks that a documentation site renders with their outputs (an nbdev project's,
    or a Quarto site's: a folder with `nbdev.yml`, `_quarto.yml` or nbdev's
    `settings.ini`, and its sub-folders) keep them on purpose and are not reported, nor
    are notebooks the README links by their path (`[EDA](notebooks/eda.ipynb)`), or names
    when they are named as a demo (`demo_pipeline.ipynb`, a showcase, a walkthrough) or
    kept as a report (`reports/1_cleaning.ipynb`): their outputs are what the reader is
    sent to see, nor
    is an empty file (a placeholder notebook, holding no outputs), nor a Databricks export
    (every cell numbered 0, outputs only the workspace's "Run in Databricks to view"
    placeholders).
    Fix: `nbstripout` (or `jupyter nbconvert --clear-output --inplace`), and a pre-commit
    hook that strips outputs on every commit.
    """
    dirty_notebooks: list[tuple[str, int]] = []
    sites = _notebook_sites(repo)
    for path in repo.files:
        if not path.endswith(".ipynb") or path in repo.listing.symlinks:
            continue
        repo.claimed.add(path)
        if not _outside_fixtures(path) or _EDITOR_COPY.search(path):
            continue  # test fixtures; checkpoints and scratch copies are LAY113's
        # tutorials, examples and labs show their outputs on purpose, and so do the
        # notebooks a documentation site renders (nbdev, Quarto)
        demo = (
            _demo(path)
            or any(path.startswith(site) for site in sites)
            or _presented_demo(repo, path)
        )
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
        if not text.strip():
            continue  # an empty placeholder (`touch notebooks/01_eda.ipynb`): no outputs
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
        exported = _databricks_export(notebook)
        dirty = [
            c
            for c in (cells if isinstance(cells, list) else [])
            if isinstance(c, dict)
            and (
                _kept_outputs(c, exported)
                or (c.get("execution_count") is not None and not exported)
            )
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

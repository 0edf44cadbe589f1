"""Mechanical, safe fixes for audit findings, one small fixer per family of rules.

`mlops-kit audit --fix` runs the audit, lets every fixer whose rules failed prepare its
edits (ignore patterns, missing READMEs, catalog entries for pipeline outputs, the
template stamp), and applies them as one change set through `edits.py`: all files or
none. A fixer only adds (lines, entries, files); it never removes or rewrites what is
there. Whatever it cannot fix safely (a committed output, a leaked secret) is left for a
person, and the audit after the fix reports it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlops_kit.audit import facts
from mlops_kit.audit.repo import RepoView
from mlops_kit.edits import FileChange, read_bytes

GITIGNORE = ".gitignore"
IGNORE_HEADER = "# Added by mlops-kit audit --fix"
STANDARD_GITIGNORE = """\
# Secrets and local settings: never committed
.env
.dvc/config.local

# MLflow's embedded store
mlflow.db
mlruns/
mlartifacts/

# Python and tool caches
__pycache__/
*.py[cod]
.venv/
"""
READMES = {
    "LAY106": (
        "data/README.md",
        "# data/\n\nPipeline data lives here and is versioned by DVC, not git: `dvc pull` fetches\n"
        "the versions of the current commit, `dvc repro` rebuilds what the pipeline makes.\n"
        "Every dataset is described in `catalog.yaml`: where it comes from, who owns it, its\n"
        "licence and its columns.\n",
    ),
    "LAY107": (
        "notebooks/README.md",
        "# notebooks/\n\nExploration lives here; anything the pipeline needs moves into\n"
        "`src/` and a stage. Name notebooks `<number>-<initials>-<topic>.ipynb`, and commit\n"
        "them with their outputs stripped (nbstripout).\n",
    ),
    "LAY110": (
        "models/README.md",
        "# models/\n\nTrained models, written by the pipeline and tracked by DVC (not git):\n"
        "`dvc pull` fetches the model of the current commit.\n",
    ),
}


@dataclass
class FixSet:
    """The edits the fixers prepared, by repo-relative path, with a note for each."""

    root: Path
    repo: RepoView
    failing: dict[str, int]
    answers: dict[str, Any]
    edits: dict[str, bytes] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def current(self, relative: str) -> bytes | None:
        """Return the file as the fixes so far leave it (None when absent)."""
        if relative in self.edits:
            return self.edits[relative]
        return read_bytes(self.root / relative)

    def write(self, relative: str, data: bytes, note: str) -> None:
        """Record a new content for `relative` and what it fixes."""
        self.edits[relative] = data
        self.notes.append(note)

    def changes(self) -> list[FileChange]:
        """Return the edits as a change set (before = the file on disk now)."""
        return [
            FileChange(self.root / path, read_bytes(self.root / path), data)
            for path, data in sorted(self.edits.items())
        ]


@dataclass(frozen=True)
class Fixer:
    """What a fixer repairs (rule ids) and the function that prepares its edits."""

    rules: tuple[str, ...]
    prepare: Callable[[FixSet], None]


def _ignore_lines(fixes: FixSet) -> list[str]:
    repo = fixes.repo
    wanted: list[str] = []
    if "DVC106" in fixes.failing:
        for _stage, out in facts.cached_outputs(repo):
            if out.path and not repo.is_tracked(out.path) and not repo.is_ignored(out.path):
                wanted.append(f"/{out.path}")
    if "DVC111" in fixes.failing and not repo.is_ignored(facts.DVC_LOCAL_CONFIG):
        wanted.append(f"/{facts.DVC_LOCAL_CONFIG}")
    if "TRK104" in fixes.failing:
        for store in facts.MLFLOW_STORES:
            if not repo.is_tracked(store) and not repo.is_ignored(store):
                wanted.append(store if store == "mlflow.db" else f"{store}/")
    env = facts.ENV_FILE
    if "SEC104" in fixes.failing and not repo.is_tracked(env) and not repo.is_ignored(env):
        wanted.append(env)
    return list(dict.fromkeys(wanted))


def fix_ignore_patterns(fixes: FixSet) -> None:
    """Create .gitignore (LAY108) or append the patterns that failing rules ask for."""
    before = fixes.current(GITIGNORE)
    if before is None and "LAY108" in fixes.failing:
        fixes.write(GITIGNORE, STANDARD_GITIGNORE.encode(), "LAY108: created .gitignore")
        before = STANDARD_GITIGNORE.encode()
    lines = _ignore_lines(fixes)
    present = set((before or b"").decode("utf-8", "replace").splitlines())
    lines = [line for line in lines if line not in present]
    if not lines:
        return
    text = before or b""
    if text and not text.endswith(b"\n"):
        text += b"\n"
    block = ("\n" if text else "") + IGNORE_HEADER + "\n" + "\n".join(lines) + "\n"
    fixes.write(GITIGNORE, text + block.encode(), f"ignore patterns: {', '.join(lines)}")


def fix_readmes(fixes: FixSet) -> None:
    """Add the READMEs of data/, notebooks/ and models/ that are missing."""
    for rule_id, (path, text) in READMES.items():
        if rule_id in fixes.failing and fixes.current(path) is None:
            target = fixes.root / path
            if not target.is_symlink() and not target.parent.is_symlink():
                fixes.write(path, text.encode(), f"{rule_id}: created {path}")


def _catalog_entry(
    path: str, stage: str | None, tracked_by: str | None, owner: str
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "path": path,
        "description": f"Written by the {stage} stage; say what it holds."
        if stage
        else f"Tracked by {tracked_by}; say what it holds.",
        "source": f"the {stage} stage" if stage else "unknown: say where it comes from",
        "owner": owner,
        "license": "unknown: set the licence of this data",
        "schema": {"columns": {}, "note": "list the columns of this dataset"},
    }
    if stage:
        entry["produced_by"] = stage
    return entry


def _uncatalogued(fixes: FixSet, catalogued: list[str]) -> list[tuple[str, str | None, str | None]]:
    def covered(path: str) -> bool:
        return any(path == c or path.startswith(c.rstrip("/") + "/") for c in catalogued)

    found: list[tuple[str, str | None, str | None]] = []
    for stage in facts.stages(fixes.repo) or []:
        for out in stage.outs:
            if out.path and out.path.startswith("data/") and not covered(out.path):
                found.append((out.path, stage.name, None))
    for path in fixes.repo.under("data"):
        if path.endswith(".dvc") and not covered(path[: -len(".dvc")]):
            found.append((path[: -len(".dvc")], None, path))
    return found


def fix_catalog(fixes: FixSet) -> None:
    """Create data/catalog.yaml (DOC103) or add entries for uncatalogued data (DOC104)."""
    from mlops_kit.errors import UsageError
    from mlops_kit.stages.catalog import entry_name, parse_catalog, with_entries

    before = fixes.current(facts.CATALOG)
    if before is None and "DOC103" in fixes.failing:
        before = b"# Every dataset under data/: where it comes from, who owns it, its licence.\n"
        before += b"datasets: {}\n"
        fixes.write(facts.CATALOG, before, "DOC103: created data/catalog.yaml")
    elif "DOC104" not in fixes.failing or before is None:
        return
    try:
        catalog = parse_catalog(before, facts.CATALOG)
    except UsageError:
        return  # an unusual layout: a person adds the entries
    known = [str(entry.get("path", "")) for entry in catalog.entries().values()]
    owner = str(fixes.answers.get("author_name") or "unknown: who answers for this data")
    taken = set(catalog.entries())
    new: dict[str, dict[str, Any]] = {}
    for path, stage, tracked_by in _uncatalogued(fixes, known):
        name = entry_name(path, stage or "data", taken | set(new))
        new[name] = _catalog_entry(path, stage, tracked_by, owner)
    if not new:
        return
    try:
        text = with_entries(catalog, new).to_bytes()
    except UsageError:
        return
    fixes.write(facts.CATALOG, text, f"DOC104: catalog entries for {', '.join(new)}")


def fix_stamp(fixes: FixSet) -> None:
    """Record the kit's template version in `[tool.mlops-kit]` (DRF101).

    Only a missing version is added (after the table's header, or with the whole stamp
    when only sub-tables such as `[tool.mlops-kit.audit]` exist); a version that is there
    but malformed is for a person to correct.
    """
    import re
    import tomllib

    from mlops_kit.errors import UsageError
    from mlops_kit.template import template_version

    before = fixes.current("pyproject.toml")
    if "DRF101" not in fixes.failing or before is None:
        return
    text = before.decode("utf-8", "replace")
    if re.search(r"^[ \t]*+template-version[ \t]*+=", text, re.MULTILINE):
        return
    try:
        version = template_version()
        header = re.search(r"^\[tool\.mlops-kit\][ \t]*\r?\n", text, re.MULTILINE)
        if header is not None:
            line = f'template-version = "{version}"\n'
            after = (text[: header.end()] + line + text[header.end() :]).encode()
        else:
            from mlops_kit.adopt.detect import detect
            from mlops_kit.adopt.plan import stamp_text

            after = stamp_text(before, detect(fixes.root).answers)
        tomllib.loads(after.decode("utf-8"))
    except (UsageError, OSError, ValueError, KeyError):
        return
    fixes.write("pyproject.toml", after, f"DRF101: recorded template-version {version}")


NBSTRIPOUT_HOOK = """\
- repo: local
  hooks:
    - id: nbstripout
      name: strip notebook outputs
      entry: nbstripout
      language: system
      types: [jupyter]
"""


def _stripped(text: str) -> str | None:
    """Return the notebook without outputs and execution counts (None: not a notebook)."""
    import json

    try:
        notebook = json.loads(text)
    except (ValueError, RecursionError):
        return None
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        return None
    for cell in cells:
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    # The layout nbformat writes: one-space indent, sorted keys, a final newline.
    return json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def _with_nbstripout_hook(text: str) -> str | None:
    """Return the pre-commit config with a local nbstripout hook appended to `repos:`.

    Only when `repos:` is the last top-level key in block style, so the hook can be added
    as trailing lines; the result must parse to the old config plus the hook.
    """
    import re

    import yaml

    try:
        old = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    keys = re.findall(r"^([A-Za-z_][\w-]*):", text, re.MULTILINE)
    item = re.search(r"^( *)- repo:", text, re.MULTILINE)
    if not isinstance(old, dict) or not keys or keys[-1] != "repos" or item is None:
        return None
    indent = item.group(1)
    hook = "".join(
        indent + line if line.strip() else line for line in NBSTRIPOUT_HOOK.splitlines(True)
    )
    new_text = text + ("" if text.endswith("\n") else "\n") + hook
    try:
        new = yaml.safe_load(new_text)
    except yaml.YAMLError:
        return None
    expected = {**old, "repos": [*old.get("repos", []), yaml.safe_load(NBSTRIPOUT_HOOK)[0]]}
    return new_text if new == expected else None


def _notebooks_to_strip(repo: RepoView) -> list[str]:
    """Return the notebooks DAT104 judges (same folders left out, same size limit)."""
    from mlops_kit.audit.rules.data import DEMO_FOLDERS, NOTEBOOK_LIMIT, _outside_fixtures

    found = []
    for path in repo.files:
        if not path.endswith(".ipynb") or path in repo.listing.symlinks:
            continue
        if not _outside_fixtures(path) or DEMO_FOLDERS.search(path):
            continue
        info = repo.lstat(path)
        if info is not None and info.st_size <= NOTEBOOK_LIMIT:
            found.append(path)
    return found


def fix_notebooks(fixes: FixSet) -> None:
    """Strip outputs from committed notebooks and strip them on commit too (DAT104)."""
    if "DAT104" not in fixes.failing:
        return
    stripped = []
    for path in _notebooks_to_strip(fixes.repo):
        target = fixes.root / path
        before = fixes.current(path)
        if before is None or target.is_symlink():
            continue
        after = _stripped(before.decode("utf-8", "replace"))
        if after is not None and after.encode() != before:
            fixes.edits[path] = after.encode()
            stripped.append(path)
    if stripped:
        fixes.notes.append(f"DAT104: stripped outputs from {', '.join(stripped)}")
    config = fixes.current(facts.PRE_COMMIT)
    if config is not None and b"nbstripout" not in config:
        added = _with_nbstripout_hook(config.decode("utf-8", "replace"))
        if added is not None:
            fixes.write(facts.PRE_COMMIT, added.encode(), "DAT104: nbstripout pre-commit hook")


FIXERS: tuple[Fixer, ...] = (
    Fixer(("LAY108", "DVC106", "DVC111", "TRK104", "SEC104"), fix_ignore_patterns),
    Fixer(tuple(READMES), fix_readmes),
    Fixer(("DOC103", "DOC104"), fix_catalog),
    Fixer(("DRF101",), fix_stamp),
    Fixer(("DAT104",), fix_notebooks),
)


def fixable_rules() -> set[str]:
    """Every rule id some fixer repairs."""
    return {rule_id for fixer in FIXERS for rule_id in fixer.rules}


def prepare_fixes(root: Path, failing: dict[str, int]) -> FixSet:
    """Let every fixer whose rules failed prepare its edits; nothing is written."""
    repo = RepoView(root)
    tool = repo.pyproject.get("tool", {})
    kit = tool.get("mlops-kit", {}) if isinstance(tool, dict) else {}
    answers = kit.get("answers", {}) if isinstance(kit, dict) else {}
    fixes = FixSet(root, repo, failing, answers if isinstance(answers, dict) else {})
    for fixer in FIXERS:
        if any(rule_id in failing for rule_id in fixer.rules):
            fixer.prepare(fixes)
    return fixes


def run_fixes(root: Path, failing: dict[str, int], preview: bool) -> tuple[list[str], str]:
    """Prepare the fixes and apply them (or, with `preview`, only diff them).

    Returns the notes (what each fix did) and the unified diff of the change set.
    """
    from mlops_kit.edits import apply_changes, unified_diff

    fixes = prepare_fixes(root, failing)
    changes = [change for change in fixes.changes() if change.before != change.after]
    diff = unified_diff(changes, root)
    if changes and not preview:
        apply_changes(changes, root)
    return fixes.notes, diff

"""Facts several rules need, derived once from the parsed files (memoised on the view)."""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple, TypeVar

from mlops_kit.audit import profile as detect
from mlops_kit.audit.model import Finding
from mlops_kit.audit.needles import finditer, may_match
from mlops_kit.audit.parsing import Parsed, line_of
from mlops_kit.audit.repo import RepoView, normalise

T = TypeVar("T")

DVC_YAML = "dvc.yaml"
PARAMS_YAML = "params.yaml"
CONFIG_YAML = "conf/config.yaml"  # on mlops-kit projects; others: `primary_config()`
ROOT = "."  # where repo-wide findings point
CATALOG = "data/catalog.yaml"
PRE_COMMIT = ".pre-commit-config.yaml"
ENV_FILE = ".env"
DVC_LOCAL_CONFIG = ".dvc/config.local"
MLFLOW_STORES = ("mlflow.db", "mlruns", "mlartifacts")
OUTPUT_KINDS = ("outs", "metrics", "plots")  # the sections of a stage that declare outputs


README_NAMES = (
    "readme.md", "readme.rst", "readme.txt", "readme", "readme.markdown", "readme.adoc",
    "readme.asciidoc", "readme.org",
)  # fmt: skip


def readme(repo: RepoView) -> str | None:
    """Return the README at the root, whatever its case (`README.md`, `readme.md`)."""

    def compute() -> str | None:
        found = {p.lower(): p for p in repo.files if "/" not in p and p.lower() in README_NAMES}
        return next((found[name] for name in README_NAMES if name in found), None)

    return memo(repo, "readme", compute)


def folder_readme(repo: RepoView, folder: str) -> str | None:
    """Return the README directly inside `folder` (`docs/README.md`, `translation/readme.rst`)."""
    depth = folder.rstrip("/").count("/") + 1
    found = {p.rsplit("/", 1)[1].lower(): p for p in repo.under(folder) if p.count("/") == depth}
    return next((found[name] for name in README_NAMES if name in found), None)


def dockerfiles(repo: RepoView) -> list[str]:
    """Return the repository's container files: `Dockerfile`, `Dockerfile.gpu`, `api.Dockerfile`."""

    def compute() -> list[str]:
        return [p for p in repo.files if _DOCKERFILE_NAME.match(p, p.rfind("/") + 1)]

    return memo(repo, "dockerfiles", compute)


# Matched from the last `/` on; the look-behind keeps a search of a whole path linear.
_DOCKERFILE_NAME = re.compile(r"(?<![^/])(?:Dockerfile[\w.-]*|[\w.-]*\.Dockerfile)$")


# `compose.yaml`, `docker-compose.prod.yml`, `compose-experiment-tracking.yaml`,
# `docker-compose-infra.yml`.
_COMPOSE = re.compile(r"(^|/)(docker-)?compose([.-][\w.-]+)?\.ya?ml$")


def compose_file(path: str) -> bool:
    """Return True for a Compose file's path (the word as a substring first: it is cheap)."""
    return "compose" in path and _COMPOSE.search(path) is not None


def compose_services(repo: RepoView) -> list[tuple[str, str, dict[str, Any]]]:
    """Return (compose file, service name, service) of every service of every Compose file."""

    def compute() -> list[tuple[str, str, dict[str, Any]]]:
        found = []
        for path in repo.files:
            if compose_file(path):
                data = repo.data(path)
                services = data.get("services") if isinstance(data, dict) else None
                for name, service in services.items() if isinstance(services, dict) else []:
                    if isinstance(service, dict):
                        found.append((path, str(name), service))
        return found

    return memo(repo, "compose_services", compute)


# `${NAME}` or `${NAME:-default}` in a Compose value; group 1 the default.
_COMPOSE_VARIABLE = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*(?::?-([^}]*))?\}")
LOOPBACK = ("127.0.0.1", "localhost", "[::1]", "::1")


def short_port_exposed(port: str) -> bool:
    """Return True when a compose short port (`[IP:]HOST:CONTAINER`) binds every interface.

    `${BIND:-127.0.0.1}:5000:5000` binds what the default says; an address chosen at run
    time without a default is unknown and not reported. A variable in the host port's
    place (`${MLFLOW_PORT}:5000`) leaves the address out, so every interface.
    """
    text = _COMPOSE_VARIABLE.sub(lambda m: m.group(1) or "${}", port)
    if any(text.startswith(f"{host}:") for host in LOOPBACK):
        return False
    has_address = text.count(":") >= 2 and not text.startswith("[")
    return not (has_address and text.startswith("${"))


def ports_on_every_interface(service: dict[str, Any]) -> Iterator[tuple[Any, int | None]]:
    """Yield (port, line) of each port a Compose service publishes on every interface.

    The short syntax (`"5000:5000"`, see `short_port_exposed`) and the long one (a
    mapping with `published` and no loopback `host_ip`).
    """
    ports = service.get("ports")
    for index, port in enumerate(ports if isinstance(ports, list) else []):
        if isinstance(port, dict):
            exposed = "published" in port and str(port.get("host_ip", "")) not in LOOPBACK
        else:
            exposed = isinstance(port, (str, int)) and short_port_exposed(str(port))
        if exposed:
            yield port, line_of(ports, index)


def kept_on_purpose(repo: RepoView, path: str) -> bool:
    """Return True when a `.gitignore` re-includes `path` by a rule of its own.

    `!1-FineTuning/rank-data/*.joblib` below a rule that ignores models and a comment
    saying why (`# small models ARE versioned on purpose`), or one file named under a
    comment of five words or more explaining it: the team decided to keep this file in
    git. A rule for placeholders (`!data/.gitkeep`) names no data.
    """
    return any(pattern.match(path) for pattern in _reincluded(repo))


def _reincluded(repo: RepoView) -> list[re.Pattern[str]]:
    def compute() -> list[re.Pattern[str]]:
        patterns = []
        for ignore in (p for p in repo.files if p.rsplit("/", 1)[-1] == ".gitignore"):
            folder = ignore.rpartition("/")[0]
            text = repo.text(ignore) or ""
            block = ""  # the comments of the current block of lines (up to a blank line)
            above = ""  # the comment lines right above this line
            for line in text.splitlines():
                rule = line.strip()
                if not rule:
                    block = above = ""
                elif rule.startswith("#"):
                    block += rule
                    above += " " + rule
                else:
                    explanation, above = above, ""
                # A re-include the file says is deliberate (`# small models ARE versioned on
                # purpose`); without a word of why, it may keep a pipeline's outputs. Rules
                # with many wildcards are left out: each may cost a pass over a path.
                if not rule.startswith("!") or len(rule) > 300 or rule.count("*") > 4:
                    continue
                # One file or folder named, under a comment of its own (in any language)
                # or in a block that opens with a paragraph, is a decision too: `# the shared
                # holdout, 259 KB ...` above `!output/holdout.npz`; `# the dissertation
                # cites these files ...`, `/reports/*`, `!/reports/thesis_evidence/`.
                # (A block's comment must say more than a heading does: twelve words.)
                above_words = len(explanation.split())
                block_words = len(block.replace("#", " ").split())
                explained = "*" not in rule and (above_words >= 5 or block_words >= 12)
                if _DELIBERATE.search(block) is None and not explained:
                    continue
                # Files (`!models/rank.joblib`, `!data/ref/*.csv`) and folders below the
                # top (`!/data/clinvar/`), not top-level folders: a gitignore that lists
                # what it keeps (`/*` then `!src/`, `!data/`) decides nothing about each
                # file inside.
                body = rule[1:].strip("/")
                name = body.rsplit("/", 1)[-1]
                if rule.endswith("/") or not ("*" in name or "." in name.lstrip(".")):
                    if "/" not in body or "*" in body:
                        continue
                    patterns.append(_gitignore_pattern(f"/{body}/**", folder))
                    continue
                patterns.append(_gitignore_pattern(rule[1:], folder))
        return patterns

    return memo(repo, "reincluded", compute)


def _gitignore_pattern(rule: str, folder: str) -> re.Pattern[str]:
    """Return a gitignore rule as a regular expression over repository paths.

    A rule with a `/` before its end is anchored at its file's folder; one without matches
    a name in any folder below it. `*` and `?` stay within a name; `**` crosses folders.
    """
    anchored = "/" in rule
    rule = rule.lstrip("/")
    parts = re.split(r"(\*\*/?|\*|\?)", rule)
    body = "".join(_WILDCARDS.get(part) or re.escape(part) for part in parts)
    prefix = re.escape(f"{folder}/") if folder else ""
    return re.compile(f"{prefix}{'' if anchored else '(?:.*/)?'}{body}$")


_DELIBERATE = re.compile(
    r"(?i)\b(?:on purpose|intentional(?:ly)?|deliberate(?:ly)?|source of truth|versioned"
    r"|(?:are|is|be) (?:tracked|committed|kept)|exception: committed"
    # `# everything is gitignored except explicit promotions` above `runs/*`, `!runs/_pinned/`
    r"|(?:git)?ignored,? (?:except|but)\b[^#]{0,60}?\b(?:promot\w*|pinned|kept|curated|selected))\b"
)
_WILDCARDS = {"**/": "(?:.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]"}


def document_text(repo: RepoView, path: str) -> str:
    """Return a document's text as an editor shows it.

    UTF-8, or decoded by its byte-order mark: a README saved as UTF-16 still says what it
    says (LAY112 reports the encoding).
    """
    return repo.text(path) or repo.pip_text(path) or ""


def readme_text(repo: RepoView) -> str:
    """Return the root README's text ("" without one)."""
    path = readme(repo)
    return document_text(repo, path) if path else ""


def starter_template(repo: RepoView) -> bool:
    """Return True when the README's title calls the repository a template.

    `# Lightning-Hydra-Template`, `# ClearML + Hydra Template`: a starter that people copy
    (a GitHub template repository) and fill with their own data.
    """
    text = readme_text(repo)
    title = next((line for line in text.splitlines() if line.startswith("#")), "")
    return _TEMPLATE_WORD.search(title) is not None


_TEMPLATE_WORD = re.compile(r"(?i)(?<![a-z])templates?(?![a-z])")


def memo(repo: RepoView, key: str, compute: Callable[[], T]) -> T:
    """Compute a fact once per audit."""
    if key not in repo.memo:
        repo.memo[key] = compute()
    value: T = repo.memo[key]
    return value


def missing_or_broken(parsed: Parsed | None, path: str) -> Finding | None:
    """Return the finding for a required file that is missing or does not parse, if any."""
    if parsed is None:
        return Finding(f"{path} is missing", path)
    if not parsed.ok:
        return Finding(f"{path}: {parsed.error}", path, parsed.line)
    return None


def templated(value: Any) -> bool:
    """Return True for DVC/Hydra interpolations, which the audit does not evaluate."""
    return isinstance(value, str) and "${" in value


# -- pipeline ----------------------------------------------------------------------------
class Output(NamedTuple):
    """One `outs`/`metrics`/`plots` entry of a stage."""

    path: str | None  # repo-relative; None when it leaves the repository
    raw: str
    cache: bool
    kind: str
    line: int | None


class Stage:
    """One stage of dvc.yaml, with paths made repo-relative."""

    __slots__ = (
        "commands",
        "deps",
        "frozen",
        "generated",
        "line",
        "name",
        "outs",
        "params",
        "unresolved",
        "wdir",
    )

    def __init__(self, name: str, line: int | None) -> None:
        self.name = name
        self.line = line
        self.commands: list[str] = []
        self.deps: list[tuple[str | None, str, int | None]] = []
        self.outs: list[Output] = []
        self.params: list[tuple[str, str, int | None]] = []
        self.wdir = ""
        self.generated = False
        self.frozen = False
        # `${...}` deps/outs the audit could not resolve, by section: declared, paths unknown.
        self.unresolved: dict[str, list[str]] = {}

    @property
    def has_deps(self) -> bool:
        """True when the stage lists any dep (resolved or not)."""
        return bool(self.deps or self.unresolved.get("deps"))

    @property
    def has_outs(self) -> bool:
        """True when the stage lists any output, metric or plot (resolved or not)."""
        return bool(self.outs or any(self.unresolved.get(k) for k in OUTPUT_KINDS))

    def matches_unresolved(self, path: str) -> bool:
        """Return True when `path` may be one of the `${...}` deps/outs not resolved."""
        return any(
            fnmatch.fnmatchcase(path, _INTERPOLATION.sub("*", posixpath.join(self.wdir, raw)))
            for raws in self.unresolved.values()
            for raw in raws
        )


def _entries(value: Any) -> Iterator[tuple[Any, int | None]]:
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield item, line_of(value, index)


# `${name}` / `${a.b[0]}` in dvc.yaml: DVC fills it from params.yaml and `vars`.
_INTERPOLATION = re.compile(r"\$\{\s*+([^{}\s]++)\s*+\}")
_KEY = re.compile(r"[^.\[\]]++|\[(\d++)\]")


def _lookup(context: dict[str, Any], name: str) -> str | None:
    """Return the scalar `name` (`a.b`, `a.list[0]`) names in `context`, as DVC prints it."""
    value: Any = context
    for match in _KEY.finditer(name):
        key = match.group(1) or match.group(0)
        if isinstance(value, list) and key.isdigit() and int(key) < len(value):
            value = value[int(key)]
        elif isinstance(value, dict) and match.group(1) is None and key in value:
            value = value[key]
        else:
            return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value) if isinstance(value, (str, int, float)) else None


def resolve(raw: str, context: dict[str, Any]) -> str | None:
    """`raw` with its `${...}` filled from `context`; None when one is not a known scalar."""
    unknown = False

    def fill(match: re.Match[str]) -> str:
        nonlocal unknown
        value = _lookup(context, match.group(1))
        if value is None:
            unknown = True
            return match.group(0)
        return value

    filled = _INTERPOLATION.sub(fill, raw)
    return None if unknown or templated(filled) else filled


def _vars_file(repo: RepoView, entry: str, folder: str) -> dict[str, Any]:
    """Return the values of a `vars` file entry (`file.yaml` or `file.yaml:key1,key2`)."""
    file, _, keys = entry.partition(":")
    path = normalise(posixpath.join(folder, file))
    kind = {".json": "json", ".toml": "toml"}.get(posixpath.splitext(file)[1], "yaml")
    data = repo.data(path, kind) if path else None
    if not isinstance(data, dict):
        return {}
    wanted = [k.strip() for k in keys.split(",") if k.strip()]
    return {k: data[k] for k in wanted if k in data} if wanted else dict(data)


def interpolation_context(repo: RepoView, vars_: Any = None, folder: str = "") -> dict[str, Any]:
    """Return what `${...}` in dvc.yaml reads: params.yaml, then `vars` entries in order."""
    context: dict[str, Any] = {}
    if vars_ is None:  # the pipeline's own context: params.yaml and top-level `vars`
        default = repo.data(PARAMS_YAML)
        context.update(default if isinstance(default, dict) else {})
        data = repo.data(DVC_YAML)
        vars_ = data.get("vars") if isinstance(data, dict) else None
    for entry in vars_ if isinstance(vars_, list) else []:
        if isinstance(entry, dict):
            context.update(entry)
        elif isinstance(entry, str) and not templated(entry):
            context.update(_vars_file(repo, entry, folder))
    return context


def _path(raw: Any, stage: Stage, section: str, context: dict[str, Any]) -> str | None:
    """Return a dep/out with its `${...}` filled in; None (recorded unresolved) if unknown."""
    if not isinstance(raw, str):
        return None
    if not templated(raw):
        return raw
    filled = None if stage.generated else resolve(raw, context)
    if filled is None:
        stage.unresolved.setdefault(section, []).append(raw)
    return filled


def _out(
    entry: Any, stage: Stage, kind: str, line: int | None, context: dict[str, Any]
) -> Output | None:
    cache = True
    if isinstance(entry, dict) and len(entry) == 1:
        raw, options = next(iter(entry.items()))
        if isinstance(options, dict) and options.get("cache") is False:
            cache = False
    else:
        raw = entry
    path = _path(raw, stage, kind, context)
    if path is None:
        return None
    return Output(normalise(posixpath.join(stage.wdir, path)), path, cache, kind, line)


def _stage(
    name: str, body: dict[str, Any], line: int | None, repo: RepoView, context: dict[str, Any]
) -> Stage:
    stage = Stage(name=str(name), line=line)
    stage.generated = any(key in body for key in ("foreach", "matrix", "do"))
    stage.frozen = body.get("frozen") is True
    wdir = body.get("wdir", ".")
    stage.wdir = (normalise(wdir) or "") if isinstance(wdir, str) and not templated(wdir) else ""
    if body.get("vars") is not None:
        context = {**context, **interpolation_context(repo, body["vars"], stage.wdir)}
    cmd = body.get("cmd")
    commands = cmd if isinstance(cmd, list) else [cmd]
    stage.commands = [c for c in commands if isinstance(c, str)]
    for entry, at in _entries(body.get("deps")):
        dep = _path(entry, stage, "deps", context)
        if dep is not None:
            stage.deps.append((normalise(posixpath.join(stage.wdir, dep)), dep, at))
    for kind in OUTPUT_KINDS:
        for entry, at in _entries(body.get(kind)):
            out = _out(entry, stage, kind, at, context)
            if out is not None:
                stage.outs.append(out)
    for entry, at in _entries(body.get("params")):
        if isinstance(entry, str) and not templated(entry):
            stage.params.append((posixpath.join(stage.wdir, PARAMS_YAML), entry, at))
        elif isinstance(entry, dict):
            for file, keys in entry.items():
                if not isinstance(file, str) or templated(file):
                    continue
                path = normalise(posixpath.join(stage.wdir, file)) or file
                for key in keys if isinstance(keys, list) else []:
                    if isinstance(key, str) and not templated(key):
                        stage.params.append((path, key, at))
    return stage


def stages(repo: RepoView) -> list[Stage] | None:
    """Return the stages of dvc.yaml; None when it is absent, unparseable or has no stage map."""

    def compute() -> list[Stage] | None:
        data = repo.data(DVC_YAML)
        if not isinstance(data, dict) or not isinstance(data.get("stages"), dict):
            return None
        table = data["stages"]
        context = interpolation_context(repo)
        return [
            _stage(name, body, line_of(table, name), repo, context)
            for name, body in table.items()
            if isinstance(body, dict)
        ]

    return memo(repo, "stages", compute)


def generated_stages(repo: RepoView) -> list[Stage]:
    """Return the stages DVC generates from `foreach`/`matrix` stages (`train@en`).

    Only for what they produce: rules that judge a stage's own definition read the
    generating stage, reported once. Items come from a list or mapping in dvc.yaml or a
    `${...}` that names one in params.yaml or `vars`; anything unknown yields nothing.
    """

    def compute() -> list[Stage]:
        data = repo.data(DVC_YAML)
        table = data.get("stages") if isinstance(data, dict) else None
        if not isinstance(table, dict):
            return []
        context = interpolation_context(repo)
        found = []
        for name, body in table.items():
            if not isinstance(body, dict) or not isinstance(body.get("do"), dict):
                continue
            line = line_of(table, name)
            for key, item in _generated_items(body, context):
                stage = _stage(f"{name}@{key}", body["do"], line, repo, {**context, **item})
                stage.generated = True
                found.append(stage)
        return found

    return memo(repo, "generated_stages", compute)


_GENERATED_LIMIT = 1000  # items of one stage; a larger expansion is not followed


def _generated_items(
    body: dict[str, Any], context: dict[str, Any]
) -> list[tuple[str, dict[str, Any]]]:
    """(key, interpolation context) for each stage a `foreach` or `matrix` generates."""
    if "foreach" in body:
        items = _named_value(body["foreach"], context)
        if isinstance(items, list):
            return [(str(i), {"item": v}) for i, v in enumerate(items[:_GENERATED_LIMIT])]
        if isinstance(items, dict):
            pairs = list(items.items())[:_GENERATED_LIMIT]
            return [(str(k), {"key": k, "item": v}) for k, v in pairs]
        return []
    matrix = body.get("matrix")
    if not isinstance(matrix, dict):
        return []
    axes = [(str(k), _named_value(v, context)) for k, v in matrix.items()]
    if not all(isinstance(values, list) for _, values in axes):
        return []
    combos: list[dict[str, Any]] = [{}]
    for axis, values in axes:
        listed = values if isinstance(values, list) else []
        combos = [{**c, axis: v} for c in combos for v in listed][:_GENERATED_LIMIT]
    return [("-".join(map(str, c.values())), {"item": c}) for c in combos]


def _named_value(value: Any, context: dict[str, Any]) -> Any:
    """Return a list or mapping given in place, or the one a lone `${name}` names."""
    if isinstance(value, str):
        match = _INTERPOLATION.fullmatch(value.strip())
        if match is None:
            return None
        found: Any = context
        for part in match.group(1).split("."):
            found = found.get(part) if isinstance(found, dict) else None
        return found
    return value


def outputs_by_path(repo: RepoView) -> dict[str, tuple[Stage, Output]]:
    """Every stage output, by repo-relative path (those of generated stages included)."""

    def compute() -> dict[str, tuple[Stage, Output]]:
        table: dict[str, tuple[Stage, Output]] = {}
        for stage in [*(stages(repo) or []), *generated_stages(repo)]:
            for out in stage.outs:
                if out.path is not None:
                    table.setdefault(out.path, (stage, out))
        return table

    return memo(repo, "outputs", compute)


def cached_outputs(repo: RepoView) -> list[tuple[Stage, Output]]:
    """Every stage output DVC caches (and git should therefore ignore)."""

    def compute() -> list[tuple[Stage, Output]]:
        return [
            (stage, out)
            for stage in stages(repo) or []
            for out in stage.outs
            if out.path is not None and out.cache
        ]

    return memo(repo, "cached_outputs", compute)


def ask_git_what_it_ignores(repo: RepoView) -> None:
    """Ask git once about every path the rules check; their own questions then hit the cache.

    The engine asks early, before the rules run, so git answers while they work.
    """

    def compute() -> bool:
        paths = [ENV_FILE, DVC_LOCAL_CONFIG]
        paths += [probe for store in MLFLOW_STORES for probe in repo.ignore_probes(store)]
        paths += [p for _, out in cached_outputs(repo) for p in repo.ignore_probes(out.path or "")]
        repo.ask_ignored(paths)
        return True

    memo(repo, "ignore_answers", compute)


def output_folders(repo: RepoView) -> dict[str, set[str]]:
    """Folders that hold stage outputs -> the stages writing inside them."""

    def compute() -> dict[str, set[str]]:
        table: dict[str, set[str]] = {}
        for stage in stages(repo) or []:
            for out in stage.outs:
                folder = posixpath.dirname(out.path or "")
                while folder:
                    table.setdefault(folder, set()).add(stage.name)
                    folder = posixpath.dirname(folder)
        return table

    return memo(repo, "output_folders", compute)


def producer(repo: RepoView, path: str) -> tuple[Stage, Output] | None:
    """Return the stage output that is `path` or a folder holding it."""
    table = outputs_by_path(repo)
    candidate = path
    while candidate:
        if candidate in table:
            return table[candidate]
        candidate = posixpath.dirname(candidate)
    return None


_PYTHON = re.compile(r"^(?:.*/)?python(?:\d+(?:\.\d+)?)?$")


def windows_separators(command: str) -> str:
    r"""Return a command with Windows path separators written as `/`.

    `python src\\pipeline\\predict.py` names `src/pipeline/predict.py`; a shell would
    read each backslash as an escape and drop it.
    """
    return _WINDOWS_SEPARATOR.sub("/", command) if "\\" in command else command


_WINDOWS_SEPARATOR = re.compile(r"(?<=[\w.])\\(?=[\w.])")


def logical_lines(lines: list[str]) -> Iterator[tuple[int, str]]:
    """Yield (number, command) of each shell line joined with its continuations.

    A line ending in a backslash goes on in the next one; the number (1-based) is the
    first line's.
    """
    number = 0
    while number < len(lines):
        start = number
        while number < len(lines) - 1 and lines[number].rstrip().endswith("\\"):
            number += 1
        yield start + 1, " ".join(lines[start : number + 1])
        number += 1


def shell_words(command: str, comments: bool = False) -> list[str]:
    """Return `shlex.split(command, comments=comments)`; raise ValueError as it does.

    shlex reads a command one character at a time in Python; a command without quotes,
    escapes or comments, in ASCII and broken only by the blanks shlex breaks at, splits
    alike at once with `str.split`.
    """
    if command.isascii() and _NOT_PLAIN.isdisjoint(command):
        return command.split()
    import shlex

    return shlex.split(command, comments=comments)


# Beside shlex's own blanks (space, tab, CR, LF), `str.split` breaks at these too.
_NOT_PLAIN = frozenset("\"'\\#\x0b\x0c\x1c\x1d\x1e\x1f")


def stage_code(command: str) -> tuple[str, str] | None:
    """From a stage command, return ("module", name) or ("script", path) it runs."""
    try:
        words = shell_words(windows_separators(command))
    except ValueError:
        return None
    for index, word in enumerate(words):
        if not _PYTHON.match(word):
            continue
        rest = words[index + 1 :]
        while rest and rest[0].startswith("-") and rest[0] != "-m":
            rest = rest[1:]
        if len(rest) >= 2 and rest[0] == "-m":
            return "module", rest[1]
        if rest and rest[0].endswith(".py"):
            return "script", rest[0]
        return None
    return None


def runs_in_container(command: str) -> bool:
    """Return True when a stage command runs its code in a container.

    `docker run IMAGE python x.py`: the paths after the image are the image's, not the
    repository's.
    """
    words = command.split()
    for index, word in enumerate(words[:-1]):
        if word.rsplit("/", 1)[-1] in ("docker", "podman", "nerdctl"):
            rest = words[index + 1 : index + 3]
            return "run" in rest or "exec" in rest
    return False


def module_files(repo: RepoView, module: str) -> list[str]:
    """Candidate files for a dotted module name (src layout first)."""
    base = module.replace(".", "/")
    candidates = []
    for root in ("src/", ""):
        candidates += [f"{root}{base}.py", f"{root}{base}/__main__.py"]
    return candidates


def console_script(repo: RepoView, command: str) -> tuple[str, list[str]] | None:
    """Return the module a command's console script runs and the words after the script.

    `poetry run favorita prepare` (or `uv run ...`, or bare `favorita prepare`), with
    `[project.scripts] favorita = "favorita_forecasting.cli:app"` in pyproject.toml,
    runs `favorita_forecasting.cli` with `["prepare"]`. None: not a script of the project.
    """
    try:
        words = shell_words(windows_separators(command))
    except ValueError:
        return None
    if len(words) > 2 and words[0].rsplit("/", 1)[-1] in _SCRIPT_RUNNERS and words[1] == "run":
        words = words[2:]
        while words and words[0].startswith("-"):
            words = words[1:]
    target = project_scripts(repo).get(words[0]) if words else None
    return (target, words[1:]) if target else None


# Tools whose `run` starts a console script of the project's environment.
_SCRIPT_RUNNERS = frozenset({"poetry", "uv", "pdm", "pipenv", "hatch", "rye"})


def project_scripts(repo: RepoView) -> dict[str, str]:
    """Console scripts of pyproject.toml (PEP 621 or Poetry) and the module each runs."""
    tool = repo.pyproject.get("tool")
    tables = [
        _table(_table(tool).get("poetry")).get("scripts"),
        _table(repo.pyproject.get("project")).get("scripts"),
    ]
    found: dict[str, str] = {}
    for name, value in (item for table in tables for item in _table(table).items()):
        spec = _table(value).get("callable") if isinstance(value, dict) else value
        if isinstance(spec, str) and ":" in spec:
            found[str(name)] = spec.split(":", 1)[0].strip()
    return found


def _table(value: Any) -> dict[Any, Any]:
    return value if isinstance(value, dict) else {}


def checked_test_files(repo: RepoView) -> tuple[str, ...]:
    """Return the test modules that check something: the profile's, less hand-run scripts.

    A `test_model.py` with a `__main__` block that prints what a local server answers and
    asserts nothing (no `assert`, `pytest.raises`, `self.assert...`, no test library
    imported) is a smoke script someone runs by hand: a runner that collects its
    `test_...` function passes whatever the server says.
    """

    def compute() -> tuple[str, ...]:
        return tuple(
            path
            for path in detect.profile_of(repo).test_files
            if not (_MAIN_GUARD.search(text := repo.text(path) or "") and not _CHECKS.search(text))
        )

    return memo(repo, "checked_test_files", compute)


_MAIN_GUARD = re.compile(r"^if[ \t]++__name__[ \t]*+==[ \t]*+[\"']__main__[\"']", re.MULTILINE)
# What makes a test module check something: an assertion, an expected exception, a
# test library (its fixtures and helpers assert), a TestCase's `self.assert...`.
_CHECKS = re.compile(
    r"^[ \t]*+assert\b|\braises\(|\.assert|\bfail\("
    r"|^[ \t]*+(?:import|from)[ \t]++(?:pytest|unittest|hypothesis)\b",
    re.MULTILINE,
)


# -- packaging ---------------------------------------------------------------------------
_REQ_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def canonical(name: str) -> str:
    """PEP 503 normalised distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: Any) -> str | None:
    """Return the distribution name of a PEP 508 requirement string.

    A requirement given as a URL or a file (a requirements file's
    `https://.../tensorflow-0.10.0rc0-cp27-none-linux_x86_64.whl`,
    `git+https://...#egg=tron_env`) is named by its `#egg=` fragment, or by the wheel's
    or source archive's file name; else it names no distribution the audit can tell.
    """
    if not isinstance(requirement, str):
        return None
    if _URL_REQUIREMENT.match(requirement):
        return _archive_name(requirement.split()[0])
    match = _REQ_NAME.match(requirement)
    return canonical(match.group(1)) if match else None


def _archive_name(location: str) -> str | None:
    """Return the distribution a URL or a path installs: `#egg=`, or its archive's name."""
    location, _, fragment = location.partition("#")
    egg = re.search(r"(?:^|&)egg=([A-Za-z0-9][A-Za-z0-9._-]*)", fragment)
    if egg:
        return canonical(egg.group(1))
    name = location.rstrip("/").rsplit("/", 1)[-1]
    if name.endswith(".whl"):
        return canonical(name.split("-", 1)[0])  # `name-version-python-abi-platform.whl`
    for suffix in (".tar.gz", ".zip", ".tar.bz2", ".tgz"):
        if name.endswith(suffix) and "-" in name:
            return canonical(name.removesuffix(suffix).rsplit("-", 1)[0])
    return None


# A requirement that is a location: a URL (`https://`, `git+https://`, `file://`) or a path
# to a built distribution (`./wheels/pkg-1.0-py3-none-any.whl`).
_URL_REQUIREMENT = re.compile(
    r"^\s*+(?:[a-z]++\+)?(?:https?|file|ftp)://|^\s*+\.{0,2}/?[\w./-]*?\.(?:whl|tar\.gz|zip)\b"
)


def static_dependencies(repo: RepoView) -> bool:
    """Return True when pyproject.toml lists `[project].dependencies` itself.

    setuptools then takes them and ignores a setup script's `install_requires` (a stale
    `setup.py` left beside a PEP 621 pyproject declares nothing that gets installed).
    """
    project = repo.pyproject.get("project")
    if not isinstance(project, dict) or not isinstance(project.get("dependencies"), list):
        return False
    dynamic = project.get("dynamic")
    return not (isinstance(dynamic, list) and "dependencies" in dynamic)


def runtime_requirements(repo: RepoView) -> list[str]:
    """`[project].dependencies` plus Poetry's main dependencies (as strings)."""
    project = repo.pyproject.get("project")
    found: list[str] = []
    if isinstance(project, dict) and isinstance(project.get("dependencies"), list):
        found += [r for r in project["dependencies"] if isinstance(r, str)]
    poetry = repo.pyproject.get("tool", {}).get("poetry", {})
    if isinstance(poetry, dict) and isinstance(poetry.get("dependencies"), dict):
        found += [str(name) for name in poetry["dependencies"] if name != "python"]
    return found


def poetry_constraints(repo: RepoView) -> list[tuple[str, str]]:
    """(name, version constraint) of Poetry's main dependencies (`mlflow = "^1.25"`).

    Names are canonical; a table entry's `version` is its constraint.
    """
    tool = repo.pyproject.get("tool")
    poetry = tool.get("poetry") if isinstance(tool, dict) else None
    table = poetry.get("dependencies") if isinstance(poetry, dict) else None
    found = []
    for name, value in table.items() if isinstance(table, dict) else ():
        constraint = value.get("version") if isinstance(value, dict) else value
        if isinstance(constraint, str):
            found.append((canonical(str(name)), constraint))
    return found


_SETUP_REQUIREMENT = re.compile(
    r"""["']([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?:[<>=!~;@]|["'])"""
)


# `NAME = [` or `NAME = (`, at any indentation (setup scripts build lists inside `main()`).
_LIST_ASSIGNMENT = re.compile(r"^[ \t]*([A-Za-z_]\w*)[ \t]*=[ \t]*[\[(]", re.MULTILINE)
# `NAME = a + b` or `NAME = a`: an assignment whose line names other lists.
_NAME_ASSIGNMENT = re.compile(r"^[ \t]*([A-Za-z_]\w*)[ \t]*=[ \t]*([A-Za-z_][\w \t+]*)$", re.M)
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
# What an `install_requires=` gives up to a list literal: names joined by `+`.
_SETUP_EXPRESSION = re.compile(r"[ \t]*+((?:[A-Za-z_]\w*+[ \t]*+\+?[ \t]*+)*+)")


def _setup_names(text: str) -> set[str]:
    """Distribution names in setup.py's install_requires/extras (string literals in lists).

    The lists may be given inline or by name, and a named list may be put together from
    others (`install_requires = install_requires_base + tensorflow_pypi_dep`, under an
    `if`): every list those names are assigned counts.
    """
    names: set[str] = set()
    wanted: list[str] = []
    for block in re.finditer(r"(?:install_requires|extras_require|tests_require)\s*=", text):
        # `install_requires=REQUIRED_PACKAGES`, `= base + extra`, `= base + [url]`: the names
        # are lists assigned above; a bracket opens a list given inline.
        expression = _SETUP_EXPRESSION.match(text, block.end())
        assert expression is not None  # the pattern matches the empty string
        wanted += _IDENTIFIER.findall(expression.group(1))
        if text.startswith(("[", "(", "{"), expression.end()):
            chunk = _bracketed(text, expression.end() + 1)
            names.update(canonical(m.group(1)) for m in _SETUP_REQUIREMENT.finditer(chunk))
    lists: dict[str, list[int]] = {}
    for assigned in _LIST_ASSIGNMENT.finditer(text):
        lists.setdefault(assigned.group(1), []).append(assigned.end())
    combined: dict[str, list[str]] = {}
    for assigned in _NAME_ASSIGNMENT.finditer(text):
        combined.setdefault(assigned.group(1), []).extend(_IDENTIFIER.findall(assigned.group(2)))
    seen: set[str] = set()
    while wanted and len(seen) < 50:
        name = wanted.pop()
        if name in seen:
            continue
        seen.add(name)
        for start in lists.get(name, []):
            chunk = _bracketed(text, start)
            names.update(canonical(m.group(1)) for m in _SETUP_REQUIREMENT.finditer(chunk))
        wanted += combined.get(name, [])
    return names


def _bracketed(text: str, start: int, limit: int = 5000) -> str:
    """Return the text from `start` (just inside an opening bracket) to its closing bracket.

    Brackets inside string literals do not count; at most `limit` characters.
    """
    depth, quote, at = 1, "", start
    end = min(len(text), start + limit)
    while at < end:
        char = text[at]
        if quote:
            if char == "\\":
                at += 1
            elif char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth == 0:
                break
        at += 1
    return text[start:at]


def requirement_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, requirement) of a requirements file, comments and options skipped."""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split(" #", 1)[0].strip()
        if line and not line.startswith(("#", "-")) and requirement_name(line):
            yield number, line


def requirements_in(repo: RepoView, path: str) -> Iterator[tuple[int, str]]:
    """(line number, requirement) of a requirements file, decoded as pip decodes it."""
    return requirement_lines(repo.pip_text(path) or "")


def conda_requirements(data: Any) -> list[tuple[str, Any, int | None]]:
    """Return (requirement, parent list, index) of a conda environment's dependencies."""
    found: list[tuple[str, Any, int | None]] = []
    deps = data.get("dependencies") if isinstance(data, dict) else None
    for index, item in enumerate(deps if isinstance(deps, list) else []):
        if isinstance(item, str):
            found.append((item, deps, index))
        elif isinstance(item, dict) and isinstance(item.get("pip"), list):
            pip = item["pip"]
            found += [(r, pip, i) for i, r in enumerate(pip) if isinstance(r, str)]
    return found


CONDA_FILES = ("environment.yml", "environment.yaml", "conda.yaml", "conda.yml")


def declared_names(repo: RepoView) -> tuple[set[str], set[str]]:
    """(runtime distribution names, every declared name incl. groups, extras and files)."""
    runtime, everything, _ = _declarations(repo)
    return runtime, everything


def dev_only_names(repo: RepoView) -> set[str]:
    """Distributions declared only in dev/test groups or dev requirements files."""
    _, everything, main = _declarations(repo)
    return everything - main


# A requirements file for development, tests, linting or docs, not for running the code.
_DEV_REQUIREMENTS = re.compile(
    r"(?:^|[/_.-])(?:dev|devel|develop|test|tests|testing|lint|linting|docs?|ci|typing"
    r"|types|mypy|format|style|check|qa|coverage|notebooks?|jupyter)(?:[_.-]|$)"
)


_EXTRAS = re.compile(r"^\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*\[([^\]]*)\]")


def _extras(requirement: object) -> set[str]:
    """Return the extras of a requirement as names: `pkg[pandas]` installs pandas too."""
    match = _EXTRAS.match(requirement) if isinstance(requirement, str) else None
    if match is None:
        return set()
    return {canonical(extra.strip()) for extra in match.group(1).split(",") if extra.strip()}


def _declarations(repo: RepoView) -> tuple[set[str], set[str], set[str]]:
    """(runtime names, every declared name, names declared outside dev groups and files)."""

    def compute() -> tuple[set[str], set[str], set[str]]:
        runtime = {n for n in map(requirement_name, runtime_requirements(repo)) if n}
        main = set(runtime)  # declared where an install of the project gets them
        for requirement in runtime_requirements(repo):
            main.update(_extras(requirement))  # `snowflake-connector-python[pandas]`
        dev: set[str] = set()  # declared in dev/test groups or dev requirements files
        data = repo.pyproject
        # A group for a task of the project (`eval`, `train`, `serve`) declares what that
        # task's code needs; dev, test, lint and docs groups declare tools.
        for table, extras in (
            (data.get("dependency-groups"), False),
            (data.get("project", {}).get("optional-dependencies"), True),
        ):
            if isinstance(table, dict):
                for name, items in table.items():
                    target = main if extras or not _DEV_REQUIREMENTS.search(str(name)) else dev
                    for item in items if isinstance(items, list) else []:
                        target.add(requirement_name(item) or "")
                        target.update(_extras(item))
        poetry_groups = data.get("tool", {}).get("poetry", {}).get("group", {})
        if isinstance(poetry_groups, dict):
            for name, group in poetry_groups.items():
                deps = group.get("dependencies") if isinstance(group, dict) else None
                if isinstance(deps, dict):
                    target = dev if _DEV_REQUIREMENTS.search(str(name)) else main
                    target.update(canonical(str(dep)) for dep in deps)
        poetry_dev = data.get("tool", {}).get("poetry", {}).get("dev-dependencies")
        if isinstance(poetry_dev, dict):
            dev.update(canonical(str(name)) for name in poetry_dev)
        for pixi in (data.get("tool", {}).get("pixi"), repo.data("pixi.toml", "toml")):
            for names, development in _pixi_dependencies(pixi):
                (dev if development else main).update(names)
        # ... and the lists a README installs under another name (`dependencies.txt`)
        named = set(detect.profile_of(repo).requirements)
        for path in repo.files:
            # Every requirements file's path holds the word (`requirement.txt` too): a
            # substring test first.
            if path not in named and (
                "requirement" not in path.lower() or not detect.REQUIREMENTS.search(path)
            ):
                continue
            if detect.template_source(path):
                continue
            stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
            target = dev if _DEV_REQUIREMENTS.search(stem) else main
            for _, line in requirements_in(repo, path):
                target.add(requirement_name(line) or "")
                target.update(_extras(line))
        if "setup.py" in repo.file_set and not static_dependencies(repo):
            main.update(_setup_names(repo.text("setup.py") or ""))
        if "setup.cfg" in repo.file_set:
            for line in (repo.text("setup.cfg") or "").splitlines():
                if line[:1] in (" ", "\t"):
                    main.add(requirement_name(line) or "")
        for path in detect.conda_files(repo):
            for requirement, _, _ in conda_requirements(repo.data(path)):
                main.add(requirement_name(requirement.split("=", 1)[0].split("::")[-1]) or "")
        for path in detect.profile_of(repo).manifests:
            if path.endswith("/pyproject.toml"):
                nested = repo.data(path, "toml")
                nested = nested if isinstance(nested, dict) else {}
                project = nested.get("project")
                lists = [project.get("dependencies")] if isinstance(project, dict) else []
                for table in (
                    project.get("optional-dependencies") if isinstance(project, dict) else None,
                    nested.get("dependency-groups"),
                ):
                    lists += list(table.values()) if isinstance(table, dict) else []
                for deps in lists:
                    for item in deps if isinstance(deps, list) else []:
                        main.add(requirement_name(item) or "")
                poetry = nested.get("tool", {}).get("poetry", {})
                table = poetry.get("dependencies") if isinstance(poetry, dict) else None
                if isinstance(table, dict):
                    main.update(canonical(str(name)) for name in table)
        main.update(canonical(str(name)) for name in pipfile_table(repo, "packages"))
        dev.update(canonical(str(name)) for name in pipfile_table(repo, "dev-packages"))
        main.update(_component_packages(repo))
        for path in detect.code_files(repo):
            text = repo.text(path) or ""
            if "# /// script" in text:
                main.update(_inline_script_dependencies(text))  # PEP 723
        for path in repo.files:
            if path.endswith(".py") and _ENVIRONMENT_GENERATOR.search(path):
                # `tools/generate_conda_file.py`: the specs it writes into the environment
                text = repo.text(path) or ""
                main.update(canonical(m.group(1)) for m in _QUOTED_SPEC.finditer(text))
        main.discard("")
        dev.discard("")
        return runtime, main | dev, main

    return memo(repo, "declared", compute)


def pipfile_table(repo: RepoView, section: str) -> dict[str, object]:
    """Return a table of the root Pipfile (`packages`, `dev-packages`); empty without one."""
    pipfile = repo.data("Pipfile", "toml") if "Pipfile" in repo.file_set else None
    table = pipfile.get(section) if isinstance(pipfile, dict) else None
    return table if isinstance(table, dict) else {}


def _inline_script_dependencies(text: str) -> set[str]:
    """Return the names a script's inline metadata (PEP 723) lists as its dependencies.

    The block between `# /// script` and `# ///` holds TOML, each line after `# `:
    `dependencies = ["datasets==4.3.0", "omegaconf"]`.
    """
    start = text.find("# /// script")
    end = text.find("\n# ///", start + 1)
    if start == -1 or end == -1:
        return set()
    block = text[start:end]
    at = block.find("dependencies")
    if at == -1:
        return set()
    listed = block[at : block.find("]", at) + 1 if "]" in block[at:] else len(block)]
    return {canonical(m.group(1)) for m in _LISTED_NAME.finditer(listed)}


_LISTED_NAME = re.compile(r"""["']([A-Za-z0-9][A-Za-z0-9._-]*+)""")


# A script that writes the environment file (`tools/generate_conda_file.py`), and the
# requirement specs it holds as strings (`"pandas>=0.24.2"`, `"pytorch==1.4.0"`).
_ENVIRONMENT_GENERATOR = re.compile(
    r"(?:^|/)(?:generate|make|create|build|write)[_-]?(?:conda|env|environment|requirements)"
    r"[\w-]*\.py$"
)
_QUOTED_SPEC = re.compile(
    r"""["']([A-Za-z0-9][A-Za-z0-9._-]*+)[ \t]*+[=<>!~]=?[ \t]*+\d[\w.*,<>=!~ ]*+["']"""
)


def _pixi_dependencies(manifest: object) -> Iterator[tuple[set[str], bool]]:
    """(names, declared for development) of a pixi manifest's dependency tables.

    `[dependencies]` (conda packages) and `[pypi-dependencies]` at the top and in each
    `[feature.<name>]`; a feature named for development (`dev`, `test`, `lint`) declares
    tools.
    """
    if not isinstance(manifest, dict):
        return
    tables: list[tuple[object, bool]] = [(manifest, False)]
    features = manifest.get("feature")
    if isinstance(features, dict):
        tables += [
            (body, _DEV_REQUIREMENTS.search(str(name)) is not None)
            for name, body in features.items()
        ]
    for table, development in tables:
        if not isinstance(table, dict):
            continue
        for key in ("dependencies", "pypi-dependencies"):
            deps = table.get(key)
            if isinstance(deps, dict):
                yield {canonical(str(name)) for name in deps if str(name) != "python"}, development


def locked_installs(repo: RepoView, names: set[str]) -> set[str]:
    """Distributions that installing `names` brings, as the committed lock file records.

    Read from the root's uv.lock, poetry.lock or pdm.lock (each package's required
    dependencies, and those of the extras a declaration names, not dev groups), followed
    transitively; empty without a lock. Parsed on first need (a lock can hold thousands of
    lines).
    """
    graph = memo(repo, "locked_graph", lambda: _lock_graph(repo))
    found: set[str] = set()
    todo = [canonical(name) for name in names]
    # `dse-utils[boosting]` declared (its extras are among the names): what the extra adds
    wanted = set(todo)
    todo += [
        key
        for key in graph
        if "[" in key and key.split("[", 1)[0] in wanted and key[:-1].split("[", 1)[1] in wanted
    ]
    while todo:
        name = todo.pop()
        for dependency in graph.get(name, ()):
            if dependency not in found:
                found.add(dependency)
                todo.append(dependency)
    return found


def _lock_graph(repo: RepoView) -> dict[str, set[str]]:
    """Package -> its required dependencies, from the root's lock file."""
    return _parse_lock(_root_lock_text(repo))


def _root_lock_text(repo: RepoView) -> str:
    """Return the root lock file's text (uv.lock, else poetry.lock, else pdm.lock), or ""."""
    for name in ("uv.lock", "poetry.lock", "pdm.lock"):
        if name in repo.file_set:
            return repo.text(name) or ""
    return ""


_LOCK_NAME = re.compile(r'^name[ \t]*=[ \t]*"([^"]+)"')
# An entry of a dependency list: `{ name = "numpy", marker = ... }` (uv) or
# `"numpy>=1.0; python_version > '3.9'"` (pdm).
_LOCK_ITEM = re.compile(r'\{[ \t]*name[ \t]*=[ \t]*"([^"]+)"|"([A-Za-z0-9][\w.-]*)')
_LOCK_KEY = re.compile(r'^"?([A-Za-z0-9][\w.-]*)"?[ \t]*=')


def _parse_lock(text: str) -> dict[str, set[str]]:
    """Each locked package's required dependencies, by a scan of the lines.

    uv.lock and pdm.lock list them in the package's `dependencies = [...]`, poetry.lock
    keys them in `[package.dependencies]`; the extras (uv's `[package.optional-dependencies]`,
    poetry's `[package.extras]`) are nodes of their own, `package[extra]`; dev groups and
    metadata tables are other tables and are not read.
    """
    graph: dict[str, set[str]] = {}
    package: str | None = None
    mode = "other"  # "top" of a [[package]], "list" of its dependencies, "table" (poetry)
    extra: str | None = None  # the extra whose list is open, in an extras table
    for line in text.splitlines():
        stripped = line.strip()
        if mode == "list":
            if stripped.startswith("]"):
                mode = "top"
                continue
            match = _LOCK_ITEM.search(stripped)
            if match and package is not None:
                graph[package].add(canonical(match.group(1) or match.group(2)))
            continue
        if mode == "extras" and package is not None and not stripped.startswith("["):
            key = _LOCK_KEY.match(stripped)
            items = stripped.split("[", 1)[1] if key and "[" in stripped else stripped
            if key:
                extra = f"{package}[{canonical(key.group(1))}]"
                graph.setdefault(extra, set())
            if extra is not None:
                inline = "{" in items
                for match in _LOCK_ITEM.finditer(items):
                    if match.group(1) or not inline:
                        graph[extra].add(canonical(match.group(1) or match.group(2)))
                if items.rstrip().endswith("]"):
                    extra = None
            continue
        if stripped.startswith("["):
            package = None if stripped == "[[package]]" else package
            mode = {
                "[[package]]": "top",
                "[package.dependencies]": "table",
                "[package.optional-dependencies]": "extras",
                "[package.extras]": "extras",
            }.get(stripped, "other")
            extra = None
            continue
        if mode == "top":
            if package is None:
                match = _LOCK_NAME.match(stripped)
                if match:
                    package = canonical(match.group(1))
                    graph.setdefault(package, set())
            elif stripped.startswith("dependencies") and "[" in stripped:
                items = stripped.split("[", 1)[1]
                inline = "{" in items  # uv's tables: only their names, not their markers
                for match in _LOCK_ITEM.finditer(items):
                    if match.group(1) or not inline:
                        graph[package].add(canonical(match.group(1) or match.group(2)))
                mode = "top" if items.rstrip().endswith("]") else "list"
        elif mode == "table" and package is not None:
            match = _LOCK_KEY.match(stripped)
            if match:
                graph[package].add(canonical(match.group(1)))
    return graph


def _component_packages(repo: RepoView) -> set[str]:
    """Return the packages Kubeflow/Vertex AI pipeline components install themselves.

    `@component(packages_to_install=["xgboost"])`, `create_component_from_func(...,
    packages_to_install=[...])`, in code or the notebooks that build the pipeline: the
    component's code runs where they are installed.
    """
    names: set[str] = set()
    for path in repo.files:
        if not path.endswith((".py", ".ipynb")) or detect.template_source(path):
            continue
        text = repo.text(path) or ""
        if "packages_to_install" not in text:
            continue
        for match in _PACKAGES_TO_INSTALL.finditer(text):
            for item in _QUOTED.findall(match.group(1)):
                names.add(requirement_name(item) or "")
    return names


# `packages_to_install=[ ... ]` (the list, across lines and notebook JSON escapes).
_PACKAGES_TO_INSTALL = re.compile(r"packages_to_install\s*=\s*\[([^\]]{0,4000})\]")
_QUOTED = re.compile(r"""['"]([A-Za-z0-9][\w.\[\],<>=!~ -]*?)['"\\]""")


def runtime_code(repo: RepoView) -> list[str]:
    """Python files of the project's own code: not tests, docs, examples or templates."""
    return detect.runtime_files(repo)


def python_sources(repo: RepoView, folder: str = "src") -> list[str]:
    """Return listed .py files below a folder."""
    return [p for p in repo.under(folder) if p.endswith(".py")]


def imports(repo: RepoView) -> dict[str, list[tuple[str, int]]]:
    """Top-level modules imported by the project's runtime code, with where."""

    def compute() -> dict[str, list[tuple[str, int]]]:
        code = set(runtime_code(repo))
        found: dict[str, list[tuple[str, int]]] = {}
        for module, places in detect.imported_modules(repo).items():
            kept = [(path, line) for path, line in places if path in code]
            if kept:
                found[module] = kept
        return found

    return memo(repo, "imports", compute)


def uses_mlflow(repo: RepoView) -> bool:
    """Return True when the project imports MLflow or keeps an MLflow store."""
    return detect.profile_of(repo).mlflow


def commented_out(text: str, at: int) -> bool:
    """Return True when the Python line holding `text[at]` is a `#` comment up to there."""
    start = text.rfind("\n", 0, at) + 1
    return text[start:at].lstrip(" \t").startswith("#")


def search_sources(repo: RepoView, pattern: re.Pattern[str]) -> list[tuple[str, int, str]]:
    """Return matches of `pattern` in the project's Python files: (path, line, matched text).

    A match on a commented-out line (`# mlflow.set_tracking_uri("...")`: the line before
    it is a `#` comment) is not code and is left out. Remembered per pattern: several
    rules search the same one.
    """

    def compute() -> list[tuple[str, int, str]]:
        hits = []
        for path in runtime_code(repo):
            text = repo.text(path) or ""
            if not may_match(pattern, text):  # a quick literal test rules most files out
                continue
            line, counted = 1, 0  # lines counted on from the previous match (in order)
            for match in finditer(pattern, text):
                if commented_out(text, match.start()):
                    continue
                line += text.count("\n", counted, match.start())
                counted = match.start()
                hits.append((path, line, match.group(0)))
        return hits

    return list(memo(repo, f"search_sources:{pattern.flags}:{pattern.pattern}", compute))


# -- config ------------------------------------------------------------------------------
def config_dir(repo: RepoView) -> str | None:
    """Return the Hydra config folder the profile found (conf/, configs/, ...), or None."""
    return detect.profile_of(repo).hydra_config_dir


def primary_config(repo: RepoView) -> str | None:
    """Return the primary Hydra config file (`<config dir>/<config_name>.yaml`), or None."""
    profile = detect.profile_of(repo)
    if profile.hydra_config_dir is None:
        return None
    base = posixpath.normpath(
        posixpath.join(profile.hydra_config_dir, profile.hydra_config_name or "config")
    )
    candidates = [base] if base.endswith((".yaml", ".yml")) else [base + ".yaml", base + ".yml"]
    return next((c for c in candidates if repo.is_file(c)), candidates[0])


def conf_files(repo: RepoView) -> list[str]:
    """Return the YAML files of the Hydra config folder.

    A config folder that is the repository's root (`config_path="."` beside a root
    script) holds every other YAML file too (compose files, CI): there, the primary
    config and the files of the groups its defaults list names (`- model: rf` reads
    `model/`).
    """
    folder = config_dir(repo)
    if folder is None:
        return []
    if folder != ".":
        return [p for p in repo.under(folder) if p.endswith((".yaml", ".yml"))]
    primary = primary_config(repo)
    if primary is None or not repo.is_file(primary):
        return []
    data = repo.data(primary)
    defaults = data.get("defaults") if isinstance(data, dict) else None
    groups: dict[str, None] = {}
    for item in defaults if isinstance(defaults, list) else []:
        for key in item if isinstance(item, dict) else [item]:
            if not isinstance(key, str):
                continue
            words = key.split()  # `override /model`, `optional db`
            group = words[-1].lstrip("/").split("/", 1)[0] if words else ""
            if group and group in repo.folders:
                groups[group] = None
    grouped = [p for group in groups for p in repo.under(group) if p.endswith((".yaml", ".yml"))]
    return [primary, *grouped]


def walk_values(
    data: Any, keys: tuple[Any, ...] = ()
) -> Iterator[tuple[tuple[Any, ...], Any, Any]]:
    """Yield (key path, value, parent container) for every scalar in parsed data."""
    stack: list[tuple[tuple[Any, ...], Any]] = [(keys, data)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(value, (dict, list)):
                    stack.append(((*path, key), value))
                else:
                    yield (*path, key), value, node
        elif isinstance(node, list):
            for index, value in enumerate(node):
                if isinstance(value, (dict, list)):
                    stack.append(((*path, index), value))
                else:
                    yield (*path, index), value, node


def ci_files(repo: RepoView) -> list[str]:
    """Return the CI files (YAML) of every provider the profile found."""
    return [p for p in detect.profile_of(repo).ci_files if p.endswith((".yml", ".yaml"))]


# Task runner files CI may call, by the word that calls them.
RUNNER_FILES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("make", ("Makefile", "makefile", "GNUmakefile")),
    ("just", ("justfile", "Justfile", ".justfile")),
    ("mise", ("mise.toml", ".mise.toml")),
    ("tox", ("tox.ini", "pyproject.toml", "setup.cfg")),
    ("nox", ("noxfile.py",)),
    ("invoke", ("tasks.py", "tasks/__init__.py")),
    ("inv", ("tasks.py", "tasks/__init__.py")),
    ("task", ("Taskfile.yml", "Taskfile.yaml")),
    ("poe", ("pyproject.toml",)),
    ("hatch", ("pyproject.toml", "hatch.toml")),
    ("pdm", ("pyproject.toml",)),
    ("pixi", ("pixi.toml", "pyproject.toml")),
    ("pre-commit", (".pre-commit-config.yaml",)),
    ("lefthook", ("lefthook.yml", "lefthook.yaml", ".lefthook.yml", "lefthook.toml")),
)


# Possessive runs: `\s+[^:=\n]*` then `\s*` could split a run of blanks every way.
_TARGET = re.compile(r"^([A-Za-z0-9_.-]++)(?:\s++[^:=\n]*+)?\s*+:(?!=)(.*)$")


def _called_targets(ci: str, runner: str, files: str = "") -> list[str]:
    """Targets CI passes to `make`/`just` ("" for the default target).

    A target named by a matrix variable takes the values the CI files' text (`files`)
    gives it.
    """
    called: list[str] = []
    if "matrix." in ci:
        ci = _MATRIX_VARIABLE.sub(lambda m: f"${{{{matrix.{m.group(1)}}}}}", ci)
    for match in re.finditer(rf"\b{runner}\b((?:[ \t]+[^\s&|;]+)*)", ci):
        words = [w for w in match.group(1).split() if not w.startswith("-") and "=" not in w]
        for word in words or [""]:
            # `make ${{ matrix.target }}`: the values the matrix gives the variable
            variable = _MATRIX_VARIABLE.fullmatch(word)
            called += _matrix_values(files, variable.group(1)) if variable else [word]
    return called


_MATRIX_VARIABLE = re.compile(r"\$\{\{\s*matrix\.([\w-]+)\s*\}\}")


def _matrix_values(ci: str, name: str) -> list[str]:
    """Return the values of a matrix variable: `target: [compile, lint, test]` or a list."""
    inline = re.search(rf"^[ \t]*{re.escape(name)}[ \t]*:[ \t]*\[([^\]\n]*)\]", ci, re.M)
    if inline is not None:
        return [v.strip().strip("\"'") for v in inline.group(1).split(",") if v.strip()]
    block = re.search(
        rf"^([ \t]*){re.escape(name)}[ \t]*:[ \t]*\n((?:\1[ \t]+-[^\n]*\n)+)", ci, re.M
    )
    if block is None:
        return []
    return [line.strip().lstrip("-").strip().strip("\"'") for line in block.group(2).splitlines()]


def _names_folder(ci: str, folder: str) -> bool:
    """Return True when CI names `folder` as a place (`./backend`, `cd backend`)."""
    return any(
        form in ci
        for form in (f"./{folder}", f"{folder}/", f"cd {folder}", f"-C {folder}", f": {folder}\n")
    )


def recipes(text: str, targets: list[str]) -> str:
    """Return the recipes of `targets` (and of what they depend on) in a Makefile/justfile.

    An empty target name means the default one (the first). Unknown targets give nothing.
    A Makefile's variables are expanded in the recipes (`$(PY_TEST)` with
    `PY_TEST := uv run pytest` above).
    """
    table: dict[str, tuple[list[str], list[str]]] = {}
    order: list[str] = []
    current: list[str] | None = None
    variables: dict[str, str] = {}
    for line in text.splitlines():
        if line[:1] in ("\t", " ") and current is not None:
            current.append(line)
            continue
        assignment = _MAKE_VARIABLE.match(line) if "=" in line else None
        if assignment is not None:
            variables[assignment.group(1)] = assignment.group(2)
            current = None
            continue
        match = _TARGET.match(line)
        if match is None or line.startswith((".", "#")):
            current = None
            continue
        name, rest = match.group(1), match.group(2)
        current = [rest]
        table[name] = (rest.split(), current)
        order.append(name)
    wanted = [t or (order[0] if order else "") for t in targets]
    seen: set[str] = set()
    lines: list[str] = []
    while wanted:
        name = wanted.pop()
        if name in seen or name not in table:
            continue
        seen.add(name)
        prerequisites, body = table[name]
        wanted += prerequisites
        lines += body
    found = "\n".join(lines)
    for _ in range(3):  # variables that name variables, a few levels deep
        if "$" not in found or not variables:
            break
        found = _MAKE_REFERENCE.sub(lambda m: variables.get(m.group(1), m.group(0)), found)
    return found


# `NAME := value` (also `=`, `::=`, `?=`, `+=`) at the start of a Makefile line.
_MAKE_VARIABLE = re.compile(r"^([A-Za-z_][\w.-]*+)[ \t]*+(?:::?=|\?=|\+=|=)[ \t]*+(.*)$")
_MAKE_REFERENCE = re.compile(r"\$[({]([A-Za-z_][\w.-]*+)[)}]")


_SCRIPT_SUFFIXES = (".sh", ".bash", ".mk", ".py", ".yaml", ".yml", ".toml", ".cfg", ".ini")
_MANIFESTS = frozenset({"pyproject.toml", "setup.cfg"})


def ci_text(repo: RepoView) -> str:
    """Every string in the CI files, one per line (for what-runs checks)."""

    def compute() -> str:
        chunks = []
        files = list(detect.profile_of(repo).ci_files)
        files += [p for p in gitlab_includes(repo)[0] if p not in files]
        for path in files:
            if path.endswith((".yml", ".yaml")):
                data = repo.data(path)
                values = [v for _, v, _ in walk_values(data) if isinstance(v, str)]
                # What a step only prints (`echo "Run locally: make test-unit"`) it does not run.
                chunks += [_ECHO_LINE.sub("", v) if "echo" in v else v for v in values]
                chunks += _step_commands(data)
                # The local actions its steps use (`uses: ./.github/actions/test`).
                for action in _local_actions(repo, values):
                    if action not in files:
                        files.append(action)
            else:
                chunks.append(repo.text(path) or "")
        if "taskcluster" in detect.profile_of(repo).ci:
            # Taskcluster runs the tasks of its taskgraph's kinds
            # (`taskcluster/kinds/tests/kind.yml`), read as text: taskgraph's loader takes
            # YAML a strict parser refuses (a key given twice).
            chunks += [
                repo.text(p) or ""
                for folder in ("taskcluster/kinds", "taskcluster/ci")
                for p in repo.under(folder)
                if p.endswith("/kind.yml")
            ]
        return "\n".join(chunks)

    return memo(repo, "ci_text", compute)


_ECHO_LINE = re.compile(r"^[ \t]*+echo\b[^\n|;&]*+$", re.MULTILINE)


def _step_commands(data: object) -> list[str]:
    """Return the command lines of Cloud Build steps: each entrypoint and its `args`.

    `entrypoint: python` with `args: [tests/test_api.py]` is `python tests/test_api.py`.
    """
    steps = data.get("steps") if isinstance(data, dict) else None
    lines = []
    for step in steps if isinstance(steps, list) else []:
        args = step.get("args") if isinstance(step, dict) else None
        if isinstance(args, list) and all(isinstance(a, str) for a in args):
            entrypoint = step.get("entrypoint")
            words = [entrypoint] if isinstance(entrypoint, str) else []
            lines.append(" ".join([*words, *args]))
    return lines


def _local_actions(repo: RepoView, values: list[str]) -> list[str]:
    """Return the action.yml files of the local actions named in a workflow's values."""
    found = []
    for value in values:
        if value.startswith("./") and "\n" not in value:
            folder = posixpath.normpath(value.strip())
            for name in ("action.yml", "action.yaml"):
                if f"{folder}/{name}" in repo.file_set:
                    found.append(f"{folder}/{name}")
    return found


def gitlab_includes(repo: RepoView) -> tuple[list[str], bool]:
    """Return the repository's files that .gitlab-ci.yml includes, and if it includes more.

    The flag is True when it also includes configuration kept elsewhere (another
    project, a URL, a template, a component).
    """
    data = repo.data(".gitlab-ci.yml") if ".gitlab-ci.yml" in repo.file_set else None
    entries = data.get("include") if isinstance(data, dict) else None
    if entries is None:
        return [], False
    local: list[str] = []
    elsewhere = False
    for entry in entries if isinstance(entries, list) else [entries]:
        if isinstance(entry, dict):
            path = entry.get("local")
            elsewhere |= bool({"project", "remote", "template", "component"} & set(entry))
        else:
            path = entry if isinstance(entry, str) else None
            elsewhere |= isinstance(entry, str) and "://" in entry
        if isinstance(path, str) and "://" not in path:
            candidate = path.strip().lstrip("/")
            if candidate in repo.file_set:
                local.append(candidate)
    return local, elsewhere


# A job that calls a reusable workflow of another repository
# (`uses: org/ci/.github/workflows/python.yml@v2`): what it runs is not in this one.
_REMOTE_WORKFLOW = re.compile(r"^[\w.-]+/[\w.-]+/\.github/workflows/[\w./-]+@", re.MULTILINE)


def ci_runs_elsewhere(repo: RepoView) -> bool:
    """Return True when CI runs configuration kept in another repository or a URL."""
    return gitlab_includes(repo)[1] or _REMOTE_WORKFLOW.search(ci_text(repo)) is not None


def _pyproject_tasks(repo: RepoView, runner: str) -> str:
    """Return the task definitions of one runner kept in pyproject.toml.

    Poe's tasks, PDM's scripts, tox's legacy ini, pixi's tasks (its features' too),
    hatch's environment scripts: only the runner CI calls (`hatch build` runs none of
    pixi's tasks).
    """
    tool = repo.pyproject.get("tool")
    tool = tool if isinstance(tool, dict) else {}
    tables: list[Any] = []
    for name, key in (("poe", "tasks"), ("pdm", "scripts"), ("tox", "legacy_tox_ini")):
        table = tool.get(name)
        if name == runner and isinstance(table, dict):
            tables.append(table.get(key))
    pixi = tool.get("pixi")
    if runner == "pixi" and isinstance(pixi, dict):
        tables.append(pixi.get("tasks"))
        features = pixi.get("feature")
        if isinstance(features, dict):
            tables += [f.get("tasks") for f in features.values() if isinstance(f, dict)]
    envs = tool.get("hatch", {}).get("envs") if isinstance(tool.get("hatch"), dict) else None
    if runner == "hatch" and isinstance(envs, dict):
        tables += [e.get("scripts") for e in envs.values() if isinstance(e, dict)]
    chunks = [t for t in tables if isinstance(t, str)]
    chunks += [str(v) for t in tables if isinstance(t, dict) for _, v, _ in walk_values(t)]
    return "\n".join(chunks)


def named_in(paths: list[str], text: str) -> set[str]:
    """Return the paths (each ending in one of `_SCRIPT_SUFFIXES`) that occur in `text`.

    What `path in text` tells for each, in one pass: every occurrence of a path ends with
    an occurrence of its suffix, and there the text's last characters name the few paths
    that can end at that point (instead of a search of the whole text per path).
    """
    if not paths:
        return set()
    tail = min(map(len, paths))
    ending: dict[str, list[str]] = {}
    for path in set(paths):
        ending.setdefault(path[-tail:], []).append(path)
    named: set[str] = set()
    for suffix in _SCRIPT_SUFFIXES:
        start = text.find(suffix)
        while start != -1:
            end = start + len(suffix)
            for path in ending.get(text[max(end - tail, 0) : end], ()):
                if len(path) <= end and text.startswith(path, end - len(path)):
                    named.add(path)
            start = text.find(suffix, start + 1)
    return named


# A shell or workflow expansion: `${NAME}`, `$NAME`, `${{ matrix.service }}`, `$(command)`.
_EXPANSION = re.compile(
    r"\$\{\{[^}\n]{0,200}\}\}|\$\{[^}\n]{0,200}\}|\$\([^)\n]{0,200}\)|\$[A-Za-z_]\w*+"
)
# A word of a path, its expansions replaced by NULs.
_PATH_WORD = re.compile(r"[\w./\x00-]++")


def _expanded_words(blanked: str) -> Iterator[str]:
    """Yield the words of `blanked` (expansions made NULs) that hold a NUL, in order.

    A word never spans lines, so only the lines holding a NUL are split into words: the
    same words as splitting the whole text, without a step per word of every other line.
    """
    nul = blanked.find("\x00")
    while nul >= 0:
        begin = blanked.rfind("\n", 0, nul) + 1
        end = blanked.find("\n", nul)
        end = len(blanked) if end < 0 else end
        for match in _PATH_WORD.finditer(blanked, begin, end):
            if "\x00" in match.group(0):
                yield match.group(0)
        nul = blanked.find("\x00", end)


def expanded_scripts(scripts: list[str], text: str) -> set[str]:
    """Return the scripts `text` names through a shell expansion (`launch_${NAME}_tests.sh`).

    The name is a glob of the repository's scripts, each expansion a `*`: a CI matrix that
    runs `scripts/launch_${SERVICE}_tests.sh` runs every script that fits. A name whose only
    literal part is its suffix (`${SCRIPT}.sh`) could be any script and names none.
    """
    if "$" not in text:
        return set()
    found: set[str] = set()
    for word in _expanded_words(_EXPANSION.sub("\x00", text)):
        if not word.endswith((".sh", ".bash", ".py")):
            continue
        while word.startswith("./"):
            word = word[2:]
        name = word.rpartition("/")[2]
        if not name.rpartition(".")[0].replace("\x00", ""):
            continue
        glob = re.sub("\x00+", "*", word)
        found.update(
            p
            for p in scripts
            if fnmatch.fnmatchcase(p if "/" in word else p.rpartition("/")[2], glob)
            or ("/" in word and fnmatch.fnmatchcase(p, f"*/{glob}"))
        )
    return found


def task_text(repo: RepoView) -> str:
    """Return what CI can run: its own text plus the task runner files it calls."""

    def compute() -> str:
        ci = ci_text(repo)
        chunks = [ci]
        files: list[str] = []
        recipe_files: set[str] = set()
        for word, names in RUNNER_FILES:
            # The word as a substring first: the pattern, led by `\b`, has no literal start.
            if word not in ci or not re.search(rf"\b{re.escape(word)}\b", ci):
                continue
            present = [name for name in names if name in repo.file_set and name not in files]
            if word in ("make", "just"):
                # A sub-project's Makefile that CI runs there (`working-directory:
                # ./backend`, `cd backend && make lint`, `make -C backend lint`).
                present += [
                    p
                    for p in repo.files
                    if p.count("/") == 1
                    and p.rsplit("/", 1)[-1] in names
                    and _names_folder(ci, p.split("/", 1)[0])
                    and p not in files
                ]
            if "pyproject.toml" in present:
                # Only its task tables: [tool.ruff] settings are not a lint step.
                chunks.append(_pyproject_tasks(repo, word))
                recipe_files.add("pyproject.toml")
            if word in ("make", "just"):
                # Only the recipes of the targets CI calls (and what they depend on).
                raw = "\n".join(repo.text(p) or "" for p in detect.profile_of(repo).ci_files)
                called = _called_targets(ci, word, raw if "matrix." in ci else "")
                for name in present:
                    chunks.append(recipes(repo.text(name) or "", called))
                    recipe_files.add(name)
                    files.append(name)
            else:
                files += present
        # Scripts CI runs by path (`run: ./ci/test.sh`, or a name built from a matrix
        # variable: `launch_${SERVICE}_tests.sh`), and the modules of an invoke collection
        # (`tasks/`), are read too: one level, no further.
        if "invok" in ci and re.search(r"\binvoke?\b", ci):
            files += [p for p in repo.under("tasks") if p.endswith(".py") and p not in files]
        # A manifest CI names as a tool's settings (`bandit -c pyproject.toml`) runs
        # nothing: its task tables come in above, through the runner that reads them.
        scripts = [
            p
            for p in repo.files
            if p.endswith(_SCRIPT_SUFFIXES) and p.rsplit("/", 1)[-1] not in _MANIFESTS
        ]
        calling = "\n".join(chunks)
        for _ in range(2):  # CI -> job file -> script
            named = named_in(scripts, calling) | expanded_scripts(scripts, calling)
            found = [p for p in scripts if p in named and p not in files]
            files += found
            calling = "\n".join(repo.text(p) or "" for p in found)
        chunks += [repo.text(name) or "" for name in files if name not in recipe_files]
        return "\n".join(chunks)

    return memo(repo, "task_text", compute)


def pre_commit_hooks(repo: RepoView) -> list[dict[str, Any]]:
    """Return the hooks of .pre-commit-config.yaml (empty when absent or malformed)."""
    data = repo.data(PRE_COMMIT)
    hooks: list[dict[str, Any]] = []
    repos = data.get("repos") if isinstance(data, dict) else None
    for entry in repos if isinstance(repos, list) else []:
        items = entry.get("hooks") if isinstance(entry, dict) else None
        hooks += [h for h in items if isinstance(h, dict)] if isinstance(items, list) else []
    return hooks


def first_manifest(repo: RepoView) -> str:
    """Return the packaging file a dependency finding points at (or the root)."""
    manifests = detect.profile_of(repo).manifests
    return manifests[0] if manifests else ROOT


def line_in(repo: RepoView, path: str, pattern: str) -> int | None:
    """Return the line of the first match of a regular expression in a file, if any."""
    text = repo.text(path) or ""
    match = re.search(pattern, text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None


def src_packages(repo: RepoView) -> list[str]:
    """Top-level packages under src/ (folders holding __init__.py)."""
    return sorted(
        {
            p.split("/")[1]
            for p in repo.under("src")
            if p.count("/") == 2 and p.endswith("/__init__.py")
        }
    )


# Datasets a library downloads and checks itself (torchvision, scikit-learn, Keras, TFDS).
_BUNDLED_DATASET = re.compile(
    r"\bdatasets\.(?:CIFAR10|CIFAR100|MNIST|FashionMNIST|KMNIST|EMNIST|QMNIST|SVHN|STL10"
    # called, or picked as a class and called later (`dataset_class = datasets.CIFAR10`)
    r"|CelebA|Omniglot|Flowers102|OxfordIIITPet|Caltech101|Food101)\b"
    # imported by name and downloaded (`MNIST(root=".", train=True, download=True)`)
    r"|\b(?:CIFAR10|CIFAR100|MNIST|FashionMNIST|KMNIST|EMNIST|QMNIST|SVHN|STL10)"
    r"\([^()]{0,200}?\bdownload\s*=\s*True"
    r"|\bload_(?:iris|digits|wine|breast_cancer|diabetes|linnerud|boston)\("
    r"|\bfetch_(?:openml|california_housing|20newsgroups\w*|covtype|lfw_people|olivetti_faces)\("
    r"|\b(?:mnist|cifar10|cifar100|fashion_mnist|imdb|reuters)\.load_data\(|\btfds\.load\("
    # a Hugging Face Hub dataset by name (not a local builder: `load_dataset("csv", ...)`),
    # the UCI repository's and OpenML's by id, the D2L book's loaders
    r"|\bload_dataset\(\s*+[\"'](?!(?:csv|json|parquet|text|imagefolder|audiofolder|arrow"
    r"|pandas|webdataset)[\"'])[\w.-]++(?:/[\w.-]++)?[\"']"
    r"|\bfetch_ucirepo\(|\bopenml\.(?:datasets\.get_dataset|tasks\.get_task)\("
    r"|\bd2l\.load_data_\w++\("
    # a Kaggle dataset by handle, loaded as a frame (`kagglehub.load_dataset(...)`)
    r"|\bkagglehub\.(?:load_dataset|dataset_load)\("
)
# Code that reads a dataset of its own from files.
_LOCAL_DATA = re.compile(
    r"\bread_(?:csv|parquet|json|excel|feather|table|pickle)\(|\bnp\.load(?:txt)?\("
    r"|\bload_from_disk\(|\bImageFolder\(|\bload_dataset\(\s*[\"'](?:csv|json|parquet|text)"
    # a dataset class of its own over image files: `__getitem__` opens one
    r"|\bdef[ \t]++__getitem__\((?:[^\n]*+\n){1,12}?[^\n]*?\b(?:Image\.open|cv2\.imread)\("
)


def dvc_script_pipeline(repo: RepoView) -> tuple[bool, bool]:
    """Return (builds, with_metrics) for a pipeline that a script of the repo builds.

    A shell script or Makefile that runs `dvc run` (DVC before 1.0) or `dvc stage add`
    creates the DVC pipeline on the machine where it runs (a walkthrough, a setup
    script) instead of committing dvc.yaml; `with_metrics` when a stage declares metrics
    (`-M`, `--metrics`, `--metrics-no-cache`) or the script reads them (`dvc metrics`).
    """

    def compute() -> tuple[bool, bool]:
        builds = metrics = False
        for path in repo.files:
            if not (path.endswith(".sh") or path.rsplit("/", 1)[-1] in ("Makefile", "makefile")):
                continue
            text = repo.text(path) or ""
            if "dvc" not in text:
                continue
            for match in _DVC_STAGE_COMMAND.finditer(text):
                builds = True
                end = text.find("\n", match.end())
                line = text[match.end() : end if end != -1 else len(text)]
                metrics = metrics or _DVC_METRICS_OPTION.search(line) is not None
            metrics = metrics or (builds and "dvc metrics " in text)
        return builds, metrics

    return memo(repo, "dvc_script_pipeline", compute)


_DVC_STAGE_COMMAND = re.compile(r"^[ \t]*+dvc[ \t]++(?:run|stage[ \t]++add)\b", re.MULTILINE)
_DVC_METRICS_OPTION = re.compile(r"[ \t](?:-M|-m|--metrics(?:-no-cache)?)[ \t=]")


def mostly_other_language(repo: RepoView) -> bool:
    """Return True when MATLAB, R or Julia files outnumber Python files two to one.

    A method written in that language with Python plots and templates around it.
    """
    python = sum(p.endswith(".py") for p in repo.files)
    science = sum(p.endswith(_OTHER_SCIENCE_SOURCES) for p in repo.files)
    return science >= 2 * max(python, 1)


def native_project(repo: RepoView) -> bool:
    """Return True for a C, C++, Java, Go, Rust or C# project with Python helper scripts.

    Three times as many sources of that language as Python files, beside its build file
    at the root (`CMakeLists.txt`, `pom.xml`, `go.mod`, a `.csproj`, ...): the Python
    scripts are helpers that use the system's packages. JavaScript is not counted: a web
    front end beside a Python service is common. The build files may sit one or two
    folders down (a Maven multi-module repository: `order-service/pom.xml`).
    """
    built = any(
        p.count("/") <= 2
        and (p.rsplit("/", 1)[-1] in _NATIVE_BUILD_FILES or p.endswith((".csproj", ".sln")))
        for p in repo.files
    )
    if not built:
        return False
    python = sum(p.endswith(".py") for p in repo.files)
    native = sum(p.endswith(_NATIVE_SOURCES) for p in repo.files)
    return native >= 3 * max(python, 1)


_OTHER_SCIENCE_SOURCES = (".m", ".R", ".r", ".jl")
_NATIVE_SOURCES = (
    ".c", ".cc", ".cpp", ".cxx", ".h", ".hpp", ".java", ".kt", ".scala", ".go", ".rs", ".cs",
)  # fmt: skip
_NATIVE_BUILD_FILES = (
    "CMakeLists.txt", "pom.xml", "build.gradle", "build.gradle.kts", "settings.gradle",
    "go.mod", "Cargo.toml", "meson.build", "configure.ac", "build.sbt",
)  # fmt: skip


def bundled_datasets_only(repo: RepoView) -> bool:
    """Return True when training reads only datasets a library fetches (CIFAR-10, iris)."""
    return bool(search_sources(repo, _BUNDLED_DATASET)) and not search_sources(repo, _LOCAL_DATA)


def synthetic_data_only(repo: RepoView) -> bool:
    """Return True when the code generates the data it trains on.

    A module that generates it (`synthetic_events.py`, `services/data_generator.py`,
    `mock_data/gen_customers.py`), a function named so (`make_synthetic_dataset(...)`), a
    scikit-learn generator (`make_classification(...)`) or a statsmodels ARMA sampler
    (`ArmaProcess(ar, ma)`): the code, seeded, is the data's version. The code reads no
    dataset file, or the generator module draws random records and writes the files the
    code reads (`rng = np.random.default_rng(seed)` ... `df.to_csv(...)`), reading none.
    """
    modules = [p for p in runtime_code(repo) if _GENERATOR_MODULE.search(p)]
    if any(_writes_random_data(repo.text(p) or "") for p in modules):
        return True  # the files the code reads are the generator's output
    generated = bool(modules) or bool(search_sources(repo, _GENERATOR_CALL))
    return generated and not search_sources(repo, _LOCAL_DATA)


def downloads_public_data(repo: RepoView) -> bool:
    """Return True when a script of the repository downloads its datasets from their source.

    A Kaggle dataset or competition by handle (`kaggle datasets download -d owner/name`,
    `kagglehub.dataset_download(...)`, Kaggle's `api.dataset_download_files(...)`), a
    Hugging Face dataset repository (`snapshot_download(..., repo_type="dataset")`,
    `load_dataset("org/name")` in a shell script), or a download script
    (`download_data.py`, `scripts/fetch_datasets.sh`) that fetches files by URL: whoever
    runs it gets the published release, versioned where it is published. Scripts set
    aside (`legacy/`, `old/`, `archive/`) do not count.
    """

    def compute() -> bool:
        if any(not _SET_ASIDE.search(p) for p, _, _ in search_sources(repo, _PUBLIC_DOWNLOAD)):
            return True
        for path in repo.files:
            if _SET_ASIDE.search(path):
                continue
            name = path.rsplit("/", 1)[-1]
            script = name.endswith((".sh", ".py")) and _DOWNLOAD_SCRIPT.match(name) is not None
            if script or name.endswith(".sh") or name in ("Makefile", "makefile"):
                text = repo.text(path) or ""
                if _PUBLIC_DOWNLOAD.search(text) or (script and _FETCHES_URL.search(text)):
                    return True
        return False

    return memo(repo, "facts.downloads_public_data", compute)


# `kaggle competitions download -c x`, `kagglehub.dataset_download("o/n")`, a Hub dataset.
_PUBLIC_DOWNLOAD = re.compile(
    r"\bkaggle[ \t]++(?:competitions|datasets)[ \t]++download\b"
    r"|\b(?:kaggle\.)?api\.(?:competition|dataset)_download_files?\("
    r"|\bkagglehub\.(?:dataset|competition)_download\("
    r"|\b(?:snapshot_download|hf_hub_download)\([^)]{0,300}?repo_type\s*=\s*[\"']dataset[\"']"
    r"|\bload_dataset\(\s*+[\"'][\w.-]++/[\w.-]++[\"']"
)
# Code kept for the record, not run: `scripts/legacy/`, `old/`, `archive/`, `deprecated/`.
_SET_ASIDE = re.compile(r"(?:^|/)(?:legacy|old|archived?|deprecated|attic|unused)/")
# A script named for fetching data: `download_data.py`, `fetch_datasets.sh`, `get_data.sh`.
_DOWNLOAD_SCRIPT = re.compile(r"^(?:\d+_)?(?:download|fetch|get)_?[\w-]*\.(?:py|sh)$")
# A published file fetched: `urlretrieve(...)`, `gdown`, or the URL of an archive or a
# table (`https://.../ml-25m.zip`); not web pages scraped into a corpus of its own.
_FETCHES_URL = re.compile(
    r"\burlretrieve\(|\bgdown\b|https?://[^\s'\"<>]++"
    r"(?:(?<=\.zip)|(?<=\.tgz)|(?<=\.tar)|(?<=\.csv)|(?<=\.bz2)|(?<=\.txt)|(?<=\.npz)"
    r"|(?<=\.json)|(?<=\.gz)|(?<=\.xz)|(?<=\.7z)|(?<=\.h5)|(?<=\.parquet))"
)


_GENERATOR_MODULE = re.compile(
    r"(?:^|/)(?:\d++_)?(?:synthetic[\w-]*|[\w-]*data_generator|generate_[\w-]*data[\w-]*"
    r"|(?:mock|fake|synthetic)[-_]?data/[\w-]+)\.py$"
)


def _writes_random_data(text: str) -> bool:
    """Return True for a module that draws random records and writes them, reading none."""
    return bool(_WRITES_DATA.search(text) and _DRAWS.search(text) and not _LOCAL_DATA.search(text))


# Draws random values: NumPy's generators, `random`, Faker, PyTorch, SDV-style samplers.
_DRAWS = re.compile(
    r"\bdefault_rng\(|\bnp\.random\.|\bnumpy\.random\.|\brandom\.(?:seed|random|randint|choice"
    r"|gauss|uniform)\(|\bFaker\(|\btorch\.rand|\.sample\(num_rows"
)
# Writes a dataset file: `df.to_csv(...)`, `np.save(...)`, `to_parquet(...)`.
_WRITES_DATA = re.compile(r"\.to_(?:csv|parquet|json|feather)\(|\bnp\.save[zt]?\(")
_GENERATOR_CALL = re.compile(
    r"\bmake_(?:classification|regression|blobs|moons|circles)\("
    r"|\b(?:make|generate|create)_synthetic\w*+\("
    # statsmodels' ARMA process sampler: simulated time series
    r"|\bArmaProcess\(|\barma_generate_sample\("
)


# Build backends that put every file of a package folder into the wheel.
_WHOLE_PACKAGE_BACKENDS = re.compile(r"^(?:poetry\.core|poetry\.masonry|hatchling|flit_core|pdm\.)")
_PACKAGE_DATA = re.compile(r"\bpackage[_-]data\b")
_INCLUDE_PACKAGE_DATA = re.compile(r"\binclude[_-]package[_-]data\s*=\s*(?:True|true|1)\b")


def _manifest_in_covers(repo: RepoView, path: str) -> bool:
    """Return True when MANIFEST.in's include, recursive-include or graft lines name `path`."""
    for line in (repo.text("MANIFEST.in") or "").splitlines():
        words = line.split()
        if len(words) < 2:
            continue
        command, args = words[0], [a.strip("/") for a in words[1:]]
        name = path.rsplit("/", 1)[-1]
        if command == "graft" and any(path.startswith(f"{a}/") for a in args):
            return True
        if command == "include" and any(fnmatch.fnmatchcase(path, a) for a in args):
            return True
        if (
            command == "recursive-include"
            and path.startswith(f"{args[0]}/")
            and any(fnmatch.fnmatchcase(name, pattern) for pattern in args[1:])
        ):
            return True
    return False


def _built_package(repo: RepoView, name: str) -> bool:
    """Return True for the package a library's build puts in its wheel.

    The package named like the distribution, or one the manifest names as a string
    (`packages=["name"]`, `include = "name"`); a helper package beside it (build scripts)
    is not.
    """
    if detect.distribution_name(repo) == name.lower():
        return True
    texts = [repo.text(p) or "" for p in MANIFEST_NAMES if p in repo.file_set]
    return any(f'"{name}"' in text or f"'{name}'" in text for text in texts)


MANIFEST_NAMES = ("setup.py", "setup.cfg", "pyproject.toml")


def shipped_package_data(repo: RepoView, path: str) -> bool:
    """Return True for a file inside a library's package folder that its build ships as data.

    That is a library (profile kind "library") whose package folder holds the file, that
    package is the one its build ships (see `_built_package`), and the build includes the
    file: a backend that ships a package folder whole (Poetry, Hatchling, Flit, PDM),
    setuptools `package_data` (setup.py, setup.cfg or `[tool.setuptools.package-data]`),
    or `include_package_data` (explicit, or the pyproject default) with MANIFEST.in
    naming the file.
    """
    profile = detect.profile_of(repo)
    if profile.kind != "library":
        return False
    package = next((p for p in profile.packages if path.startswith(f"{p}/")), None)
    if package is None or not _built_package(repo, package.rsplit("/", 1)[-1]):
        return False
    build = repo.pyproject.get("build-system")
    backend = build.get("build-backend") if isinstance(build, dict) else None
    if isinstance(backend, str) and _WHOLE_PACKAGE_BACKENDS.match(backend):
        return True
    setuptools = repo.pyproject.get("tool", {}).get("setuptools")
    setup = "".join(repo.text(p) or "" for p in ("setup.py", "setup.cfg") if p in repo.file_set)
    if _PACKAGE_DATA.search(setup):
        return True
    if isinstance(setuptools, dict) and "package-data" in setuptools:
        return True
    includes = _INCLUDE_PACKAGE_DATA.search(setup) is not None or (
        backend == "setuptools.build_meta" and "project" in repo.pyproject
    )
    return includes and "MANIFEST.in" in repo.file_set and _manifest_in_covers(repo, path)


def configured_linters(repo: RepoView) -> tuple[str, ...]:
    """Linters, formatters and type checkers the repository configures, declares or runs.

    A tool's settings (`[tool.ruff]` in a pyproject.toml, `.flake8`, a `[mypy]` section
    of setup.cfg or tox.ini, `.pylintrc`, a web front end's `eslint.config.mjs`), a
    declaration (`black` in a dev group or a requirements file), a recipe or CI step
    that runs it (`lint: flake8 .` in a Makefile) or a pre-commit hook (`- id: black`),
    in the root or one or two folders down: what a git hook or a CI step would run.
    """

    def compute() -> tuple[str, ...]:
        found: set[str] = set()
        copies = detect.vendored_copies(repo)  # another project's settings, not this one's
        for path in repo.files:
            if path.count("/") > 2 or detect.template_source(path):
                continue
            if copies and path.startswith(copies):
                continue
            name = path.rsplit("/", 1)[-1]
            if name in _LINTER_FILES:
                found.add(_LINTER_FILES[name])
            elif name == "pyproject.toml":
                data = repo.pyproject if path == "pyproject.toml" else repo.data(path, "toml")
                tool = data.get("tool") if isinstance(data, dict) else None
                if isinstance(tool, dict):
                    found.update(LINTERS.intersection(tool))
            elif name in ("setup.cfg", "tox.ini"):
                text = repo.text(path) or ""
                found.update(m.group(1) for m in _LINTER_SECTION.finditer(text))
            elif name in _RECIPE_FILES:
                text = repo.text(path) or ""
                found.update(m.group(1) for m in _LINTER_COMMAND.finditer(text))
            elif name.startswith((".eslintrc", "eslint.config.")):
                found.add("eslint")
        for path in detect.profile_of(repo).ci_files:  # a CI step that runs one
            found.update(m.group(1) for m in _LINTER_COMMAND.finditer(repo.text(path) or ""))
        found.update(LINTERS.intersection(declared_names(repo)[1]))
        # a pre-commit hook that runs one (`- id: black`, `- id: ruff-format`)
        hooks = {str(hook.get("id", "")).split("-", 1)[0] for hook in pre_commit_hooks(repo)}
        found.update(LINTERS.intersection(hooks))
        return tuple(sorted(found))

    return memo(repo, "facts.configured_linters", compute)


# Linters, formatters and type checkers of Python code, by distribution name.
LINTERS = frozenset(
    {"ruff", "black", "flake8", "pylint", "mypy", "isort", "pyright", "basedpyright", "yapf",
     "autopep8", "pycodestyle", "pydocstyle", "pyflakes", "blue", "pytype", "docformatter"}
)  # fmt: skip
_LINTER_FILES = {
    ".flake8": "flake8", "ruff.toml": "ruff", ".ruff.toml": "ruff", ".pylintrc": "pylint",
    "pylintrc": "pylint", "mypy.ini": "mypy", ".mypy.ini": "mypy", ".isort.cfg": "isort",
    "pyrightconfig.json": "pyright", ".style.yapf": "yapf", ".pydocstyle": "pydocstyle",
}  # fmt: skip
# `[flake8]`, `[mypy]`, `[mypy-numpy.*]`, `[tool:isort]`, `[pylint.MESSAGES CONTROL]`
_LINTER_SECTION = re.compile(
    r"^\[(?:tool:)?(flake8|mypy|isort|pycodestyle|pydocstyle|pylint|yapf)\b", re.MULTILINE
)
_RECIPE_FILES = frozenset({"Makefile", "makefile", "justfile", "noxfile.py", "tasks.py"})
# A recipe line that runs one: `\tflake8 src`, `poetry run ruff check .`, `session.run("black"`
_LINTER_COMMAND = re.compile(
    r"(?<![\w.-])(ruff|black|flake8|pylint|mypy|isort|pyright|yapf|autopep8)(?=[\s\"'])"
)


def locked_versions(repo: RepoView) -> dict[str, str]:
    """Distribution -> the version the root's lock file (uv, Poetry, PDM) resolved."""

    def compute() -> dict[str, str]:
        text = _root_lock_text(repo)
        return {canonical(m.group(1)): m.group(2) for m in _LOCKED.finditer(text)}

    return memo(repo, "facts.locked_versions", compute)


# `[[package]]` / `name = "mlflow"` / `version = "3.8.1"`: how all three locks open one.
_LOCKED = re.compile(
    r'^\[\[package\]\]\r?\nname[ \t]*=[ \t]*"([^"\n]+)"\r?\nversion[ \t]*=[ \t]*"([^"\n]+)"',
    re.MULTILINE,
)


# A Markdown link's relative target: a document (`docs/setup.md`) or a folder
# (`deployment`, meaning its README); the documents a link may lead to.
_MARKDOWN_LINK = re.compile(r"\]\(\s*<?([^)\s#>]+)")
_LINKED_SUFFIXES = (".md", ".rst", ".txt")


def linked_documents(repo: RepoView, readme: str) -> list[str]:
    """Return the repository's documents the README links to (Markdown links).

    A link to a folder (`[Deployment](deployment)`) is a link to that folder's README.
    """
    folder = readme.rpartition("/")[0]
    found = []
    for target in _MARKDOWN_LINK.findall(document_text(repo, readme)):
        if "://" in target:
            continue
        path = posixpath.normpath(posixpath.join(folder, target))
        if path.lower().endswith(_LINKED_SUFFIXES) and path in repo.file_set:
            if path != readme:
                found.append(path)
        elif path in repo.folders:  # `[Deployment](deployment)`: the folder's own README
            inside = folder_readme(repo, path)
            found += [inside] if inside else []
    return found

# A rule's docstring starts with its title, a statement of the standard (not imperative).
# ruff: noqa: D401
"""Configuration (Hydra): conf/ parses, composes, and holds no machine paths or secrets."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from typing import Any

from mlops_kit.audit import facts, secrets
from mlops_kit.audit.model import Finding
from mlops_kit.audit.parsing import line_of
from mlops_kit.audit.profile import hydra_calls_of, profile_of
from mlops_kit.audit.repo import RepoView
from mlops_kit.audit.rule import rule

CONFIG = facts.CONFIG_YAML


@rule("CFG101", family="config", severity="error", applies=("hydra",))
def conf_files_parse(repo: RepoView) -> Iterator[Finding]:
    """Every YAML file of the Hydra config folder parses.

    Why: Hydra composes the whole config at start-up; one broken file (a tab, a duplicate
    key, a stray `!!python` tag) fails every stage or, worse, silently keeps the last of
    two duplicate keys.
    The `!!python/object/apply:pathlib.Path` tags OmegaConf itself writes and reads are
    not stray. A file that does not parse because it is a Jinja template (`- {{ci.default_branch}}`,
    `{% if %}`: the code renders it, Hydra never reads it) is not reported.
    Fix: correct the YAML at the reported line; keep each key once.
    """
    for path in facts.conf_files(repo):
        parsed = repo.yaml(path)
        if parsed is None:
            continue
        if not parsed.ok and _JINJA.search(repo.text(path) or "") is not None:
            continue  # a Jinja template of a YAML file, rendered by the code
        if not parsed.ok:
            yield Finding(f"{path}: {parsed.error}", path, parsed.line)
        for note, line in parsed.notes:
            yield Finding(f"{path}: {note}", path, line)


# Jinja's expression and statement delimiters (Hydra interpolates with `${...}`).
_JINJA = re.compile(r"\{\{[^{}\n]*\}\}|\{%[^\n]*%\}")


def _primary(repo: RepoView) -> str:
    return facts.primary_config(repo) or CONFIG


def _config_store(repo: RepoView) -> bool:
    """True when the code registers structured configs in Hydra's ConfigStore."""
    return facts.memo(
        repo,
        "config.store",
        lambda: any("ConfigStore" in (repo.text(p) or "") for p in facts.runtime_code(repo)),
    )


def _defaults(repo: RepoView) -> Any:
    data = repo.data(_primary(repo))
    return data.get("defaults") if isinstance(data, dict) else None


@rule("CFG102", family="config", severity="error", requires=("CFG101",), applies=("hydra",))
def defaults_list_present(repo: RepoView) -> Iterator[Finding]:
    """The primary Hydra config exists; on mlops-kit projects it starts from a defaults list.

    Why: Hydra fails at start-up when the `config_name` the code asks for is not in the
    config folder; the defaults list is what makes config groups (model, data, each stage)
    switchable from the command line and through `dvc exp run --set-param`.
    Fix: create the primary config (`conf/config.yaml`, or the `config_name` your
    `@hydra.main` names), starting with:

        defaults:
          - _self_
          - data: wine
          - model: random_forest
    """
    profile = profile_of(repo)
    primary = _primary(repo)
    if not repo.is_file(primary):
        if (profile.hydra_config_name is not None or profile.kit) and not _config_store(repo):
            where = (profile.hydra_source or "").rsplit(":", 1)
            yield Finding(
                f"{primary} is missing (the primary config the code composes)",
                where[0] if where[0] else facts.ROOT,
                int(where[1]) if len(where) == 2 and where[1].isdigit() else None,
            )
        return
    data = repo.data(primary)
    if not isinstance(data, dict):
        yield Finding(f"{primary} is not a mapping", primary)
    elif profile.kit and not isinstance(data.get("defaults"), list):
        yield Finding(f"{primary} has no `defaults:` list", primary, line_of(data))


def _entry(item: Any) -> list[tuple[str, str, bool]]:
    """A defaults-list entry as (group, option, optional) pairs; group '' for a file."""
    if isinstance(item, str):
        return [] if item == "_self_" else [("", item, False)]
    if not isinstance(item, dict) or len(item) != 1:
        return []
    key, value = next(iter(item.items()))
    if not isinstance(key, str):
        return []
    words = key.split()
    optional = "optional" in words[:-1]
    group = words[-1].split("@", 1)[0] if words else ""
    if group.startswith("hydra/") or group == "hydra" or "override" in words[:-1]:
        return []
    options = value if isinstance(value, list) else [value]
    return [(group, o, optional) for o in options if isinstance(o, str)]


@rule("CFG103", family="config", severity="error", requires=("CFG102",), applies=("hydra",))
def defaults_resolve(repo: RepoView) -> Iterator[Finding]:
    """Every defaults-list entry resolves to a config file.

    Why: Hydra fails at start-up with "Could not find 'model/xgb'" when an entry names a
    file that does not exist; catching it here is faster than a failed pipeline run.
    Group files are read too: an experiment's `override /data: isbi` with no
    `data/isbi.yaml` fails the day someone runs `experiment=...`.
    Fix: create `conf/<group>/<option>.yaml`, or correct the entry's spelling.
    """
    if _config_store(repo):
        return  # groups may be registered in Python (ConfigStore), not only as files
    defaults = _defaults(repo)
    folder = facts.config_dir(repo) or "conf"
    primary = _primary(repo)
    for index, item in enumerate(defaults if isinstance(defaults, list) else []):
        for group, option, optional in _entry(item):
            if option in ("???", "null") or facts.templated(option) or optional:
                continue
            base = posixpath.normpath(posixpath.join(folder, group.lstrip("/"), option))
            if base.endswith((".yaml", ".yml")):
                base = base.rsplit(".", 1)[0]
            if not any(repo.is_file(base + suffix) for suffix in (".yaml", ".yml")):
                what = f"{group}: {option}" if group else option
                yield Finding(
                    f"defaults entry `{what}` has no file {base}.yaml",
                    primary,
                    line_of(defaults, index),
                )
    yield from _group_overrides_resolve(repo, folder, primary)


def _group_overrides_resolve(repo: RepoView, folder: str, primary: str) -> Iterator[Finding]:
    """Absolute entries in the defaults lists of group files (`override /data: isbi`).

    An experiment config (`experiment/isbi.yaml`) that overrides a group with an option
    that has no file fails when the experiment is chosen, not at every start-up. Not
    judged when a search path adds config sources (`hydra.searchpath`).
    """
    files = [p for p in facts.conf_files(repo) if p != primary and p.startswith(f"{folder}/")]
    if any("searchpath" in (repo.text(p) or "") for p in [primary, *files]):
        return
    for path in files:
        data = repo.data(path)
        defaults = data.get("defaults") if isinstance(data, dict) else None
        for index, item in enumerate(defaults if isinstance(defaults, list) else []):
            for group, option in _absolute_entry(item):
                if option in ("???", "null") or facts.templated(option):
                    continue
                base = posixpath.normpath(posixpath.join(folder, group.lstrip("/"), option))
                if base.endswith((".yaml", ".yml")):
                    base = base.rsplit(".", 1)[0]
                if not any(repo.is_file(base + suffix) for suffix in (".yaml", ".yml")):
                    yield Finding(
                        f"defaults entry `{group}: {option}` has no file {base}.yaml",
                        path,
                        line_of(defaults, index),
                    )


def _absolute_entry(item: Any) -> list[tuple[str, str]]:
    """(group, option) of a defaults entry naming an absolute group (`override /data: x`)."""
    if not isinstance(item, dict) or len(item) != 1:
        return []
    key, value = next(iter(item.items()))
    words = key.split() if isinstance(key, str) else []
    if not words or "optional" in words[:-1]:
        return []
    group = words[-1].split("@", 1)[0]
    if not group.startswith("/") or group.lstrip("/").split("/", 1)[0] == "hydra":
        return []
    options = value if isinstance(value, list) else [value]
    return [(group, o) for o in options if isinstance(o, str)]


# "/path/to/your/data" is an instruction to the reader, not a machine's path.
# `/path/to/data`, `/path`, `<DATA_DIR>`, `/your_data`, `/replace/with/your/path`, `/change/me`.
_PLACEHOLDER_PATH = re.compile(
    r"/path/to\b|^/path/?$|<[^>]+>|\byour[_/-]|/xxx\b|/(?:replace|change)(?:[_/-]|$)",
    re.IGNORECASE,
)
# Scratch folders every Unix machine has (`/tmp/mds-cache/cifar10`: a streaming cache), and
# the operating system's shared files (`/usr/share/dict/words`, a word list).
# ... and a tool's own folder in the user's home (`~/.verl/rollout_dump`, `~/.cache/hf`):
# the same for every user of the tool, created by it.
_SCRATCH_PATH = re.compile(r"^/(?:tmp|var/tmp|dev/shm|usr/share)(?:/|$)|^~/\.[\w-]")
# A Databricks workspace location: a Unity Catalog volume, a workspace folder (MLflow on
# Databricks names experiments by absolute workspace path), DBFS: the same on every cluster.
_WORKSPACE_PATH = re.compile(r"^/(?:Volumes|Workspace|Shared|Repos|dbfs)/")
# A libp2p multiaddr (`/ip4/0.0.0.0/tcp/0`, a Hivemind peer's address): no file path.
_MULTIADDR = re.compile(r"^/(?:ip4|ip6|dns|dns4|dns6|dnsaddr)/[^/\s]+/(?:tcp|udp)/")
_ABSOLUTE = re.compile(r"^(?:/(?!/)[^\s]|~[/\\]|[A-Za-z]:[\\/]|file:///|sqlite:////)")


def _config_files(repo: RepoView) -> list[str]:
    files = facts.conf_files(repo)
    if repo.is_file(facts.PARAMS_YAML):
        files.append(facts.PARAMS_YAML)
    return files


# Config groups that choose the machine a run happens on.
_MACHINE_GROUP = re.compile(
    r"(?:^|/)(?:env|envs|environment|environments|machine|machines|platform|platforms"
    r"|cluster|clusters|host|hosts|site|sites)$"
)


def _absolute_config_dirs(repo: RepoView) -> Iterator[Finding]:
    """Hydra calls whose literal config_path/config_dir is an absolute path."""
    for path in facts.runtime_code(repo):
        text = repo.text(path) or ""
        if "hydra" not in text or ("config_path" not in text and "config_dir" not in text):
            continue
        for name, arguments, line in hydra_calls_of(repo, path, text) or ():
            raw = arguments.get("config_path") or arguments.get("config_dir")
            if raw and _ABSOLUTE.match(raw) and not _PLACEHOLDER_PATH.search(raw):
                yield Finding(
                    f"{name}() loads its config from an absolute path {raw!r}", path, line
                )


@rule("CFG104", family="config", severity="warning", requires=("CFG101",), applies=("hydra-code",))
def no_absolute_paths(repo: RepoView) -> Iterator[Finding]:
    """Config holds no absolute local paths.

    Why: `/home/alice/data/train.csv` works on one laptop only; relative paths (from the
    project root) work for everyone, in CI and inside containers. The same holds for the
    config folder itself: `@hydra.main(config_path="/media/alice/conf")` runs nowhere else.
    A config group that selects the machine (`env/kaggle.yaml` and `env/local.yaml`,
    `machine/`, `cluster/`: two or more options) exists to hold such locations and is not
    reported; nor is a scratch folder every Unix machine has (`/tmp/cache`, `/dev/shm`), a
    tool's folder in the user's home (`~/.cache/...`, `~/.verl/...`) or a file the system
    shares (`/usr/share/dict/words`),
    nor a defaults-list entry (`- /paths/cluster`: a config group named from the config
    root, not a file), nor a network address written as a multiaddr
    (`/ip4/0.0.0.0/tcp/0`), nor a Databricks workspace location
    (`/Volumes/catalog/schema/vol`, `/Shared/experiments/x`, `/dbfs/...`): the same on
    every cluster of the workspace.
    Fix: use a path relative to the project root (`data/raw/train.csv`), or read a
    machine-specific location from the environment: `${oc.env:DATA_DIR}`; give Hydra a
    config_path relative to the script (`config_path="../conf"`).
    """
    yield from _absolute_config_dirs(repo)
    if profile_of(repo).hydra_config_dir is None:
        return
    files = _config_files(repo)
    groups: dict[str, int] = {}
    for path in files:
        groups[posixpath.dirname(path)] = groups.get(posixpath.dirname(path), 0) + 1
    for path in files:
        group = posixpath.dirname(path)
        if _MACHINE_GROUP.search(group) and groups[group] > 1:
            continue  # one file per machine: absolute locations are what it selects
        data = repo.data(path)
        for keys, value, parent in facts.walk_values(data):
            if keys and keys[0] == "defaults":
                continue  # `- /paths/abc`: a config group counted from the config root
            if (
                isinstance(value, str)
                and _ABSOLUTE.match(value)
                and not _PLACEHOLDER_PATH.search(value)
                and not _SCRATCH_PATH.match(value)
                and not _WORKSPACE_PATH.match(value)
                and not _MULTIADDR.match(value)
            ):
                yield Finding(
                    f"{'.'.join(map(str, keys))} is an absolute path",
                    path,
                    line_of(parent, keys[-1]),
                )


@rule("CFG105", family="config", severity="error")
def no_credentials_in_config(repo: RepoView) -> Iterator[Finding]:
    """Config holds no credentials.

    Why: conf/ and params.yaml are committed, logged to MLflow with every run and copied
    into experiment branches; a password there is published many times over.
    Fix: read secrets from the environment at run time, e.g.
    `password: ${oc.env:DB_PASSWORD}`, and keep the values in a git-ignored `.env`.
    """
    for path in _config_files(repo):
        text = repo.text(path)
        for hit in secrets.find_secrets(text or "", assignments=True):
            yield Finding(f"{hit.kind} in config: {hit.preview}", path, hit.line)


@rule("CFG106", family="config", severity="warning", applies=("hydra", "dvc-pipeline"))
def dvc_hydra_integration(repo: RepoView) -> Iterator[Finding]:
    """DVC's Hydra integration keeps params.yaml composed from conf/.

    Why: DVC tracks parameters in params.yaml while people edit conf/; with
    `hydra.enabled` DVC recomposes params.yaml on `dvc exp run`, otherwise the two drift
    and experiments record parameters that were not used.
    Outside mlops-kit projects it applies only where DVC tracks parameters (a params.yaml
    or a stage's `params:`); stages that list the config files as deps and pass Hydra
    overrides in `cmd` have nothing to drift.
    Fix: `dvc config hydra.enabled True` (writes `[hydra] enabled = true` to .dvc/config).
    """
    if not repo.is_file(facts.DVC_YAML):
        return
    tracked_params = repo.is_file(facts.PARAMS_YAML) or any(
        stage.params for stage in facts.stages(repo) or []
    )
    if not tracked_params and not profile_of(repo).kit:
        return
    text = repo.text(".dvc/config")
    if text is None:
        yield Finding(".dvc/config is missing (run `dvc init`)", ".dvc/config")
        return
    # `[ \t]`, not `\s`: `\s*` after `^` spans blank lines and is rescanned from each one.
    section = re.search(
        r"(?ms)^[ \t]*+\[[ \t]*+['\"]?hydra['\"]?[ \t]*+\](.*?)(?=^[ \t]*+\[|\Z)", text
    )
    enabled = section and re.search(
        r"(?mi)^[ \t]*+enabled[ \t]*+=[ \t]*+(true|1|yes)[ \t]*+$", section.group(1)
    )
    if not enabled:
        yield Finding("Hydra integration is off: [hydra] enabled = true is missing", ".dvc/config")


def _params_keys(defaults: Any, config: dict[str, Any]) -> list[tuple[str, int | None]]:
    keys = []
    for index, item in enumerate(defaults if isinstance(defaults, list) else []):
        if not isinstance(item, dict) or len(item) != 1:
            continue
        key = next(iter(item))
        if not isinstance(key, str):
            continue
        words = key.split()
        if "override" in words[:-1] or "optional" in words[:-1] or not words:
            continue
        group, _, package = words[-1].partition("@")
        target = (package or group).lstrip("/")
        if target and target != "_global_" and not target.startswith("hydra"):
            keys.append((target.split("/", 1)[0], line_of(defaults, index)))
    keys += [(k, line_of(config, k)) for k in config if k not in ("defaults", "hydra")]
    return keys


@rule("CFG107", family="config", severity="warning", requires=("CFG102",), applies=("kit",))
def params_match_conf(repo: RepoView) -> Iterator[Finding]:
    """params.yaml holds every top-level section that conf/ composes.

    Why: DVC reads params.yaml, Hydra reads conf/; a group that is in the defaults list
    but not in params.yaml means params.yaml is stale, so DVC neither tracks nor shows the
    parameters actually used.
    Fix: regenerate params.yaml from conf/ (e.g. `python -m <module>.config`, or run
    `dvc exp run` with the Hydra integration on).
    """
    if not repo.is_file(facts.DVC_YAML):
        return
    config = repo.data(CONFIG)
    params = repo.data(facts.PARAMS_YAML)
    if not isinstance(config, dict):
        return
    if not isinstance(params, dict):
        yield Finding("params.yaml is missing or not a mapping", facts.PARAMS_YAML)
        return
    for key, line in _params_keys(config.get("defaults"), config):
        if key not in params:
            yield Finding(f"params.yaml has no `{key}` section composed from conf/", CONFIG, line)

"""The parse cache: warm audits skip the parsers, yet every result matches a cold audit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from audit.support import audit, git, replace
from mlops_kit.audit.cache import ParseCache, decode_parsed, encode_parsed, prune
from mlops_kit.audit.parsing import load_toml, load_yaml

# Runs one audit in a fresh interpreter; prints the JSON report, then whether YAML was parsed.
AUDIT = """
import io, sys
from contextlib import redirect_stdout
sys.argv = ["mlops-kit", "audit", sys.argv[1], "--format", "json", "--fail-on", "never"]
from mlops_kit.app import app
out = io.StringIO()
with redirect_stdout(out):
    try:
        app()
    except SystemExit:
        pass
print(out.getvalue())
print("parsed-yaml" if "yaml" in sys.modules else "cached-yaml")
"""


def run_audit(project: Path) -> tuple[list[object], str]:
    done = subprocess.run(
        [sys.executable, "-c", AUDIT, str(project)],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    report, _, mode = done.stdout.rstrip().rpartition("\n")
    return json.loads(report)["findings"], mode


def cache_files(folder: Path) -> list[Path]:
    return sorted((folder / "mlops-kit" / "audit").glob("*.json"))


def test_warm_audit_skips_parsers_and_matches_cold(
    project: Path, private_parse_cache: Path
) -> None:
    cold, mode = run_audit(project)
    assert mode == "parsed-yaml"
    warm, mode = run_audit(project)
    assert mode == "cached-yaml"
    assert warm == cold
    [file] = cache_files(private_parse_cache)
    assert file.stat().st_mode & 0o077 == 0
    assert git(project, "status", "--porcelain", "--ignored") == ""  # nothing in the repo


def test_same_size_same_mtime_edit_is_seen(project: Path) -> None:
    config = project / "conf" / "config.yaml"
    before = config.stat()
    assert "CFG103" not in {i.rule for i in audit(project).issues}  # fills the cache
    replace(config, "- data: wine", "- data: vine")  # same length; conf/data/vine.yaml is missing
    os.utime(config, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert config.stat().st_size == before.st_size
    assert config.stat().st_mtime_ns == before.st_mtime_ns
    assert "CFG103" in {i.rule for i in audit(project).issues}


def poison(file: Path, path: str) -> None:
    """Give the cached entry of `path` a clean parse result that does not match its text."""
    data = json.loads(file.read_text(encoding="ascii"))
    entry = data["entries"][f"yaml:{path}"]
    entry[1] = encode_parsed(load_yaml("stages: {}\n"))
    file.write_text(json.dumps(data), encoding="ascii")


def test_cache_file_others_can_write_is_not_read(project: Path, private_parse_cache: Path) -> None:
    replace(project / "dvc.yaml", "stages:", "stages:\n  bad stage: {}")
    audit(project)
    [file] = cache_files(private_parse_cache)
    poison(file, "dvc.yaml")
    file.chmod(0o666)
    assert "DVC102" in {i.rule for i in audit(project).issues}


def test_symlinked_cache_file_is_not_read(
    project: Path, private_parse_cache: Path, tmp_path: Path
) -> None:
    replace(project / "dvc.yaml", "stages:", "stages:\n  bad stage: {}")
    audit(project)
    [file] = cache_files(private_parse_cache)
    elsewhere = tmp_path / "elsewhere.json"
    file.rename(elsewhere)
    poison(elsewhere, "dvc.yaml")
    file.symlink_to(elsewhere)
    assert "DVC102" in {i.rule for i in audit(project).issues}


def test_corrupt_cache_falls_back_and_is_rewritten(
    project: Path, private_parse_cache: Path
) -> None:
    first = audit(project).issues
    [file] = cache_files(private_parse_cache)
    file.write_text('{"root": "x", "entries": [', encoding="ascii")
    assert audit(project).issues == first
    assert json.loads(file.read_text(encoding="ascii"))["entries"]


def test_unusable_cache_folder_does_not_matter(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert audit(project).issues == audit(project, use_cache=False).issues


def test_prune_keeps_the_newest(tmp_path: Path) -> None:
    for index in range(5):
        file = tmp_path / f"repo{index}.json"
        file.write_text("{}", encoding="ascii")
        os.utime(file, ns=(index * 10**9, index * 10**9))
    prune(tmp_path, 2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["repo3.json", "repo4.json"]


def test_round_trip_keeps_values_and_lines() -> None:
    text = (
        "base: &base {a: 1, b: [x, 2.5, null, true]}\n"
        "merged:\n  <<: *base\n  c: '3'\n"
        "list:\n  - one\n  - {k: v}\n"
        "10: int key\n"
    )
    parsed = load_yaml(text)
    again = decode_parsed(json.loads(json.dumps(encode_parsed(parsed))))
    assert again.data == parsed.data
    assert again.data.key_lines == parsed.data.key_lines
    assert again.data["merged"].key_lines == parsed.data["merged"].key_lines
    assert again.data["list"].item_lines == parsed.data["list"].item_lines
    assert type(again.data["list"][1]) is type(parsed.data["list"][1])


def test_values_json_cannot_hold_are_not_cached(tmp_path: Path) -> None:
    cache = ParseCache(tmp_path, tmp_path / "cache")
    text = "when = 1979-05-27T07:32:00Z\n"
    cache.put("toml", "pyproject.toml", text, load_toml(text))
    cache.save(frozenset({"pyproject.toml"}))
    assert cache.get("toml", "pyproject.toml", text) is None
    assert not (tmp_path / "cache").exists()


@pytest.mark.parametrize(("variable", "value"), [("CI", "true"), ("MLOPS_KIT_NO_CACHE", "1")])
def test_no_cache_on_ci_or_when_switched_off(
    project: Path,
    private_parse_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
    value: str,
) -> None:
    monkeypatch.setenv(variable, value)
    audit(project)
    assert not private_parse_cache.exists()
    monkeypatch.delenv(variable)
    audit(project)
    assert len(cache_files(private_parse_cache)) == 1


def test_files_holding_secrets_are_not_copied(project: Path, private_parse_cache: Path) -> None:
    token = "ghp_" + "Zx9Yw8Vu7T" * 4
    replace(project / "conf" / "config.yaml", "defaults:", f"api: {token}\ndefaults:")
    replace(project / "params.yaml", "\n", "\ndb_password: hunter2hunter2\n")
    audit(project)
    [file] = cache_files(private_parse_cache)
    entries = json.loads(file.read_text(encoding="ascii"))["entries"]
    assert "yaml:conf/config.yaml" not in entries and "yaml:params.yaml" not in entries
    assert "yaml:dvc.yaml" in entries
    assert token not in file.read_text(encoding="ascii")
    assert "hunter2hunter2" not in file.read_text(encoding="ascii")


def test_allowlisted_secrets_are_not_copied_either(
    project: Path, private_parse_cache: Path
) -> None:
    # An allowlist comment silences the finding; the value still stays out of the cache.
    token = "ghp_" + "Qa1Ws2Ed3R" * 4
    replace(
        project / "conf" / "config.yaml",
        "defaults:",
        f"api: {token}  # pragma: allowlist secret\ndefaults:",
    )
    report = audit(project)
    assert not [i for i in report.issues if i.path == "conf/config.yaml" and "ghp_" in i.message]
    [file] = cache_files(private_parse_cache)
    assert token not in file.read_text(encoding="ascii")

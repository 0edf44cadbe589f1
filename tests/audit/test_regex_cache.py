"""The compiled-pattern cache: stored patterns behave exactly as freshly compiled ones."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from mlops_kit.audit import regex_cache

# Patterns with what can differ when code is stored: named groups, flags (inline and
# given), look-arounds, back-references, possessive parts, Unicode classes, bytes.
PATTERNS: list[tuple[str | bytes, int]] = [
    (r"(?P<scheme>[a-z][a-z0-9+.-]*+)://(?P<user>[^:@\s]+):(?P<password>[^@\s]+)@", 0),
    (r"(?i)\b(password|secret)\s*[:=]\s*(['\"]?)(\S+)\2", 0),
    (r"^\s*-\s+(?!#)(\w+)$", re.MULTILINE),
    (r"[^\W\d_]+(?<=é)", re.IGNORECASE),
    (rb"(GLIBC_([0-9.]+))", 0),
    (r"caf\xe9|\u0436\w*", re.ASCII),
]
SAMPLES = [
    "postgresql://alice:s3cret@db:5432/x",
    "PASSWORD = 'hunter2'",
    "  - item\n- #comment\n- other",
    "Café élan",
    "жук café",
]


@pytest.fixture
def cache_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private cache file and a clean `re` cache (restored afterwards)."""
    path = tmp_path / "patterns.re"
    monkeypatch.setattr(regex_cache, "cache_path", lambda: path)
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    saved = dict(re._cache)  # type: ignore[attr-defined]
    loaded, stored = set(regex_cache._loaded), list(regex_cache._stored)
    literals, literals_stored = dict(regex_cache.literals), set(regex_cache._literals_stored)
    _forget()
    yield path
    _forget()
    re._cache.update(saved)  # type: ignore[attr-defined]
    regex_cache._loaded.update(loaded)
    regex_cache._stored[:] = stored
    regex_cache.literals.update(literals)
    regex_cache._literals_stored.update(literals_stored)


def _forget() -> None:
    """Start as a new process would: nothing compiled, nothing loaded."""
    re.purge()
    regex_cache._loaded.clear()
    regex_cache._stored.clear()
    regex_cache.literals.clear()
    regex_cache._literals_stored.clear()


def _compile_all() -> list[re.Pattern[str] | re.Pattern[bytes]]:
    return [re.compile(pattern, flags) for pattern, flags in PATTERNS]


def _behaviour(compiled: re.Pattern[str] | re.Pattern[bytes]) -> list[object]:
    seen: list[object] = [compiled.pattern, compiled.flags, compiled.groups]
    seen.append(dict(compiled.groupindex))
    for sample in SAMPLES:
        text: str | bytes = sample.encode() if isinstance(compiled.pattern, bytes) else sample
        for match in compiled.finditer(text):  # type: ignore[arg-type]
            seen.append((match.span(), match.groups(), match.groupdict()))
    return seen


def test_stored_patterns_are_returned_by_re_and_match_alike(cache_file: Path) -> None:
    fresh = [_behaviour(compiled) for compiled in _compile_all()]
    assert regex_cache.save()
    assert not regex_cache.save()  # nothing new compiled since: not written again

    _forget()
    assert regex_cache.load() >= len(PATTERNS)
    for (pattern, flags), expected in zip(PATTERNS, fresh, strict=True):
        key = (type(pattern), pattern, flags)
        stored = re._cache[key]  # type: ignore[attr-defined]
        assert re.compile(pattern, flags) is stored  # re returns the stored pattern
        assert _behaviour(stored) == expected


def test_a_new_pattern_rewrites_the_file_with_all_of_them(cache_file: Path) -> None:
    _compile_all()
    assert regex_cache.save()
    re.compile(r"late[0-9]+pattern")
    assert regex_cache.save()
    _forget()
    assert regex_cache.load() == len(PATTERNS) + 1


def test_once_full_the_file_stays_as_it_is(
    cache_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(regex_cache, "MAX_PATTERNS", len(PATTERNS))
    _compile_all()
    assert regex_cache.save()
    _forget()
    assert regex_cache.load() == len(PATTERNS)
    re.compile(r"name-of-some-stage")  # a pattern built from one repository's names
    assert not regex_cache.save()
    _forget()
    assert regex_cache.load() == len(PATTERNS)


def test_a_file_of_another_version_of_the_kit_starts_afresh(
    cache_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(regex_cache, "MAX_PATTERNS", len(PATTERNS))
    _compile_all()
    assert regex_cache.save()  # full
    stamp = regex_cache._kit_stamp()
    changed = ((stamp[0][0], stamp[0][1] + 1, stamp[0][2]), *stamp[1:])  # a module edited
    monkeypatch.setattr(regex_cache, "_kit_stamp", lambda: changed)
    _forget()
    assert regex_cache.load() == 0  # not this version's patterns
    new_rule = re.compile(r"a-new-rule's[ \t]+pattern")
    assert regex_cache.save()
    _forget()
    assert regex_cache.load() == 1
    assert re.compile(new_rule.pattern) is re._cache[(str, new_rule.pattern, 0)]  # type: ignore[attr-defined]


def test_the_literals_needles_found_are_kept_and_answer_the_next_run(
    cache_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlops_kit.audit import needles

    samples = [r"\bset_experiment\s*\(|experiment_name\s*=", r"(?:sk|rk)_live_[0-9a-z]{24}"]
    patterns = [re.compile(pattern) for pattern in samples]
    worked_out = [
        (needles._parsed_literals(p, needles._required),
         needles._parsed_literals(p, needles._starts),
         needles._parsed_first_characters(p))
        for p in patterns
    ]  # fmt: skip
    assert all(any(answer is not None for answer in answers) for answers in worked_out)
    for pattern in patterns:
        needles._literals.__wrapped__(pattern, needles._required)
        needles._literals.__wrapped__(pattern, needles._starts)
        needles.first_characters.__wrapped__(pattern)
    assert regex_cache.save()
    assert not regex_cache.save()  # nothing new since: not written again

    _forget()
    assert regex_cache.load() >= len(patterns)

    def parse_again(*_: object) -> None:
        raise AssertionError("worked out again instead of read from the file")

    monkeypatch.setattr(needles, "_parsed_literals", parse_again)
    monkeypatch.setattr(needles, "_parsed_first_characters", parse_again)
    for pattern, expected in zip(patterns, worked_out, strict=True):
        assert (
            needles._literals.__wrapped__(pattern, needles._required),
            needles._literals.__wrapped__(pattern, needles._starts),
            needles.first_characters.__wrapped__(pattern),
        ) == expected


def test_the_patterns_the_audit_compiles_at_import_leave_room_in_the_file() -> None:
    """The file holds every module-level pattern, with room for those a run compiles.

    Should this fail after adding rules: raise `MAX_PATTERNS`, or compile the new rule's
    patterns lazily.
    """
    probe = (
        "import importlib, pkgutil, re; re.purge(); "
        "import mlops_kit.commands.audit, mlops_kit.audit.engine as engine; "
        "import mlops_kit.audit.rules as rules, mlops_kit.audit.formats as formats; "
        "[importlib.import_module(f'{p.__name__}.{m.name}') "
        "for p in (rules, formats) for m in pkgutil.iter_modules(p.__path__)]; "
        "print(len(re._cache))"
    )
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}  # compile all: no stored file
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
    )
    assert int(done.stdout) + 48 <= regex_cache.MAX_PATTERNS


@pytest.mark.parametrize(
    "damage",
    [
        "truncated",
        "garbage",
        "other python",
        "bad code",
        "bad literals",
        "group writable",
        "symlink",
    ],
)
def test_a_damaged_or_foreign_file_is_ignored(cache_file: Path, damage: str) -> None:
    import marshal

    _compile_all()
    assert regex_cache.save()
    data = cache_file.read_bytes()
    header, entries, known = marshal.loads(data)
    if damage == "truncated":
        cache_file.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        cache_file.write_bytes(b"\x00not marshal at all")
    elif damage == "other python":
        cache_file.write_bytes(marshal.dumps(((*header[:1], "2.7.18"), entries, known)))
    elif damage == "bad code":
        first = list(entries[0])
        first[3] = [999, 1, 2]
        cache_file.write_bytes(marshal.dumps((header, [tuple(first), *entries[1:]], known)))
    elif damage == "bad literals":
        cache_file.write_bytes(marshal.dumps((header, entries, {("_starts", "a", 0): [1]})))
    elif damage == "group writable":
        cache_file.chmod(0o664)
    else:
        target = cache_file.with_name("elsewhere.re")
        cache_file.rename(target)
        cache_file.symlink_to(target)
    _forget()
    assert regex_cache.load() == 0
    assert re._cache == {}  # type: ignore[attr-defined]
    assert [_behaviour(c) for c in _compile_all()]  # re compiles as usual


def test_not_written_without_bytecode_but_read(
    cache_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _compile_all()
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    assert not regex_cache.save()
    assert not cache_file.exists()
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    assert regex_cache.save()
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    _forget()
    assert regex_cache.load() == len(PATTERNS)  # like bytecode: an existing file is used


def test_an_audit_writes_it_beside_the_bytecode_and_reads_it_next_time(
    tmp_path: Path,
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "README.md").write_text("# demo\n", encoding="utf-8")
    prefix = tmp_path / "pycache"
    env = {**os.environ, "PYTHONPYCACHEPREFIX": str(prefix), "XDG_CACHE_HOME": str(tmp_path)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("MLOPS_KIT_NO_CACHE", None)
    probe = (
        "import sys; from mlops_kit.audit import regex_cache as r; "
        "print(r.cache_path()); print(r.load())"
    )
    reports = []
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-m", "mlops_kit", "audit", str(project), "--fail-on", "never"],
            capture_output=True, text=True, env=env, timeout=120, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        reports.append(done.stdout)
    assert reports[0] == reports[1]
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
    )
    where, count = done.stdout.split()
    assert Path(where).is_relative_to(prefix) and Path(where).is_file()
    assert int(count) > 50

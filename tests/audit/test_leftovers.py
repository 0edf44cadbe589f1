"""Temporary files that killed cache writes left behind are removed by later writes."""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

import pytest
from mlops_kit.audit import regex_cache
from mlops_kit.audit.cache import ParseCache
from mlops_kit.audit.leftovers import ORPHAN_AGE, remove_orphans
from mlops_kit.audit.parsing import Parsed


def _aged(path: Path, seconds: float) -> Path:
    path.write_bytes(b"half a write")
    then = time.time() - seconds
    os.utime(path, (then, then))
    return path


def test_only_old_temporaries_of_the_target_are_removed(tmp_path: Path) -> None:
    orphan = _aged(tmp_path / "a.re.4242.tmp", ORPHAN_AGE + 60)
    in_progress = _aged(tmp_path / "a.re.4243.tmp", 1)
    other = _aged(tmp_path / "b.re.4242.tmp", ORPHAN_AGE + 60)
    kept = _aged(tmp_path / "a.re", ORPHAN_AGE + 60)
    (tmp_path / "a.re.9.tmp").mkdir()  # not a file
    assert remove_orphans(tmp_path, "a.re.") == 1
    assert not orphan.exists()
    assert in_progress.exists() and other.exists() and kept.exists()
    assert remove_orphans(tmp_path / "missing", "a.re.") == 0


def test_a_pattern_file_write_clears_a_killed_writers_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "regex_cache.cpython-311.re"
    monkeypatch.setattr(regex_cache, "cache_path", lambda: path)
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    monkeypatch.setattr(regex_cache, "_loaded", set())
    monkeypatch.setattr(regex_cache, "_stored", [])
    orphan = _aged(tmp_path / f"{path.name}.4242.tmp", ORPHAN_AGE + 60)
    re.compile(r"leftover-(?P<n>\d+)-probe")
    assert regex_cache.save()
    assert path.exists() and not orphan.exists()


def test_a_parse_cache_write_clears_a_killed_writers_temporary(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    cache = ParseCache(tmp_path / "project", folder)
    assert cache.file is not None
    orphan = _aged(folder / f".{cache.file.name}.4242.0a1b2c3d.tmp", ORPHAN_AGE + 60)
    cache.put("yaml", "dvc.yaml", "stages: {}\n", Parsed(data={"stages": {}}))
    cache.save(frozenset({"dvc.yaml"}))
    assert cache.file.exists() and not orphan.exists()

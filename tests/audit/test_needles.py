"""Literal needles of a pattern: a text without any of them never matches it."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from audit.regex_inventory import every_pattern
from mlops_kit.audit.needles import (
    finditer,
    first_characters,
    may_match,
    needles,
    search,
    starts,
)

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"set_tracking_uri\s*\(", ("set_tracking_uri",)),
        (r"set_experiment\s*\(|experiment_name\s*=", ("experiment_name", "set_experiment")),
        (r"\bload_(?:iris|wine)\(|\bfetch_\w+\(", ("fetch_", "load_")),
        (r"x(?:abc)+y", ("abc",)),  # a part repeated at least once is in every match
        (r"abc(?:defg)?", ("abc",)),  # an optional part is not
        (r"abc(?:defg)*", ("abc",)),
        (r"(?>atomic)[0-9]", ("atomic",)),
        (r"[a-z]+_(?:ab|cd)", None),  # two-character needles: not worth a search
        (r"(?:long_word|x)\d", None),  # one branch has no needle: nothing is required
        (r"(?i)password", None),  # case-insensitive: a literal test would miss `PASSWORD`
        (r"(?i:pass)word", ("word",)),
        (r"a.b", None),
        (r"(?=lookahead)\w+", None),
    ],
)
def test_needles_of_shapes(pattern: str, expected: tuple[str, ...] | None) -> None:
    assert needles(re.compile(pattern)) == expected


def test_first_characters() -> None:
    assert first_characters(re.compile(r"\bAKIA\w|gh[po]_|[sr]k_live")) == frozenset("Agsr")
    assert first_characters(re.compile(r"\w+=")) is None


def test_flags_given_to_compile_count() -> None:
    assert needles(re.compile("password", re.IGNORECASE)) is None
    assert needles(re.compile("^password", re.MULTILINE)) == ("password",)


def _texts() -> list[str]:
    """Real text that the kit's patterns match: the kit's code, docs and template, by line."""
    texts: list[str] = []
    for folder in ("cli", "docs", "{{cookiecutter.project_slug}}", "tests/audit"):
        for path in sorted((REPO / folder).rglob("*")):
            if path.suffix in {".py", ".md", ".yaml", ".yml", ".toml", ".cfg", ".txt", ".ipynb"}:
                text = path.read_text(encoding="utf-8", errors="replace")
                texts.append(text)
                texts.extend(text.splitlines())
    return texts


def test_no_pattern_of_the_kit_matches_text_its_needles_rule_out() -> None:
    texts = _texts()
    rng = random.Random(9)
    checked = 0
    for found in every_pattern():
        pattern = found.pattern
        if not isinstance(pattern.pattern, str) or needles(pattern) is None:
            continue
        for text in texts:
            if pattern.search(text) is not None:
                checked += 1
                assert may_match(pattern, text), (found.where, pattern.pattern, text[:200])
        # Texts holding a needle but cut around it must still be judged possible.
        for needle in needles(pattern) or ():
            cut = rng.choice(["", "x ", "(", "\n"]) + needle + rng.choice(["", " y", ")"])
            assert may_match(pattern, cut)
    assert checked > 1000  # the kit's own text exercises its patterns


def test_a_text_without_needles_is_ruled_out() -> None:
    pattern = re.compile(r"\b(?:mnist|cifar10)\.load_data\(|\btfds\.load\(")
    assert needles(pattern) == (".load_data(", "tfds.load(")
    assert not may_match(pattern, "import numpy as np\nx = np.load('a.npy')\n")
    assert may_match(pattern, "ds = tfds.load('mnist')")


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"os\.environ\[|%env\s", ("%env", "os.environ[")),
        (r"\bexport[ \t]+\w+=", ("export",)),  # a `\b` first: the match starts at `export`
        (r"(?<![\w.])load_(?:iris|wine)\(", ("load_iris", "load_wine")),
        (r"(?:set_\w+|get_\w+)\(", ("get_", "set_")),
        (r"\b[sr]k_live_\w+", ("rk_live_", "sk_live_")),  # a class of a few characters
        (r"x[bc]yz|[^a]bc", None),  # a negated class
        (r"\w+_uri", None),  # no literal start
        (r"(?:abc)?def", None),  # an optional start
        (r"(?i)export", None),
        (r"ab\w", None),  # a start shorter than three characters
    ],
)
def test_starts_of_shapes(pattern: str, expected: tuple[str, ...] | None) -> None:
    assert starts(re.compile(pattern)) == expected


def _spans(matches: Iterator[re.Match[str]]) -> list[tuple[tuple[int, int], tuple[object, ...]]]:
    return [(match.span(), match.groups()) for match in matches]


def test_finditer_gives_the_matches_of_the_plain_search() -> None:
    texts = [text for text in _texts() if "\n" in text]  # whole files
    compared = 0
    for found in every_pattern():
        pattern = found.pattern
        if not isinstance(pattern.pattern, str) or starts(pattern) is None:
            continue
        for text in texts:
            expected = _spans(pattern.finditer(text))
            assert _spans(finditer(pattern, text)) == expected, (found.where, pattern.pattern)
            compared += len(expected)
    assert compared > 100


def test_finditer_in_random_texts() -> None:
    rng = random.Random(5)
    patterns = [
        re.compile(r"\baba[a-c]*|abc\w+|(?<!x)bca\d?"),
        re.compile(r"aab(?:aab)*|abaa"),
        re.compile(r"(?:abc|abcd)e?"),
        re.compile(r"[ab]ca\w*|x[ab]c|\b[cd]ab"),
    ]
    for _ in range(2000):
        text = "".join(rng.choice("abcdx1 _\n") for _ in range(rng.randint(0, 30)))
        for pattern in patterns:
            assert starts(pattern) is not None
            assert _spans(finditer(pattern, text)) == _spans(pattern.finditer(text)), text


def test_search_gives_the_first_match() -> None:
    pattern = re.compile(r"\bruff\b|\bmypy\b|pre-commit run")
    for text in ("", "uv run mypy .\nruff check", "pre-commit runs", "ruffle mypy", "xruff"):
        expected = pattern.search(text)
        found = search(pattern, text)
        assert (found and found.span()) == (expected and expected.span())

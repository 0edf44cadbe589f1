"""The secret scan's literal pre-check finds every token the full patterns find.

The scan tries the token patterns only near literal markers (`_token_matches`); these
tests hold it to the plain definition: the matches of `any_token().finditer` on the text.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from audit.test_secrets import SAMPLES
from mlops_kit.audit.secrets import (
    MARKER_OFFSET,
    TOKEN_KINDS,
    URI_WITH_PASSWORD,
    _token_matches,
    _uri_password_matches,
    any_token,
)


def plain(text: str) -> list[tuple[tuple[int, int], str | None]]:
    return [(m.span(), m.lastgroup) for m in any_token().finditer(text)]


def scanned(text: str) -> list[tuple[tuple[int, int], str | None]]:
    return [(m.span(), m.lastgroup) for m in _token_matches(text)]


@pytest.mark.parametrize(("kind", "markers", "pattern"), TOKEN_KINDS, ids=lambda v: str(v)[:12])
def test_every_token_holds_a_marker_near_its_start(
    kind: str, markers: tuple[str, ...], pattern: str
) -> None:
    sample = SAMPLES[kind]
    assert min(sample.find(m) % (len(sample) + 1) for m in markers) <= MARKER_OFFSET


@pytest.mark.parametrize(
    "text",
    [
        # Markers that overlap the one before them (the literal search steps over them).
        "ACCAccountKey=" + "Zm9vYmFy" * 6,
        "x ASIAKIA" + "IOSFODNN7EXAMPL3 AKIA" + "IOSFODNN7EXAMPL3",
        # A token that is not at a word start is no token; the next one is.
        "xsk-" + "Q1w2E3r4" * 5 + " sk-" + "Q1w2E3r4" * 5,
        # A long line of ordinary words with marker letters (`task-`), a token at its end.
        "task-list disk-usage " * 5_000 + "ghp_" + "a1B2c3D4e5" * 4,
        # Tokens back to back, and one running into the next line.
        "hf_" + "AbCdEfGhIj" * 3 + "hf_" + "AbCdEfGhIj" * 3 + "\nglpat-" + "x1y2z3" * 4,
        "github_pat_" + "A1b2" * 6 + "-----BEGIN RSA " + "PRIVATE KEY-----",
        # Markers searched as strings, overlapping themselves.
        "xoxoxb-" + "1234567890" * 2 + " xoxb-" + "1234567890" * 2,
        "------BEGIN " + "PRIVATE KEY----- dapidapi" + "0123456789abcdef" * 2,
    ],
    ids=[
        "overlap-azure",
        "overlap-aws",
        "word-start",
        "long-line",
        "back-to-back",
        "pat",
        "overlap-slack",
        "overlap-pem",
    ],
)
def test_the_pre_check_finds_what_the_full_patterns_find(text: str) -> None:
    assert scanned(text) == plain(text)
    assert plain(text), "each case holds at least one token"


def test_random_texts_made_of_markers_and_token_characters() -> None:
    pieces = [*SAMPLES.values(), *(m for _, ms, _ in TOKEN_KINDS for m in ms)]
    pieces += ["gh", "sk", "s", "r", "g", "A", " ", "\n", "-", "_", "=", "0"]
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef0123456789_-"
    rng = random.Random(9)
    found = 0
    for _ in range(3000):
        text = "".join(
            rng.choice(pieces) if rng.random() < 0.4 else rng.choice(alphabet) * rng.randint(1, 9)
            for _ in range(rng.randint(1, 25))
        )
        assert scanned(text) == plain(text), text
        found += bool(plain(text))
    assert found > 300  # the texts do hold tokens, at all kinds of offsets


def uris_plain(text: str) -> list[tuple[tuple[int, int], tuple[str | Any, ...]]]:
    return [(m.span(), m.groups()) for m in URI_WITH_PASSWORD.finditer(text)]


def uris_scanned(text: str) -> list[tuple[tuple[int, int], tuple[str | Any, ...]]]:
    return [(m.span(), m.groups()) for m in _uri_password_matches(text)]


def test_uri_passwords_found_near_their_tails_are_the_plain_matches() -> None:
    scheme = "s" + "x" * 63  # the longest scheme the pattern takes
    for text in [
        f"{scheme}://u:p@h and x{scheme}://u:p@h",
        "a postgresql://u:s3cr3t@db/x, mysql+pymysql://root:pw@h:3306/d http://x.org/a@b",
        "ftp://a:b@c://d:e@f redis://:pw@host",
        "see https://user:pa:ss@host and postgres://u:p@h\npostgres://u:p@h",
    ]:
        assert uris_scanned(text) == uris_plain(text), text
    pieces = ["postgresql://u:pw@h", "xdb://a:b@", "db://", "://", "u:", ":", "pw@", "@", "/"]
    pieces += [" ", "\n", "x" * 30, "+", ".", "é"]
    rng = random.Random(17)
    found = 0
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        assert uris_scanned(text) == uris_plain(text), text
        found += bool(uris_plain(text))
    assert found > 5000

r"""Literal text every match of a pattern contains: a quick test before a slow search.

A pattern with no literal start (`set_experiment\s*\(|experiment_name\s*=`, a `\b`
before an alternation) is tried by `re` at every position of the text, at a few hundred
megabytes a second at best. Most files hold none of the pattern's words; `str`'s
substring search rules them out many times faster. `needles(pattern)` reads the pattern
(`re`'s own parser) and returns strings such that every match contains at least one of
them, or None when it cannot tell (case-insensitive parts, no literal of three characters
or more): then the pattern must be searched everywhere, as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any, TypeVar, cast

from mlops_kit.audit import regex_cache

Answer = TypeVar("Answer")
MIN_LENGTH = 3  # shorter needles rule out too little to pay for the extra search


@cache
def needles(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Return strings one of which every match of `pattern` contains, or None."""
    return _literals(pattern, _required)


def _better(best: frozenset[str] | None, other: frozenset[str] | None) -> frozenset[str] | None:
    """Keep the requirement whose shortest string is longest (it rules out more text)."""
    if other is None or not other or any(not text for text in other):
        return best
    if best is None or min(map(len, other)) > min(map(len, best)):
        return other
    return best


def _required(items: Any, ops: Any) -> frozenset[str] | None:
    """Return strings one of which every match of the sequence `items` contains, or None."""
    best: frozenset[str] | None = None
    run: list[str] = []
    for op, value in items:
        if op is ops.LITERAL:
            run.append(chr(value))
            continue
        if run:
            best = _better(best, frozenset({"".join(run)}))
            run = []
        if op is ops.SUBPATTERN:
            _, add_flags, _, sub = value
            if not add_flags & re.IGNORECASE:
                best = _better(best, _required(sub.data, ops))
        elif op is ops.ATOMIC_GROUP:
            best = _better(best, _required(value.data, ops))
        elif op in (ops.MAX_REPEAT, ops.MIN_REPEAT, ops.POSSESSIVE_REPEAT):
            low, _, sub = value
            if low >= 1:
                best = _better(best, _required(sub.data, ops))
        elif op is ops.BRANCH:
            union: set[str] = set()
            for branch in value[1]:
                each = _required(branch.data, ops)
                if each is None:
                    union.clear()
                    break
                union |= each
            if union:
                best = _better(best, frozenset(union))
        # Anything else (classes, any character, anchors, look-arounds, back-references)
        # matches text that is not known here: it only ends the literal run.
    if run:
        best = _better(best, frozenset({"".join(run)}))
    return best


def may_match(pattern: re.Pattern[str], text: str) -> bool:
    """Return False only when `pattern` cannot match anywhere in `text`."""
    found = needles(pattern)
    return found is None or any(needle in text for needle in found)


def _remembered(
    question: str, pattern: re.Pattern[str], work_out: Callable[[re.Pattern[str]], Answer]
) -> Answer:
    """Return `work_out(pattern)`, or its answer an earlier run stored (see regex_cache)."""
    key = (question, pattern.pattern, pattern.flags)
    if key in regex_cache.literals:
        return cast(Answer, regex_cache.literals[key])
    answer = regex_cache.literals[key] = work_out(pattern)
    return answer


@cache
def _literals(pattern: re.Pattern[str], walk: Any) -> tuple[str, ...] | None:
    """Run `walk` over the parsed case-sensitive `pattern`; its literals, or None."""
    return _remembered(walk.__name__, pattern, lambda p: _parsed_literals(p, walk))


def _parsed_literals(pattern: re.Pattern[str], walk: Any) -> tuple[str, ...] | None:
    if not isinstance(pattern.pattern, str) or pattern.flags & re.IGNORECASE:
        return None
    try:
        from re import _constants, _parser  # type: ignore[attr-defined]

        parsed = _parser.parse(pattern.pattern, pattern.flags)
        if parsed.state.flags & re.IGNORECASE:
            return None
        found = walk(parsed.data, _constants)
    except Exception:  # an interpreter whose `re` parser differs: search everywhere
        return None
    if not found or min(map(len, found)) < MIN_LENGTH:
        return None
    return tuple(sorted(found))


def starts(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    r"""Return strings one of which every match of `pattern` starts with, or None.

    Zero-width tests at the start (`\b`, `^`, look-arounds) are passed over: the match
    still begins where the literal does. None for case-insensitive patterns, patterns
    whose matches need not start with a literal, or starts shorter than MIN_LENGTH.
    """
    return _literals(pattern, _starts)


@cache
def first_characters(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Return the characters every match of `pattern` starts with, or None when unknown."""
    return _remembered("first_characters", pattern, _parsed_first_characters)


def _parsed_first_characters(pattern: re.Pattern[str]) -> frozenset[str] | None:
    if not isinstance(pattern.pattern, str) or pattern.flags & re.IGNORECASE:
        return None
    try:
        from re import _constants, _parser  # type: ignore[attr-defined]

        parsed = _parser.parse(pattern.pattern, pattern.flags)
        if parsed.state.flags & re.IGNORECASE:
            return None
        found = _starts(parsed.data, _constants)
    except Exception:  # an interpreter whose `re` parser differs: try everywhere
        return None
    return frozenset(start[0] for start in found) if found else None


def _starts(items: Any, ops: Any) -> frozenset[str] | None:
    zero_width = (ops.AT, ops.ASSERT, ops.ASSERT_NOT)
    run: list[str] = []
    for index, (op, value) in enumerate(items):
        if op is ops.LITERAL:
            run.append(chr(value))
            continue
        if run:
            # `re` moves a prefix its branches share out of them (`ab|ac` is `a(?:b|c)`):
            # what follows the literal continues it when it starts with literals too.
            follows = (ops.BRANCH, ops.SUBPATTERN, ops.IN)
            rest = _starts(items[index:], ops) if op in follows else None
            head = "".join(run)
            return frozenset(head + tail for tail in rest) if rest else frozenset({head})
        if op in zero_width:
            continue
        if op is ops.IN:  # a class of a few single characters (`[sr]k_live_`)
            if not value or len(value) > 8 or any(kind is not ops.LITERAL for kind, _ in value):
                return None
            rest = _starts(items[index + 1 :], ops)
            return frozenset(chr(code) + tail for _, code in value for tail in rest or {""})
        if op is ops.SUBPATTERN:
            _, add_flags, _, sub = value
            return None if add_flags & re.IGNORECASE else _starts(sub.data, ops)
        if op is ops.ATOMIC_GROUP:
            return _starts(value.data, ops)
        if op in (ops.MAX_REPEAT, ops.MIN_REPEAT, ops.POSSESSIVE_REPEAT):
            low, _, sub = value
            return _starts(sub.data, ops) if low >= 1 else None
        if op is ops.BRANCH:
            union: set[str] = set()
            for branch in value[1]:
                each = _starts(branch.data, ops)
                if not each:
                    return None
                union |= each
            return frozenset(union)
        return None
    return frozenset({"".join(run)}) if run else None


def finditer(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    r"""Yield the matches `pattern.finditer(text)` gives, tried only where one can start.

    When every match starts with one of a few literals (`starts`), the pattern is tried
    only at their occurrences (found by `str.find`), in order and never inside a previous
    match: the same matches, without trying the pattern at every character. `match` at
    a position still sees the text before it (for `\b` and look-behinds).
    """
    found = starts(pattern)
    if found is None:
        yield from pattern.finditer(text)
        return
    positions: set[int] = set()
    for literal in found:
        at = text.find(literal)
        while at != -1:
            positions.add(at)
            at = text.find(literal, at + 1)
    resume = 0
    for position in sorted(positions):
        if position < resume:
            continue
        match = pattern.match(text, position)
        if match is not None:
            yield match
            resume = match.end()


def search(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """Return the match `pattern.search(text)` gives (the first), tried as `finditer` does."""
    return next(finditer(pattern, text), None)

"""Output formats, one module each, all with `render(report, rules, color=False) -> str`.

Every string that comes from the audited repository (paths, messages) is escaped for the
format it lands in; secrets were already redacted by the engine.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping
from functools import cache

from mlops_kit.audit.model import Report
from mlops_kit.audit.rule import Rule

FORMATS = ("text", "json", "sarif", "github", "markdown", "junit")

Renderer = Callable[[Report, Mapping[str, Rule], bool], str]

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


@cache
def _unprintable() -> re.Pattern[str]:
    return re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def printable(text: str) -> str:
    """Make control characters, ANSI escapes and undecodable bytes visible and inert."""
    if text.isprintable():  # none of the characters below (the usual case)
        return text
    return _unprintable().sub(
        lambda m: (
            _NAMED.get(m.group(0))
            or (
                f"\\x{ord(m.group(0)) - 0xDC00:02x}"
                if 0xDC80 <= ord(m.group(0)) <= 0xDCFF
                else f"\\u{ord(m.group(0)):04x}"
            )
        ),
        text,
    )


def renderer(name: str) -> Renderer:
    """Return the `render` function of a format module."""
    module = importlib.import_module(f"mlops_kit.audit.formats.{name}")
    render: Renderer = module.render
    return render

"""The page itself: sections, tables and images in one HTML file with nothing to fetch.

Styles are inline, images are `data:` URIs and the pipeline is inline SVG, so the file
opens from disk, in an e-mail attachment or behind a proxy exactly as it was written.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

from ..profile import STYLE as TABLE_STYLE

STYLE = (
    TABLE_STYLE
    + """
header{border-bottom:1px solid #d9dee3;margin-bottom:1rem}
nav a{margin-right:.9rem}section{margin:2.2rem 0}
h2{border-bottom:2px solid #1f6feb;padding-bottom:.2rem}
.missing{background:#fff8c5;border:1px solid #d4a72c;padding:.5rem .8rem;border-radius:6px}
.missing li{margin:.2rem 0}code{background:#f1f4f7;padding:0 .25rem;border-radius:3px}
.dag{max-width:100%;height:auto}.dag a:hover rect{stroke-width:2.5}
.figures{display:flex;flex-wrap:wrap;gap:1rem}figure{margin:0}
figcaption{font-size:12px;color:#57606a;max-width:460px}
.up{color:#1b7f3b}.down{color:#b42318}.muted{color:#57606a}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}
dl.facts dt{font-weight:600}dl.facts dd{margin:0}
details{margin:.4rem 0}summary{cursor:pointer}table.plain th{text-align:left}
"""
)


@dataclass
class Section:
    """One part of the page: its anchor, title, body, and what it could not show."""

    key: str
    title: str
    body: str = ""
    missing: list[str] = field(default_factory=list)


def code(text: Any) -> str:
    """Return `text` escaped inside <code>."""
    return f"<code>{escape(str(text))}</code>"


def missing_box(sentences: Iterable[str]) -> str:
    """Return a highlighted list of what is missing and how to get it."""
    items = "".join(f"<li>{_with_code(s)}</li>" for s in sentences)
    return f'<div class="missing"><b>Not shown yet</b><ul>{items}</ul></div>' if items else ""


def _with_code(sentence: str) -> str:
    """Escape a sentence and show its `backticked` parts as code."""
    pieces = escape(sentence).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(pieces))


def table(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], raw: frozenset[int] = frozenset()
) -> str:
    """Return an HTML table; cells are escaped except the column numbers in `raw`."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="name">{cell if i in raw else escape(_fmt(cell))}</td>'
            for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f'<table class="plain"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def image(png: bytes, alt: str, caption: str, key: str) -> str:
    """Return a figure with the PNG embedded as a data: URI."""
    data = base64.b64encode(png).decode("ascii")
    return (
        f'<figure id="{escape(key)}"><img src="data:image/png;base64,{data}" '
        f'alt="{escape(alt)}" width="460"><figcaption>{escape(caption)}</figcaption></figure>'
    )


def render_page(title: str, subtitle: str, facts: str, sections: Sequence[Section]) -> str:
    """Return the whole page: header, navigation, what is missing, then every section."""
    nav = "".join(f'<a href="#{s.key}">{escape(s.title)}</a>' for s in sections)
    missing = [sentence for s in sections for sentence in s.missing]
    body = "".join(
        f'<section id="{s.key}"><h2>{escape(s.title)}</h2>'
        f"{missing_box(s.missing)}{s.body}</section>"
        for s in sections
    )
    summary = (
        missing_box(missing)
        if missing
        else '<p class="ok">Every part of the pipeline has results to show.</p>'
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        f"<header><h1>{escape(title)}</h1><p>{escape(subtitle)}</p>{facts}"
        f"<nav>{nav}</nav></header>"
        f'<div id="summary">{summary}</div>{body}</body></html>\n'
    )

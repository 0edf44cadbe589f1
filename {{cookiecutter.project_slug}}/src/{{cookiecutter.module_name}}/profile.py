"""Per-column statistics of the data splits, and the validation report as a readable page.

The validate stage stores the statistics in its JSON report and writes the same report as
HTML next to it; the project report (`make report`) shows the same table. Train and test
sit side by side, so a shifted range or a new missing value is visible at a glance.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from html import escape
from typing import Any

import pandas as pd

DIGITS = 4
NUMBER_STATS = ("mean", "std", "min", "median", "max")
STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2933;
margin:2rem auto;max-width:1200px;padding:0 1rem}
table{border-collapse:collapse;margin:.5rem 0 1.5rem;font-size:13px}
th,td{border:1px solid #d9dee3;padding:.25rem .5rem;text-align:right}
th{background:#f1f4f7}td.name,th.name{text-align:left}
.ok{color:#1b7f3b}.bad{color:#b42318;font-weight:600}
tr.fail td{background:#fdecea}
"""


def _number(value: Any) -> float | None:
    """Return a finite float rounded for display, or None."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return round(number, DIGITS) if math.isfinite(number) else None


def column_stats(frame: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Return, per column: dtype, rows, missing values, distinct values and, for numbers,
    mean, standard deviation, minimum, median and maximum (for other types, the most
    frequent value)."""
    stats: dict[str, dict[str, Any]] = {}
    for name in frame.columns:
        values = frame[name]
        entry: dict[str, Any] = {
            "dtype": str(values.dtype),
            "count": int(values.notna().sum()),
            "missing": int(values.isna().sum()),
            "distinct": int(values.nunique(dropna=True)),
        }
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            present = values.dropna()
            for stat in NUMBER_STATS:
                entry[stat] = _number(getattr(present, stat)()) if len(present) else None
        else:
            top = values.dropna().astype(str).value_counts()
            entry["top"] = str(top.index[0]) if len(top) else None
        stats[str(name)] = entry
    return stats


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4g}"
    return escape(str(value))


def problems_by_column(report: Mapping[str, Any]) -> dict[tuple[str, str | None], list[str]]:
    """Return each split's problems keyed by (split, column); None for table-wide ones."""
    found: dict[tuple[str, str | None], list[str]] = {}
    for split, entry in (report.get("datasets") or {}).items():
        for problem in entry.get("problems") or []:
            key = (str(split), problem.get("column"))
            found.setdefault(key, []).append(str(problem.get("message", problem)))
    return found


def statistics_table(report: Mapping[str, Any]) -> str:
    """Return an HTML table of per-column statistics, every split side by side."""
    datasets = report.get("datasets") or {}
    splits = [name for name, entry in datasets.items() if entry.get("statistics")]
    if not splits:
        return "<p>No per-column statistics in this report.</p>"
    problems = problems_by_column(report)
    columns: list[str] = []
    for split in splits:
        columns += [c for c in datasets[split]["statistics"] if c not in columns]
    stats = ("dtype", "missing", "distinct", *NUMBER_STATS)
    head = "".join(
        f'<th colspan="{len(splits)}">{escape(stat)}</th>' for stat in (*stats, "checks")
    )
    sub = "".join(f"<th>{escape(s)}</th>" for s in splits) * (len(stats) + 1)
    rows = []
    for column in columns:
        cells = []
        for stat in stats:
            for split in splits:
                cells.append(
                    f"<td>{_cell(datasets[split]['statistics'].get(column, {}).get(stat))}</td>"
                )
        failed = False
        for split in splits:
            messages = problems.get((split, column), [])
            failed = failed or bool(messages)
            verdict = (
                f'<span class="bad" title="{escape("; ".join(messages))}">'
                f"{len(messages)} failed</span>"
                if messages
                else '<span class="ok">passed</span>'
            )
            cells.append(f"<td>{verdict}</td>")
        row_class = ' class="fail"' if failed else ""
        rows.append(f'<tr{row_class}><td class="name">{escape(column)}</td>{"".join(cells)}</tr>')
    return (
        f'<table class="stats"><thead><tr><th class="name" rowspan="2">column</th>{head}</tr>'
        f"<tr>{sub}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def problems_list(report: Mapping[str, Any]) -> str:
    """Return the failed checks as an HTML list, or a line saying every check passed."""
    items = [
        f"<li><b>{escape(str(split))}</b>: {escape(message)}</li>"
        for (split, _), messages in problems_by_column(report).items()
        for message in messages
    ]
    if not items:
        return '<p class="ok">Every check passed on every split.</p>'
    return f'<ul class="bad-list">{"".join(items)}</ul>'


def validation_page(report: Mapping[str, Any], title: str = "Data validation") -> str:
    """Return the validation report as a self-contained HTML page (no network needed)."""
    verdict = (
        '<p class="ok">Passed.</p>'
        if report.get("passed")
        else '<p class="bad">Failed: the data breaks the declared schema.</p>'
    )
    rows = ", ".join(
        escape(f"{name}: {entry.get('rows')} rows ({entry.get('path')})")
        for name, entry in (report.get("datasets") or {}).items()
    )
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}'
        f"</title><style>{STYLE}</style></head><body><h1>{escape(title)}</h1>{verdict}"
        f"<p>{rows}</p><h2>Failed checks</h2>{problems_list(report)}"
        f"<h2>Per-column statistics</h2>{statistics_table(report)}</body></html>\n"
    )

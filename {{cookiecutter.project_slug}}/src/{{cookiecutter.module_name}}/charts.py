"""Charts drawn offline with matplotlib: plot rows (as DVC plots store them) to PNG.

The evaluate stage logs these images to MLflow and the project report embeds them, so
neither needs the network (DVC's own plot page loads its renderer from a CDN). A chart
can carry an earlier version of the same rows (another commit) drawn dashed behind it.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

Rows = Sequence[Mapping[str, Any]]
SIZE = (4.6, 3.6)
DPI = 100
NOW_COLOR = "#1f6feb"
BEFORE_COLOR = "#8c959f"


def _figure() -> Figure:
    """A figure that is not registered with pyplot (no GUI backend, no global state)."""
    from matplotlib.figure import Figure

    return Figure(figsize=SIZE, dpi=DPI, layout="constrained")


def _numbers(rows: Rows, field: str) -> list[float]:
    values = []
    for row in rows:
        try:
            values.append(float(row[field]))
        except (KeyError, TypeError, ValueError):
            values.append(float("nan"))
    return values


def curve_figure(
    rows: Rows,
    x: str,
    y: str,
    title: str,
    before: Rows | None = None,
    labels: tuple[str, str] = ("now", "before"),
) -> Figure:
    """Return a line chart of `y` against `x`; `before`, if given, is drawn dashed."""
    figure = _figure()
    axes = figure.add_subplot()
    if before:
        axes.plot(
            _numbers(before, x),
            _numbers(before, y),
            color=BEFORE_COLOR,
            linestyle="--",
            label=labels[1],
        )
    axes.plot(_numbers(rows, x), _numbers(rows, y), color=NOW_COLOR, label=labels[0])
    axes.set_xlabel(x)
    axes.set_ylabel(y)
    axes.set_title(title, fontsize=10)
    axes.grid(alpha=0.3)
    if before:
        axes.legend(loc="best", fontsize=8)
    return figure


def confusion_figure(rows: Rows, x: str, y: str, title: str) -> Figure:
    """Return a confusion matrix: rows hold one (actual `y`, predicted `x`) pair each."""
    pairs = [(str(row.get(y)), str(row.get(x))) for row in rows]
    classes = sorted({c for pair in pairs for c in pair}, key=_class_order)
    index = {name: i for i, name in enumerate(classes)}
    counts = [[0] * len(classes) for _ in classes]
    for actual, predicted in pairs:
        counts[index[actual]][index[predicted]] += 1
    figure = _figure()
    axes = figure.add_subplot()
    image = axes.imshow(counts or [[0]], cmap="Blues")
    peak = max((max(line) for line in counts), default=0)
    for i, line in enumerate(counts):
        for j, count in enumerate(line):
            color = "white" if count > peak / 2 else "black"
            axes.text(j, i, str(count), ha="center", va="center", color=color)
    axes.set_xticks(range(len(classes)), classes)
    axes.set_yticks(range(len(classes)), classes)
    axes.set_xlabel(x)
    axes.set_ylabel(y)
    axes.set_title(title, fontsize=10)
    figure.colorbar(image, ax=axes, shrink=0.8)
    return figure


def bar_figure(values: Mapping[str, float], errors: Mapping[str, float], title: str) -> Figure:
    """Return a horizontal bar chart, largest value on top, with error bars."""
    names = sorted(values, key=lambda name: values[name])
    figure = _figure()
    figure.set_size_inches(SIZE[0] + 1.4, max(SIZE[1], 0.28 * len(names) + 1))
    axes = figure.add_subplot()
    axes.barh(
        names,
        [values[n] for n in names],
        xerr=[errors.get(n, 0.0) for n in names],
        color=NOW_COLOR,
    )
    axes.set_title(title, fontsize=10)
    axes.tick_params(axis="y", labelsize=8)
    axes.grid(axis="x", alpha=0.3)
    return figure


def _class_order(name: str) -> tuple[int, float | str]:
    try:
        return (0, float(name))
    except ValueError:
        return (1, name)


def png_bytes(figure: Figure) -> bytes:
    """Return the figure as PNG bytes."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def plot_figure(
    rows: Rows, spec: Mapping[str, Any], title: str, before: Rows | None = None
) -> Figure:
    """Return the chart a DVC plot definition asks for (`template`, `x`, `y`) over `rows`."""
    fields = [key for key in (rows[0] if rows else {}) if isinstance(key, str)]
    x = str(spec.get("x") or (fields[0] if fields else "x"))
    y = str(spec.get("y") or (fields[1] if len(fields) > 1 else "y"))
    if spec.get("template") == "confusion":
        return confusion_figure(rows, x, y, title)
    return curve_figure(rows, x, y, title, before)

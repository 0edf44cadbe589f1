"""One function per section of the report, each from files the pipeline already wrote.

A section never fails the report: what it cannot show becomes a sentence in its
`missing` list, with the command that would produce it.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from html import escape
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf

from ..lineage import file_md5
from ..profile import column_stats, problems_list, statistics_table
from . import card as model_card
from .page import Section, code, image, table
from .pipeline import Pipeline, build_graph, is_code, render_svg
from .registry import RunFacts, StoreFacts, VersionFacts
from .sources import MAX_BYTES, Missing, read_at, read_json, read_text, read_yaml

REPRO = "run `dvc repro` first"
MONITOR_DIR = Path("reports/monitor")
MAX_MONITOR_VALUES = 40
MAX_NODES = 400
OPEN_METRICS = 15


def _get(cfg: DictConfig, dotted: str) -> Any:
    return OmegaConf.select(cfg, dotted, default=None)


def _rel(path: str | Path, root: Path) -> str:
    """Return `path` relative to the project root when it lies inside it."""
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _short_time(millis: int) -> str:
    if not millis:
        return "-"
    moment = dt.datetime.fromtimestamp(millis / 1000, tz=dt.UTC)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def anchors(pipeline: Pipeline, catalog: Mapping[str, Any], cfg: DictConfig) -> dict[str, str]:
    """Return file path -> the section anchor its picture node links to."""
    links: dict[str, str] = {}
    for stage in pipeline.stages:
        for path in stage.produces:
            links[path] = f"#stage-{stage.name}"
        for path in stage.metrics:
            links[path] = "#metrics"
        for path in stage.plots:
            links[path] = "#plots"
            links[str(Path(path).parent)] = "#plots"
        for path in [*stage.outs, *stage.deps]:
            if path.startswith("models/"):
                links[path] = "#model"
    validation = _get(cfg, "validate.report_path")
    if validation:
        links[str(validation)] = "#quality"
    explanation = _get(cfg, "evaluate.explain_path")
    if explanation:
        links[str(explanation)] = "#card"
    monitored = monitor_dir(cfg).as_posix() + "/"
    for path in list(links):
        if path.startswith(monitored):
            links[path] = "#monitoring"
    for name, entry in catalog.items():
        if isinstance(entry, dict) and isinstance(entry.get("path"), str):
            links[entry["path"]] = f"#data-{name}"
    return links


# --- the pipeline ---------------------------------------------------------------------


def pipeline_section(
    pipeline: Pipeline | Missing, catalog: Mapping[str, Any], cfg: DictConfig
) -> Section:
    """The picture of the pipeline and one paragraph per stage."""
    section = Section("pipeline", "Pipeline")
    if isinstance(pipeline, Missing):
        section.missing.append(pipeline.sentence())
        return section
    section.missing += pipeline.problems
    nodes, edges = build_graph(pipeline, anchors(pipeline, catalog, cfg))
    if len(nodes) > MAX_NODES:
        section.missing.append(
            f"the pipeline has {len(nodes)} stages and files, too many to draw "
            f"(at most {MAX_NODES}): `dvc dag` lists them"
        )
        nodes, edges = {}, []
    not_run = [s.name for s in pipeline.stages if not s.ran]
    if not_run:
        section.missing.append(
            f"stage(s) {', '.join(not_run)} have not run yet (no entry in dvc.lock): {REPRO}"
        )
    parts = [
        '<p class="muted">Stages (blue; dashed: not run yet) read and write datasets '
        "(green), models (purple) and reports (grey). Click a box to jump to its section.</p>",
        f'<div class="dag-box">{render_svg(nodes, edges)}</div>',
    ]
    for stage in pipeline.stages:
        status = (
            '<span class="ok">ran (recorded in dvc.lock)</span>'
            if stage.ran
            else f'<span class="bad">not run yet</span>: {code(f"dvc repro {stage.name}")}'
        )
        code_deps = [d for d in stage.deps if is_code(d)]
        data_deps = [d for d in stage.deps if not is_code(d)]
        rows = [
            ("command", code(stage.cmd)),
            ("status", status),
            ("reads", ", ".join(code(d) for d in data_deps) or "-"),
            ("code", ", ".join(code(d) for d in code_deps) or "-"),
            ("params", ", ".join(code(p) for p in stage.params) or "-"),
            ("writes", ", ".join(code(p) for p in stage.produces) or "-"),
        ]
        if stage.note:
            rows.append(("note", escape(stage.note)))
        facts = "".join(f"<dt>{escape(k)}</dt><dd>{v}</dd>" for k, v in rows)
        parts.append(
            f'<h3 id="stage-{escape(stage.name)}">stage {escape(stage.name)}</h3>'
            f'<dl class="facts">{facts}</dl>'
        )
    section.body = "".join(parts)
    return section


# --- the data catalog -----------------------------------------------------------------


def load_catalog(root: Path) -> dict[str, Any] | Missing:
    """Return the `datasets:` mapping of data/catalog.yaml."""
    data = read_yaml(root / "data" / "catalog.yaml", fix="describe each dataset there")
    if isinstance(data, Missing):
        return data
    datasets = data.get("datasets") if isinstance(data, dict) else None
    if not isinstance(datasets, dict):
        return Missing("data/catalog.yaml has no `datasets:` mapping", exists=True)
    return datasets


def _rows_of(path: Path) -> int | None:
    """Return a CSV file's data rows (lines after the header), or None."""
    if path.suffix != ".csv" or not path.is_file() or path.stat().st_size > MAX_BYTES * 10:
        return None
    with path.open("rb") as stream:
        lines = sum(1 for _ in stream)
    return max(lines - 1, 0)


def file_state(root: Path, path: str, locked: str | None) -> tuple[str | None, str]:
    """Return the file's md5 and a note comparing it with dvc.lock."""
    file = root / path
    if not file.is_file():
        return locked, ("not on disk: run `dvc repro` or `dvc pull`" if locked else "not on disk")
    if file.stat().st_size > MAX_BYTES * 10:
        return locked, "too large to hash here; dvc.lock's hash shown"
    current = file_md5(file)
    if locked is None:
        return current, "not recorded in dvc.lock"
    if current != locked:
        return current, "changed since dvc.lock was written: run `dvc repro`"
    return current, "matches dvc.lock"


def catalog_section(
    root: Path, catalog: dict[str, Any] | Missing, pipeline: Pipeline | Missing
) -> Section:
    """Each dataset: what it is, who owns it, its schema, rows, hash and stages."""
    section = Section("catalog", "Data catalog")
    if isinstance(catalog, Missing):
        section.missing.append(catalog.sentence())
        return section
    parts = ['<p class="muted">From data/catalog.yaml, dvc.yaml and dvc.lock.</p>']
    for name, entry in catalog.items():
        if not isinstance(entry, dict):
            continue
        path = str(entry.get("path", ""))
        producer = readers = None
        locked = None
        if isinstance(pipeline, Pipeline):
            producer = pipeline.producer(path)
            readers = pipeline.readers(path)
            locked = pipeline.locked_md5(path)
        md5, state = file_state(root, path, locked)
        if not (root / path).is_file():
            section.missing.append(f"dataset {name} ({path}) is not there yet: {REPRO}")
        schema: dict[str, Any] = entry["schema"] if isinstance(entry.get("schema"), dict) else {}
        columns: dict[str, Any] = (
            schema["columns"] if isinstance(schema.get("columns"), dict) else {}
        )
        facts = [
            ("path", code(path)),
            ("description", escape(str(entry.get("description", "-")))),
            ("source", escape(str(entry.get("source", "-")))),
            ("owner", escape(str(entry.get("owner", "-")))),
            ("licence", escape(str(entry.get("license", "-")))),
            ("rows", escape(str(_rows_of(root / path) or "-"))),
            ("md5", f'<code class="md5" data-path="{escape(path)}">{escape(md5 or "-")}</code>'),
            ("hash check", escape(state)),
            ("made by", code(producer or entry.get("produced_by") or "-")),
            ("read by", ", ".join(code(r) for r in readers or []) or "-"),
        ]
        if schema.get("target"):
            facts.append(("target", code(schema["target"])))
        rows = "".join(f"<dt>{escape(k)}</dt><dd>{v}</dd>" for k, v in facts)
        schema_table = (
            "<details><summary>schema: "
            f"{len(columns)} columns</summary>"
            + table(("column", "dtype"), [(c, t) for c, t in columns.items()])
            + "</details>"
            if columns
            else ""
        )
        parts.append(
            f'<h3 id="data-{escape(str(name))}">{escape(str(name))}</h3>'
            f'<dl class="facts">{rows}</dl>{schema_table}'
        )
    section.body = "".join(parts)
    return section


# --- data quality ---------------------------------------------------------------------


def quality_section(root: Path, cfg: DictConfig, output_dir: Path) -> Section:
    """The validation verdict, failed checks and per-column statistics, train beside test."""
    section = Section("quality", "Data quality")
    report_path = _get(cfg, "validate.report_path")
    if report_path:
        report = read_json(root / str(report_path))
        if isinstance(report, Missing):
            section.missing.append(f"no validation report ({report_path}): {REPRO}")
            return section
        if not isinstance(report, dict):
            section.missing.append(f"{report_path} is not a validation report")
            return section
        page = (root / str(report_path)).with_suffix(".html")
        link = (
            f' The same report on its own: <a href="{escape(os.path.relpath(page, output_dir))}">'
            f"{escape(_rel(page, root))}</a>."
            if page.is_file()
            else ""
        )
        verdict = (
            '<p class="ok">Validation passed.'
            if report.get("passed")
            else '<p class="bad">Validation failed: the data breaks the schema in conf/validate/.'
        )
        section.body = (
            f"{verdict}{link}</p><h3>Failed checks</h3>{problems_list(report)}"
            f"<h3>Per-column statistics</h3>{statistics_table(report)}"
        )
        if not any(e.get("statistics") for e in (report.get("datasets") or {}).values()):
            section.missing.append(f"{report_path} holds no statistics: {REPRO}")
        return section
    # No validate stage: describe the splits as they are.
    import pandas as pd

    datasets: dict[str, Any] = {}
    for split in ("train", "test"):
        path = _get(cfg, f"data.{split}_path")
        if not path or not (root / str(path)).is_file():
            section.missing.append(f"the {split} split ({path}) is not there yet: {REPRO}")
            continue
        try:
            frame = pd.read_csv(root / str(path))
        except (OSError, ValueError, UnicodeDecodeError) as error:
            section.missing.append(f"the {split} split ({path}) cannot be read: {error}")
            continue
        datasets[split] = {"path": str(path), "rows": len(frame), "statistics": column_stats(frame)}
    if datasets:
        section.body = (
            '<p class="muted">This pipeline has no validate stage: the statistics below are '
            "computed from the split files; no checks ran.</p>"
            + statistics_table({"datasets": datasets})
        )
    return section


# --- the model ------------------------------------------------------------------------


def _lineage_rows(run: RunFacts | None, tags: Mapping[str, str]) -> list[tuple[str, str]]:
    merged = {**(run.tags if run else {}), **tags}
    rows = [
        ("git commit", merged.get("mlflow.source.git.commit", "-")),
        ("uncommitted changes", merged.get("git_dirty", "-")),
        ("data version", merged.get("data_version", "-")),
    ]
    rows += [(k, v) for k, v in sorted(merged.items()) if k.startswith("data.")]
    return rows


def _version_details(version: VersionFacts) -> str:
    run = version.run
    facts = [("run id", version.run_id), ("model source", version.source)]
    facts += _lineage_rows(run, version.tags)
    parts = [table(("lineage", "value"), facts)]
    if run:
        parts.append(
            table(
                ("dataset input", "context", "digest (md5)", "source"),
                [(d["name"], d["context"], d["digest"], d["source"]) for d in run.datasets],
            )
            if run.datasets
            else "<p>No dataset inputs logged.</p>"
        )
        parts.append(table(("param", "value"), sorted(run.params.items())))
        parts.append(table(("metric", "value"), sorted(run.metrics.items())))
        if run.artifacts:
            parts.append("<p>Artifacts: " + ", ".join(code(a) for a in run.artifacts) + "</p>")
    aliases = ", ".join("@" + a for a in version.aliases) or "no alias"
    return (
        f'<details id="version-{version.version}"><summary>version {version.version} '
        f"({escape(aliases)}): lineage</summary>{''.join(parts)}</details>"
    )


def model_section(store: StoreFacts | Missing, registers: bool) -> Section:
    """Registered versions with aliases, metrics and lineage; the latest training runs."""
    section = Section("model", "Model")
    if isinstance(store, Missing):
        section.missing.append(store.sentence())
        return section
    parts = [f"<p>MLflow store {code(store.uri)}, registered model {code(store.model_name)}.</p>"]
    if store.versions:
        rows = []
        for v in store.versions:
            run = v.run
            metrics = run.metrics if run else {}
            rows.append(
                (
                    v.version,
                    ", ".join("@" + a for a in v.aliases) or "-",
                    _short_time(v.created),
                    (run.params.get("model.name") if run else None) or "-",
                    metrics.get("test_accuracy"),
                    metrics.get("test_f1_macro"),
                    (run.tags.get("mlflow.source.git.commit", "")[:10] if run else "") or "-",
                    (run.tags.get("data_version") if run else None) or "-",
                    v.run_id,
                )
            )
        parts.append(
            table(
                (
                    "version",
                    "aliases",
                    "registered",
                    "model",
                    "test accuracy",
                    "test f1 macro",
                    "commit",
                    "data version",
                    "run",
                ),
                rows,
            )
        )
        parts += [_version_details(v) for v in store.versions]
    elif registers:
        section.missing.append(
            "no registered model version yet (the evaluate stage registers a model that "
            f"passes the quality gate): {REPRO}"
        )
    else:
        parts.append(
            "<p>This pipeline does not register models (no evaluate stage); "
            "the training runs below hold them.</p>"
        )
    if store.runs:
        parts.append("<h3>Latest training runs</h3>")
        parts.append(
            table(
                ("started", "run", "name", "status", "cv accuracy", "commit", "data version"),
                [
                    (
                        _short_time(r.start_time),
                        r.run_id,
                        r.name,
                        r.status,
                        r.metrics.get("cv_accuracy_mean"),
                        r.tags.get("mlflow.source.git.commit", "")[:10] or "-",
                        r.tags.get("data_version", "-"),
                    )
                    for r in store.runs
                ],
            )
        )
    else:
        section.missing.append(f"no training run in MLflow yet: {REPRO}")
    section.body = "".join(parts)
    return section


# --- metrics and plots ----------------------------------------------------------------


def _flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(data, dict):
        flat: dict[str, Any] = {}
        for key, value in data.items():
            flat.update(_flatten(value, f"{prefix}{key}."))
        return flat
    return {prefix.rstrip("."): data}


def _change(now: Any, before: Any) -> str:
    if not isinstance(now, int | float) or not isinstance(before, int | float):
        return '<span class="muted">new</span>' if before is None else "-"
    delta = float(now) - float(before)
    if delta == 0:
        return '<span class="muted">no change</span>'
    arrow, css = ("▲", "up") if delta > 0 else ("▼", "down")
    return f'<span class="{css}">{arrow} {delta:+.4g}</span>'


def metrics_section(
    root: Path, pipeline: Pipeline | Missing, baseline: tuple[str, str] | None
) -> Section:
    """Every metrics file of the pipeline, each value next to the baseline's."""
    section = Section("metrics", "Metrics and plots")
    if isinstance(pipeline, Missing):
        section.missing.append(pipeline.sentence())
        return section
    against = (
        f"{code(baseline[0])} (commit {code(baseline[1])})"
        if baseline
        else "nothing (no earlier commit)"
    )
    parts = [
        f"<p>Compared with {against}; <code>make report AGAINST=main</code> compares "
        "with another branch.</p>"
    ]
    for stage in pipeline.stages:
        for path in stage.metrics:
            data = read_json(root / path)
            if isinstance(data, Missing):
                section.missing.append(f"metrics {path} (stage {stage.name}): {REPRO}")
                continue
            before = _flatten(read_at(root, baseline[0], path)) if baseline else {}
            rows = []
            for name, value in _flatten(data).items():
                was = before.get(name)
                rows.append(
                    (
                        escape(name),
                        escape(str(value)),
                        escape(str(was if was is not None else "-")),
                        _change(value, was),
                    )
                )
            # Short files open; long ones (a monitor's per-feature tests) folded.
            opened = " open" if len(rows) <= OPEN_METRICS else ""
            parts.append(
                f"<details{opened}><summary>{code(path)} (stage {escape(stage.name)}, "
                f"{len(rows)} values)</summary>"
                + table(("metric", "now", "before", "change"), rows, frozenset(range(4)))
                + "</details>"
            )
    parts.append(plots_html(root, pipeline, baseline, section))
    section.body = "".join(parts)
    return section


def plots_html(
    root: Path, pipeline: Pipeline, baseline: tuple[str, str] | None, section: Section
) -> str:
    """The plots of dvc.yaml as PNG images; curves carry the baseline's dashed."""
    from ..charts import plot_figure, png_bytes

    figures = []
    for path, (stage, spec) in pipeline.plot_specs().items():
        rows = read_json(root / path)
        if isinstance(rows, Missing) or not isinstance(rows, list):
            section.missing.append(f"plot {path} (stage {stage}): {REPRO}")
            continue
        before = read_at(root, baseline[0], path) if baseline else None
        title = str(spec.get("title") or Path(path).stem)
        try:
            figure = plot_figure(rows, spec, title, before if isinstance(before, list) else None)
            png = png_bytes(figure)
        except (ValueError, TypeError, KeyError) as error:
            section.missing.append(f"plot {path} cannot be drawn ({error})")
            continue
        caption = f"{path}" + (
            f"; dashed: {baseline[0]} ({baseline[1]})" if baseline and before else ""
        )
        figures.append(image(png, title, caption, f"plot-{Path(path).stem}"))
    if not figures:
        return '<h3 id="plots">Plots</h3><p>No plots to show.</p>'
    return f'<h3 id="plots">Plots</h3><div class="figures">{"".join(figures)}</div>'


# --- the model card -------------------------------------------------------------------


def card_section(root: Path, cfg: DictConfig, store: StoreFacts | Missing, catalog: Any) -> Section:
    """Intended use, training data, metrics overall and per class, feature importance."""
    section = Section("card", "Model card")
    written = model_card.written_card(root)
    champion = None if isinstance(store, Missing) else store.champion(_get(cfg, "evaluate.alias"))
    model_dir = str(_get(cfg, "train.model_dir") or "models/model")
    parts = []
    if isinstance(written, Missing):
        section.missing.append(written.sentence())
    else:
        facts = "".join(
            f"<dt>{escape(label)}</dt><dd>{escape(written[key])}</dd>"
            for key, label in model_card.CARD_FIELDS
            if written.get(key)
        )
        parts.append(f'<dl class="facts">{facts}</dl>')
    if champion is None and not (root / model_dir / "MLmodel").is_file():
        section.missing.append(f"no trained model yet ({model_dir}): {REPRO}")
        section.body = "".join(parts)
        return section
    if champion is not None and not isinstance(store, Missing):
        aliases = ", ".join("@" + a for a in champion.aliases) or "newest version"
        described = (
            f"{code(store.model_name)} version {champion.version} ({escape(aliases)}), "
            f"from run {code(champion.run_id)}"
        )
    else:
        described = f"the workspace model {code(model_dir)} (no registered version)"
    parts.insert(0, f"<p>The card describes {described}.</p>")
    # Training data: the run's dataset inputs, described by the catalog.
    run = champion.run if champion else None
    by_name = catalog if isinstance(catalog, dict) else {}
    if run and run.datasets:
        parts.append("<h3>Data</h3>")
        parts.append(
            table(
                ("dataset", "used as", "md5", "description"),
                [
                    (
                        d["name"],
                        d["context"],
                        d["digest"],
                        (by_name.get(d["name"]) or {}).get("description", "-"),
                    )
                    for d in run.datasets
                ],
            )
        )
    overall = {k: v for k, v in (run.metrics if run else {}).items()}
    if not overall:
        metrics = read_json(root / str(_get(cfg, "evaluate.metrics_path") or "-"))
        overall = metrics if isinstance(metrics, dict) else {}
    if overall:
        parts.append("<h3>Metrics overall</h3>")
        parts.append(table(("metric", "value"), sorted(overall.items())))
    uri = (
        f"models:/{store.model_name}/{champion.version}"
        if champion and not isinstance(store, Missing)
        else None
    )
    measured = _measure(root, cfg, uri, champion.run_id if champion else None, section)
    if isinstance(measured, Missing):
        section.missing.append(measured.sentence())
    elif measured is not None:
        parts.append(
            f'<h3>Per class</h3><p class="muted">Model {code(measured.model_from)} on '
            f"{measured.rows} test rows.</p>"
        )
        parts.append(
            table(
                ("class", "precision", "recall", "f1-score", "support"),
                [
                    (name, v.get("precision"), v.get("recall"), v.get("f1-score"), v.get("support"))
                    for name, v in measured.per_class.items()
                ],
            )
        )
        from ..charts import bar_figure, png_bytes

        png = png_bytes(
            bar_figure(
                measured.importance,
                measured.importance_std,
                "Permutation importance (drop in test accuracy)",
            )
        )
        parts.append(
            '<h3 id="importance">What drives the predictions</h3><p>Permutation importance: '
            "how much the test accuracy drops when one feature's values are shuffled "
            f"({measured.repeats} repeats).</p>"
        )
        parts.append(
            image(png, "permutation importance", "mean ± std over repeats", "importance-chart")
        )
        ranked = sorted(measured.importance.items(), key=lambda item: -item[1])
        parts.append(
            table(
                ("feature", "importance", "std"),
                [(n, v, measured.importance_std[n]) for n, v in ranked],
            )
        )
    section.body = "".join(parts)
    return section


def _measure(
    root: Path, cfg: DictConfig, uri: str | None, run_id: str | None, section: Section
) -> model_card.Measured | Missing | None:
    """What evaluate measured for this model, else measured here (loading the model)."""
    model_dir = str(_get(cfg, "train.model_dir") or "models/model")
    run_info = str(_get(cfg, "train.run_info_path") or "models/run.json")
    written = _get(cfg, "evaluate.explain_path")
    wanted = run_id or model_card.local_run_id(root, run_info)
    if written:
        measured = model_card.from_file(root / str(written), wanted)
        if measured is not None:
            return measured
    try:
        model, model_from = model_card.load_model(root, model_dir, run_info, uri, run_id)
    except Exception as error:  # any load failure is shown on the page, not raised
        section.missing.append(f"the model cannot be loaded ({type(error).__name__}: {error})")
        return None
    test_path = root / str(_get(cfg, "data.test_path"))
    return model_card.measure(model, model_from, test_path, str(_get(cfg, "data.target")))


# --- monitoring -----------------------------------------------------------------------


def monitor_dir(cfg: DictConfig) -> Path:
    """The folder the monitor writes to: that of `monitor.metrics_path`, else reports/monitor."""
    configured = _get(cfg, "monitor.metrics_path")
    return Path(str(configured)).parent if configured else MONITOR_DIR


def monitoring_section(root: Path, cfg: DictConfig, output_dir: Path) -> Section:
    """The monitoring reports (JSON and HTML) in the monitor's folder, when there are any."""
    section = Section("monitoring", "Monitoring")
    folder = monitor_dir(cfg)
    found = root / folder
    files = sorted(p for p in found.glob("*") if p.is_file()) if found.is_dir() else []
    if not files:
        section.body = (
            f"<p>No monitoring report yet ({code(folder.as_posix() + '/')}): the monitor "
            "writes one there once the model serves and its inputs are compared with the "
            "training data.</p>"
        )
        return section
    parts = []
    for path in files:
        if path.suffix == ".html":
            parts.append(
                f'<p>Report: <a href="{escape(os.path.relpath(path, output_dir))}">'
                f"{escape(_rel(path, root))}</a></p>"
            )
        elif path.suffix == ".json":
            data = read_json(path)
            if isinstance(data, Missing):
                section.missing.append(data.sentence())
                continue
            parts.append(f"<h3>{escape(_rel(path, root))}</h3>")
            if isinstance(data, dict) and "alarm" in data:
                parts.append(
                    '<p class="bad">The monitor raised an alarm.</p>'
                    if data["alarm"]
                    else '<p class="ok">No alarm.</p>'
                )
            values = list(_flatten(data).items())
            parts.append(table(("field", "value"), values[:MAX_MONITOR_VALUES]))
            if len(values) > MAX_MONITOR_VALUES:
                more = len(values) - MAX_MONITOR_VALUES
                parts.append(f'<p class="muted">{more} more values in the file.</p>')
    section.body = "".join(parts)
    return section


def header_facts(root: Path) -> str:
    """The commit, whether the tree is dirty, and when the page was made."""
    from .sources import git

    commit = (git(root, "rev-parse", "--short", "HEAD") or "").strip() or "no commit"
    dirty = git(root, "status", "--porcelain", "--untracked-files=no")
    state = " (with uncommitted changes)" if dirty else ""
    made = dt.datetime.now(tz=dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f'<p class="muted">Commit {code(commit)}{escape(state)} · made {escape(made)}</p>'


def project_title(root: Path) -> tuple[str, str]:
    """The project's name and description from pyproject.toml."""
    import tomllib

    text = read_text(root / "pyproject.toml")
    if isinstance(text, Missing):
        return root.name, ""
    try:
        project = tomllib.loads(text).get("project", {})
    except tomllib.TOMLDecodeError:
        return root.name, ""
    return str(project.get("name", root.name)), str(project.get("description", ""))

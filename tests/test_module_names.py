"""No module of the kit assigns one top-level name twice: the later silently wins."""

from __future__ import annotations

import ast
from pathlib import Path

import mlops_kit

PACKAGE = Path(mlops_kit.__file__).resolve().parent


def _top_level_names(tree: ast.Module) -> list[tuple[str, int]]:
    names = []
    for node in tree.body:
        if isinstance(node, ast.Assign):
            names += [(t.id, node.lineno) for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.append((node.target.id, node.lineno))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append((node.name, node.lineno))
    return names


def test_no_top_level_name_is_defined_twice() -> None:
    twice = []
    for path in sorted(PACKAGE.rglob("*.py")):
        first: dict[str, int] = {}
        for name, line in _top_level_names(ast.parse(path.read_text(encoding="utf-8"))):
            if name in first:
                twice.append(f"{path.relative_to(PACKAGE)}: {name} (lines {first[name]}, {line})")
            first.setdefault(name, line)
    assert twice == []

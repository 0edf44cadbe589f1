"""Every regular expression in the kit's package, found by reading its source and its modules.

Two sources, so no pattern hides: the compiled patterns a module holds at import time
(module constants, patterns inside module-level dicts, tuples and lists, and cached
zero-argument factories such as `any_token()`), and every `re.<function>(pattern, ...)`
call in the source whose pattern is a literal or a module constant. A call whose pattern
is only known at run time (built from repository content) must be listed in DYNAMIC with
the shapes it is called with, or `unaccounted()` names it.

Run as a script (`python regex_inventory.py [GUARD_SECONDS]`) it feeds every pattern
adversarial input; a pattern still running after the guard (an alarm: the regex engine
checks for signals) is named, and the script exits 1.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import mlops_kit

PACKAGE = Path(mlops_kit.__file__).resolve().parent
FUNCTIONS = frozenset(
    {"compile", "match", "search", "fullmatch", "sub", "subn", "findall", "finditer", "split"}
)
# Where `flags` sits among the positional arguments of each `re` function.
FLAGS_POSITION = {"compile": 1, "sub": 4, "subn": 4, "split": 3}

# Call sites whose pattern is built at run time -> the shapes they are built with.
DYNAMIC: dict[str, tuple[tuple[str, int], ...]] = {
    # `_line(repo, pattern)`: its callers pass `^\[project\]` and `^[ \t]*+["']<name>`.
    "audit/rules/packaging.py:_line": (
        (r"^\[project\]", re.MULTILINE),
        (r"^[ \t]*+[\"']" + re.escape("scikit-learn>=1.5"), re.MULTILINE),
    ),
}


# How a pattern is run: every match from every start (search, findall, sub, split...), or
# anchored at the start, or over the whole text.
EVERY_WAY = frozenset({"finditer", "match", "fullmatch"})
WAY_OF = {"match": "match", "fullmatch": "fullmatch", "compile": "any"}


class Found(NamedTuple):
    """One pattern, where it comes from, and the ways the kit runs it."""

    where: str
    pattern: re.Pattern[str]
    ways: frozenset[str] = EVERY_WAY


def modules() -> Iterator[Any]:
    """Import every module of the package."""
    yield mlops_kit
    for info in pkgutil.walk_packages([str(PACKAGE)], prefix="mlops_kit."):
        if info.name.endswith("__main__"):
            continue
        yield importlib.import_module(info.name)


def _held(value: Any, depth: int = 0) -> Iterator[re.Pattern[str]]:
    if isinstance(value, re.Pattern):
        yield value
    elif depth < 3 and isinstance(value, dict):
        for item in value.values():
            yield from _held(item, depth + 1)
    elif depth < 3 and isinstance(value, tuple | list | frozenset | set):
        for item in value:
            yield from _held(item, depth + 1)


def held_patterns() -> Iterator[Found]:
    """Compiled patterns modules hold, and those their cached factories return."""
    for module in modules():
        for name, value in vars(module).items():
            for pattern in _held(value):
                yield Found(f"{module.__name__}.{name}", pattern)
            if (
                callable(value)
                and hasattr(value, "cache_info")
                and getattr(value, "__module__", None) == module.__name__
            ):
                try:
                    signature = inspect.signature(value)
                except (TypeError, ValueError):
                    continue
                # A cached factory of a pattern, e.g. `any_token() -> re.Pattern[str]`.
                if not signature.parameters and "Pattern" in str(signature.return_annotation):
                    for pattern in _held(value()):
                        yield Found(f"{module.__name__}.{name}()", pattern)


def _flags(node: ast.expr | None, namespace: dict[str, Any]) -> int | None:
    """The value of a flags argument (`re.I | re.M`, a module constant), or None if unknown."""
    if node is None:
        return 0
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        value = getattr(re, node.attr, None) if node.value.id == "re" else None
    elif isinstance(node, ast.Name):
        value = namespace.get(node.id)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        left, right = _flags(node.left, namespace), _flags(node.right, namespace)
        value = None if left is None or right is None else left | right
    else:
        value = None
    return int(value) if isinstance(value, int) else None


def _literal(node: ast.expr, namespace: dict[str, Any]) -> str | None:
    """The pattern text of a call argument: a literal, or a module constant (or both joined)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name) and isinstance(namespace.get(node.id), str):
        return str(namespace[node.id])
    if isinstance(node, ast.JoinedStr):
        parts = []
        for part in node.values:
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                parts.append(part.value)
            elif isinstance(part, ast.FormattedValue) and part.format_spec is None:
                text = _literal(part.value, namespace)
                if text is None:
                    return None
                parts.append(text)
            else:
                return None
        return "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _literal(node.left, namespace), _literal(node.right, namespace)
        return None if left is None or right is None else left + right
    return None


class _Calls(ast.NodeVisitor):
    def __init__(self, relative: str, namespace: dict[str, Any]) -> None:
        self.relative = relative
        self.namespace = namespace
        self.functions: list[ast.FunctionDef] = []
        self.found: list[Found] = []
        self.unknown: list[str] = []

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.functions.append(node)
        self.generic_visit(node)
        self.functions.pop()

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id == "re"
            and func.attr in FUNCTIONS
            and node.args
        ):
            function = self.functions[-1] if self.functions else None
            where = f"{self.relative}:{function.name if function else node.lineno}"
            text = _literal(node.args[0], self.namespace)
            flag_node = next((k.value for k in node.keywords if k.arg == "flags"), None)
            position = FLAGS_POSITION.get(func.attr, 2)
            if flag_node is None and len(node.args) > position:
                flag_node = node.args[position]
            flags = _flags(flag_node, self.namespace)
            if text is not None and flags is not None:
                # A direct `re.fullmatch(...)` runs only that way; a compiled pattern can be
                # handed anywhere, so it must hold every way.
                way = WAY_OF.get(func.attr, "finditer")
                ways = EVERY_WAY if way == "any" else frozenset({way})
                self.found.append(
                    Found(f"{where} (line {node.lineno})", re.compile(text, flags), ways)
                )
            elif not (
                where in DYNAMIC
                or function is None  # module level: the module holds the compiled pattern
                or "Pattern" in ast.unparse(function.returns or ast.Constant(None))  # a factory
            ):
                self.unknown.append(f"{where} (line {node.lineno})")
        self.generic_visit(node)


def source_patterns() -> tuple[list[Found], list[str]]:
    """Patterns in `re.*` calls of the source, and the call sites nobody accounted for."""
    found: list[Found] = []
    unknown: list[str] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        name = "mlops_kit." + relative[: -len(".py")].replace("/", ".").removesuffix(".__init__")
        namespace = vars(importlib.import_module(name)) if not name.endswith("__main__") else {}
        visitor = _Calls(relative, dict(namespace))
        visitor.visit(ast.parse(path.read_text(encoding="utf-8")))
        found += visitor.found
        unknown += visitor.unknown
    for where, shapes in DYNAMIC.items():
        found += [Found(f"{where} ({i})", re.compile(p, f)) for i, (p, f) in enumerate(shapes)]
    return found, unknown


def every_pattern() -> list[Found]:
    """Every distinct pattern of the package, each once, with all the ways it is run."""
    seen: dict[tuple[str, int], Found] = {}
    for item in [*held_patterns(), *source_patterns()[0]]:
        key = (item.pattern.pattern, item.pattern.flags)
        known = seen.get(key)
        seen[key] = item if known is None else known._replace(ways=known.ways | item.ways)
    return list(seen.values())


def unaccounted() -> list[str]:
    """`re.*` call sites whose pattern the inventory cannot know."""
    return source_patterns()[1]


RUN = 400_000  # repetitions in a full-size input: a quadratic pattern takes minutes on it
PROBE = 20_000  # repetitions in a probe: finds each pattern's worst inputs cheaply
WORST = 3  # inputs per pattern run at full size
END = "\x01"  # a character no pattern expects: a run that must be followed by more fails


def adversarial_inputs(run: int = RUN) -> dict[str, str]:
    """Texts built to make backtracking patterns take quadratic or worse time, by label."""
    texts = {f"{c!r} * {{n}} + END": c * run + END for c in "a1 \t\n:@/.-_=#$'\"{[\\"}
    texts |= {f"'a{c}' * {{n}} + END": f"a{c}" * run + END for c in ".:/@-_= #,\t\n"}
    texts |= {
        "'1.' * {n}": "1." * run,
        "'password: x' + ' ' * 3000 + 'y'": "password: x" + " " * 3000 + "y",
        "'password = x' + ' ' * 30000 + 'y'": "password = x" + " " * 30_000 + "y",
        "'token: \"' + ' ,' * {n}": 'token: "' + " ," * run,
        "'x://' * {n}": "x://" * run,
        "'a://b' + ':' * {n}": "a://b" + ":" * run,
        "'a://' + 'b:' * {n}": "a://" + "b:" * run,
        "'a://b:' + 'c' * {n}": "a://b:" + "c" * run,
        "'${' * {n}": "${" * run,
        "'${a' * {n}": "${a" * run,
        "'mlflow server ' * {n}//8": "mlflow server " * (run // 8),
        "'set_tracking_uri(' * {n}//8": "set_tracking_uri(" * (run // 8),
        "'MLFLOW_TRACKING_URI=' * {n}//8": "MLFLOW_TRACKING_URI=" * (run // 8),
        "'import ' * {n}//4": "import " * (run // 4),
        "'key: {' * {n}//4": "key: {" * (run // 4),
        "'a: ' * {n}//2": "a: " * (run // 2),
        "'[hydra]' + ' ' * {n}": "[hydra]" + " " * run,
        "'>=1' * {n}//2": ">=1" * (run // 2),
        "'AKIA' * {n}//2": "AKIA" * (run // 2),
        "'ghp_' + 'a' * {n}": "ghp_" + "a" * run,
        "'-----BEGIN ' * {n}//8": "-----BEGIN " * (run // 8),
        "' \\n' * {n}//2 + 'x'": " \n" * (run // 2) + "x",
        "'python' * {n}//4": "python" * (run // 4),
        "'requirements' * {n}//8": "requirements" * (run // 8),
        "'compose.' * {n}//8": "compose." * (run // 8),
    }
    return texts


def exercise(item: Found, text: str) -> None:
    """Run a pattern on `text` every way the kit runs it."""
    if "finditer" in item.ways:
        for _ in item.pattern.finditer(text):
            pass
    if "match" in item.ways:
        item.pattern.match(text)
    if "fullmatch" in item.ways:
        item.pattern.fullmatch(text)


class _Hang(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise _Hang


def first_hang(items: list[Found], guard: int) -> str | None:
    """Exercise each pattern; return a line naming the first that runs past `guard` seconds.

    Each pattern meets every input at probe size first; its WORST inputs then run at full
    size (RUN repetitions), where a quadratic pattern takes minutes and the guard fires.
    """
    probes, full = adversarial_inputs(PROBE), adversarial_inputs(RUN)
    previous = signal.signal(signal.SIGALRM, _alarm)
    slowest: list[tuple[float, str, str]] = []

    def timed(item: Found, label: str, text: str) -> float:
        signal.alarm(guard)
        start = time.perf_counter()
        try:
            exercise(item, text)
        finally:
            signal.alarm(0)
        return time.perf_counter() - start

    try:
        for item in items:
            label = ""
            try:
                probed = []
                for label, text in probes.items():
                    probed.append((timed(item, label, text), label))
                label = label.replace("{n}", str(PROBE))
                worst = (0.0, "")
                for _, label in sorted(probed, reverse=True)[:WORST]:
                    worst = max(worst, (timed(item, label, full[label]), label))
                label = label.replace("{n}", str(RUN))
            except _Hang:
                return f"HANG {item.where}: {item.pattern.pattern!r} on {label}"
            slowest.append((worst[0], worst[1].replace("{n}", str(RUN)), item.where))
    finally:
        signal.signal(signal.SIGALRM, previous)
    slowest.sort(reverse=True)
    print(f"DONE {len(items)} patterns x {len(full)} inputs")
    for took, label, where in slowest[:5]:
        print(f"  slowest {took:.3f} s: {where} on {label}")
    return None


def main(argv: list[str]) -> int:
    """Exercise every pattern of the package; `argv`: [guard seconds per input]."""
    gaps = unaccounted()
    if gaps:
        print("UNACCOUNTED re calls (list them in DYNAMIC):", *gaps, sep="\n  ", flush=True)
        return 3
    hang = first_hang(every_pattern(), int(argv[0]) if argv else 60)
    if hang:
        print(hang, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

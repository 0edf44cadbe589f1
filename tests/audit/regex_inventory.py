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
from mlops_kit.audit.rules.packaging import _IMPORTS_MODULE

PACKAGE = Path(mlops_kit.__file__).resolve().parent
FUNCTIONS = frozenset(
    {"compile", "match", "search", "fullmatch", "sub", "subn", "findall", "finditer", "split"}
)
# Where `flags` sits among the positional arguments of each `re` function.
FLAGS_POSITION = {"compile": 1, "sub": 4, "subn": 4, "split": 3}
# How a pattern is run: every match from every start (search, findall, sub, split...), or
# anchored at the start, or over the whole text.
EVERY_WAY = frozenset({"finditer", "match", "fullmatch"})
WAY_OF = {"match": "match", "fullmatch": "fullmatch", "compile": "any"}

# Call sites whose pattern is built at run time -> the shapes they are built with.
DYNAMIC: dict[str, tuple[tuple[str, int], ...]] = {
    # an import of one module of the package, by its file's name
    "audit/rules/packaging.py:_optional_backend": (
        (_IMPORTS_MODULE.format(re.escape("tf_segmentation")), re.MULTILINE),
    ),
    # `\b{runner}\b...`: runner is one of the task runners CI may call.
    "audit/facts.py:_called_targets": tuple(
        (rf"\b{runner}\b((?:[ \t]+[^\s&|;]+)*)", 0) for runner in ("make", "just")
    ),
}


class Found(NamedTuple):
    """One pattern, where it comes from, and the ways the kit runs it."""

    where: str
    pattern: re.Pattern[Any]
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


# What an escaped interpolation (`{re.escape(name)}`) stands for: its text is literal, so
# any word does.
ESCAPED = "scikit-learn>=1.5"


def _literal(node: ast.expr, namespace: dict[str, Any]) -> str | bytes | None:
    """The pattern text of a call argument: a literal, a module constant, or both joined."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str | bytes):
        return node.value
    if isinstance(node, ast.Name) and isinstance(namespace.get(node.id), str):
        return str(namespace[node.id])
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and ast.unparse(node.func) == "re.escape"
    ):
        return re.escape(ESCAPED)
    if isinstance(node, ast.JoinedStr):
        parts = []
        for part in node.values:
            text = _literal(part.value if isinstance(part, ast.FormattedValue) else part, namespace)
            if not isinstance(text, str) or (
                isinstance(part, ast.FormattedValue) and part.format_spec is not None
            ):
                return None
            parts.append(text)
        return "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _literal(node.left, namespace), _literal(node.right, namespace)
        if isinstance(left, str) and isinstance(right, str):
            return left + right
    return None


def _is_re_call(node: ast.Call) -> bool:
    func = node.func
    return (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id == "re"
        and func.attr in FUNCTIONS
        and bool(node.args)
    )


def _call_flags(node: ast.Call, namespace: dict[str, Any]) -> int | None:
    assert isinstance(node.func, ast.Attribute)
    flag_node = next((k.value for k in node.keywords if k.arg == "flags"), None)
    position = FLAGS_POSITION.get(node.func.attr, 2)
    if flag_node is None and len(node.args) > position:
        flag_node = node.args[position]
    return _flags(flag_node, namespace)


def _ways(node: ast.Call) -> frozenset[str]:
    # A direct `re.fullmatch(...)` runs only that way; a compiled pattern can be handed
    # anywhere, so it must hold every way.
    assert isinstance(node.func, ast.Attribute)
    way = WAY_OF.get(node.func.attr, "finditer")
    return EVERY_WAY if way == "any" else frozenset({way})


class Forwarder(NamedTuple):
    """A function that runs a pattern its caller passes (`line_in(repo, path, pattern)`)."""

    parameter: str
    index: int
    flags: int
    ways: frozenset[str]


def forwarders(trees: dict[str, tuple[ast.Module, dict[str, Any]]]) -> dict[str, Forwarder]:
    """Functions whose `re.*` call takes its pattern from a parameter, by `module:name`."""
    found: dict[str, Forwarder] = {}
    for relative, (tree, namespace) in trees.items():
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef):
                continue
            parameters = [argument.arg for argument in function.args.args]
            for node in ast.walk(function):
                if (
                    isinstance(node, ast.Call)
                    and _is_re_call(node)
                    and isinstance(node.args[0], ast.Name)
                    and node.args[0].id in parameters
                ):
                    flags = _call_flags(node, namespace)
                    name = node.args[0].id
                    if flags is not None:
                        found[f"{relative}:{function.name}"] = Forwarder(
                            name, parameters.index(name), flags, _ways(node)
                        )
    return found


class _Calls(ast.NodeVisitor):
    def __init__(
        self, relative: str, namespace: dict[str, Any], forwarding: dict[str, Forwarder]
    ) -> None:
        self.relative = relative
        self.namespace = namespace
        self.forwarding = forwarding
        self.functions: list[ast.FunctionDef] = []
        self.found: list[Found] = []
        self.unknown: list[str] = []

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.functions.append(node)
        self.generic_visit(node)
        self.functions.pop()

    def _add(self, where: str, text: str | bytes, flags: int, ways: frozenset[str]) -> None:
        self.found.append(Found(where, re.compile(text, flags), ways))

    def visit_Call(self, node: ast.Call) -> None:
        function = self.functions[-1] if self.functions else None
        where = f"{self.relative}:{function.name if function else node.lineno}"
        at = f"{where} (line {node.lineno})"
        # `_line(...)` calls this module's function; `facts.line_in(...)` another module's.
        callee = f"{self.relative}:{node.func.id}" if isinstance(node.func, ast.Name) else None
        if isinstance(node.func, ast.Attribute):
            callee = next((k for k in self.forwarding if k.endswith(f":{node.func.attr}")), None)
        if _is_re_call(node):
            text = _literal(node.args[0], self.namespace)
            flags = _call_flags(node, self.namespace)
            forwarded = (
                where in self.forwarding
                and isinstance(node.args[0], ast.Name)
                and node.args[0].id == self.forwarding[where].parameter
            )
            if text is not None and flags is not None:
                self._add(at, text, flags, _ways(node))
            elif not (
                forwarded  # its callers' patterns are collected at each call
                or where in DYNAMIC
                or function is None  # module level: the module holds the compiled pattern
                or "Pattern" in ast.unparse(function.returns or ast.Constant(None))  # a factory
            ):
                self.unknown.append(at)
        elif callee in self.forwarding:
            forwarder = self.forwarding[callee]
            argument = next(
                (k.value for k in node.keywords if k.arg == forwarder.parameter),
                node.args[forwarder.index] if len(node.args) > forwarder.index else None,
            )
            if argument is not None:
                text = _literal(argument, self.namespace)
                if text is None:
                    self.unknown.append(at)
                else:
                    self._add(f"{at} via {callee}", text, forwarder.flags, forwarder.ways)
        self.generic_visit(node)


def source_patterns() -> tuple[list[Found], list[str]]:
    """Patterns in `re.*` calls of the source, and the call sites nobody accounted for."""
    trees: dict[str, tuple[ast.Module, dict[str, Any]]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        name = "mlops_kit." + relative[: -len(".py")].replace("/", ".").removesuffix(".__init__")
        namespace = vars(importlib.import_module(name)) if not name.endswith("__main__") else {}
        trees[relative] = (ast.parse(path.read_text(encoding="utf-8")), dict(namespace))
    forwarding = forwarders(trees)
    found: list[Found] = []
    unknown: list[str] = []
    for relative, (tree, namespace) in trees.items():
        visitor = _Calls(relative, namespace, forwarding)
        visitor.visit(tree)
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
        "'a' + ' ' * {n} + 'x'": "a" + " " * run + "x",
        "'a' + ' a' * {n} + END": "a" + " a" * run + END,
        "'a' + '\\t' * {n} + 'x'": "a" + "\t" * run + "x",
    }
    return texts


def exercise(item: Found, text: str) -> None:
    """Run a pattern on `text` every way the kit runs it."""
    subject: str | bytes = text.encode() if isinstance(item.pattern.pattern, bytes) else text
    if "finditer" in item.ways:
        for _ in item.pattern.finditer(subject):
            pass
    if "match" in item.ways:
        item.pattern.match(subject)
    if "fullmatch" in item.ways:
        item.pattern.fullmatch(subject)


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
            at = ""
            try:
                probed = []
                for label, text in probes.items():
                    at = label.replace("{n}", str(PROBE))
                    probed.append((timed(item, label, text), label))
                worst = (0.0, "")
                for _, label in sorted(probed, reverse=True)[:WORST]:
                    at = label.replace("{n}", str(RUN))
                    worst = max(worst, (timed(item, label, full[label]), at))
            except _Hang:
                return f"HANG {item.where}: {item.pattern.pattern!r} on {at}"
            slowest.append((*worst, item.where))
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

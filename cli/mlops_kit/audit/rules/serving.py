# A rule's docstring starts with its title, a statement of the standard (not imperative).
# ruff: noqa: D401
"""Serving and monitoring: a served model checks its input, a monitor has a reference."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import Any, NamedTuple

from mlops_kit.audit import facts
from mlops_kit.audit.model import Finding
from mlops_kit.audit.parsing import line_of, python_tree
from mlops_kit.audit.profile import TEACHING_FOLDERS, called_name, profile_of, walk
from mlops_kit.audit.repo import RepoView
from mlops_kit.audit.rule import rule
from mlops_kit.audit.rules.tracking import tracking_service

WEB_FRAMEWORKS = ("flask", "fastapi", "starlette", "litestar", "sanic", "bottle", "falcon")
_ROUTE = re.compile(
    r"@\w+\.(?:route|post|put|api_route)\(|\.add_url_rule\(|\.add_route\(", re.MULTILINE
)
# Code that checks input: a schema library imported, or a validating call.
_VALIDATES = re.compile(
    r"^[ \t]*(?:from|import)[ \t][^\n]*\b(?:pandera|pydantic|jsonschema|marshmallow|cerberus)\b"
    r"|\b(?:BaseModel|Schema)\b"
    r"|\b\w*(?:validat\w*|frame_from_records|check_\w+|parse_obj|model_validate)\("
    # a field checked against its range by hand (`if not (0 <= lead_time <= 100):`)
    r"|\bif[ \t]+not[ \t]*\([ \t]*-?[\d.]+[ \t]*<=?[ \t]*\w+[ \t]*<=?[ \t]*-?[\d.]+[ \t]*\)"
    # an upload's format checked (`if file.content_type not in allowed_types:`)
    r"|\.content_type[ \t]+(?:not[ \t]+)?in\b|\.content_type[ \t]*[!=]="
    # flask-restx checks the body against its model (`@api.expect(model, validate=True)`)
    r"|\.expect\([^)\n]*?\bvalidate[ \t]*=[ \t]*True"
    # a required key checked, answering 400 or 422 (`if "image" not in data: return ..., 400`,
    # `if not data or "smiles" not in data:`)
    r"|\bif[ \t]+(?:not[ \t]+[\w.]++[ \t]+or[ \t]+)?"
    r"[\"'][\w-]++[\"'][ \t]+not[ \t]+in[ \t]+[\w.]++[ \t]*:[ \t]*\n[ \t]*+"
    r"(?:return\b[^\n]*?\b4(?:00|22)\b|abort\([ \t]*4(?:00|22)\b)"
    # any check of the input that answers 400 or 422 (`if not isinstance(text, str):` then
    # `return jsonify(...), 400`; `if missing:` then `raise HTTPException(status_code=400,`)
    # (not values' presence alone: `if not image:`, `if not data or body is None:` let any
    # string through)
    r"|^[ \t]*+(?:el)?if\b(?![ \t]+(?=[^\n]*?(?:\bnot[ \t]|[ \t]is[ \t]+None\b))"
    r"(?:not[ \t]+)?[\w.]+(?:[ \t]+is[ \t]+None)?"
    r"(?:[ \t]+(?:or|and)[ \t]+(?:not[ \t]+)?[\w.]+(?:[ \t]+is[ \t]+None)?)*[ \t]*:)"
    r"[^\n]*:[ \t]*(?:#[^\n]*)?\n[ \t]*+"
    r"(?:return\b[^\n]*?\b4(?:00|22)\b|abort\([ \t]*4(?:00|22)\b"
    r"|raise[ \t]+HTTPException\(\s*(?:status_code[ \t]*=[ \t]*)?4(?:00|22)\b)"
    # a parse or check of the input that fails answers 400 or 422 (`except ValueError as
    # e:` then `return JSONResponse(status_code=400, ...)`; `except InvalidInputError:`
    # then `raise HTTPException(status_code=422)`); a KeyError caught is no check of types
    r"|^[ \t]*+except\b[^\n]*?(?:ValueError|TypeError|ValidationError|Invalid|InputError)"
    r"[^\n]*+\n(?:[ \t]*+[^\n]*+\n){0,2}?[ \t]*+(?:raise[ \t]++)?"
    r"(?:HTTPException|JSONResponse|abort)\([ \t]*+(?:status_code[ \t]*+=[ \t]*+)?4(?:00|22)\b",
    re.MULTILINE,
)
_WILDCARD = ("0.0.0.0", "::", "[::]", "*")
# A route that serves a model calls it: `model.predict(...)`, `predict_proba`, `infer(...)`.
# A call of a model (a definition, `def mock_predict():`, calls nothing).
_PREDICTS = re.compile(
    r"(?<!def )\b\w*predict\w*\(|(?<!def )\b\w*inference\w*\(|(?<!def )\binfer\("
)
# A handler named for predicting (`def predict():` that calls `model(x)`), and a file
# that has a model to call: it imports a model library or loads a saved model. A mock
# endpoint of a deployment smoke test has neither library nor model.
_PREDICT_DEF = re.compile(r"\bdef[ \t]+\w*(?:predict|inference|infer)\w*[ \t]*\(")
_HAS_MODEL = re.compile(
    r"^[ \t]*+(?:from|import)[ \t]+(?:torch|tensorflow|keras|joblib|pickle|cloudpickle"
    r"|sklearn|xgboost|lightgbm|catboost|onnxruntime|transformers|mlflow|bentoml)\b"
    r"|\b(?:load_model|from_pretrained|load_learner)\(|\b(?:joblib|pickle)\.loads?\(",
    re.MULTILINE,
)
_ROUTE_METHODS = frozenset({"route", "post", "put", "patch", "api_route"})
# Frameworks that validate a handler's typed parameters against the model class it names
# (FastAPI and Litestar answer 422 for a body that does not fit a pydantic model).
_TYPED_FRAMEWORKS = ("fastapi", "litestar")
_CHECKED_SCALARS = frozenset({"int", "float", "bool"})
# Parameter types that carry no schema: framework objects, builtins and typing generics.
_UNTYPED = frozenset(
    {"Request", "Response", "WebSocket", "BackgroundTasks", "UploadFile", "File", "Form",
     "Depends", "Any", "Optional", "Union", "List", "Dict", "Sequence", "Mapping", "Annotated",
     "Body", "Query", "Header", "Path", "Cookie", "HTTPConnection", "State"}
)  # fmt: skip
MONITOR_MODULE = re.compile(r"(?:^|/)monitor\.py$")


def service_files(repo: RepoView) -> list[str]:
    """Python files under src/ that import a web framework and declare a route."""
    found = facts.imports(repo)
    candidates = sorted({path for module in WEB_FRAMEWORKS for path, _ in found.get(module, [])})
    return [path for path in candidates if _ROUTE.search(repo.text(path) or "")]


def _section(repo: RepoView, name: str) -> tuple[str, Any] | None:
    """The config section `name`: params.yaml's, else the first conf/<name>/ file's."""
    params = repo.data(facts.PARAMS_YAML)
    if isinstance(params, dict) and isinstance(params.get(name), dict):
        return facts.PARAMS_YAML, params[name]
    folder = facts.config_dir(repo)
    for path in facts.conf_files(repo):
        if path.startswith(f"{folder}/{name}/"):
            data = repo.data(path)
            if isinstance(data, dict):
                return path, data
    return None


def has_monitor(repo: RepoView) -> bool:
    """Whether the project has a drift monitor (a monitor module or config section)."""
    return _section(repo, "monitor") is not None or any(
        MONITOR_MODULE.search(path) for path in facts.runtime_code(repo)
    )


@rule("SRV101", family="serving", severity="warning", kit_severity="error", applies=("code",))
def service_validates_input(repo: RepoView) -> Iterator[Finding]:
    """A model service validates its input before predicting.

    Why: a request with a missing column, a string for a number or a value far outside
    the training range either crashes the service (a 500 the caller cannot act on) or,
    worse, returns a confident prediction for nonsense; neither shows up in any metric.
    Fix: check each request against the schema the training data is validated with and
    answer 4xx naming the field, before calling the model:

        features = frame_from_records(records, cfg)  # raises BadInput(field, row)

    Only services whose code calls a model (`predict`, `inference`, or `model(x)` in a
    handler named `predict` of a file that imports a model library or loads a model) are
    checked, not the mock endpoint of a deployment smoke test; a
    FastAPI or Litestar route with a parameter typed by a model class (a pydantic body)
    or by a number type (`x: float`), or declared with constraints
    (`text: str = Query(..., min_length=2)`), is validated by the framework, and a handler that
    checks each field's range by hand (`if not (0 <= lead_time <= 100):`, answering an
    error), or a field's type or the columns sent (`if not isinstance(text, str): return
    ..., 400`, `if missing: raise HTTPException(status_code=400, ...)`), or an
    upload's format (`if file.content_type not in allowed_types:`), or
    answers 400 or 422 when parsing or checking the input fails (`except ValueError:` or
    `except InvalidInputError:` then `return JSONResponse(status_code=400, ...)`; not a
    KeyError caught), validates it itself. A route that reads
    the request for something else (which model to use) while the model is fed the
    service's own data (a forecast from stored history) has no caller input to check, nor
    has a route that takes no parameters where no code reads Flask's global `request` (a
    `/predict-live` that feeds the model weather data the service fetches itself); a
    function of the file named for predicting that calls no model, in a file that loads
    none (`start_predictive_runout_worker()`), is no model call, and
    a script that writes an app out as text (a Flask app in an f-string for a container)
    serves nothing itself. The finding points at the route that predicts.
    """
    global_request: bool | None = None  # searched for once, when a file needs it
    for path in service_files(repo):
        text = repo.text(path) or ""
        named_model = bool(_PREDICT_DEF.search(text) and _HAS_MODEL.search(text))
        if _VALIDATES.search(text) or not (_PREDICTS.search(text) or named_model):
            continue  # it checks what it gets, or no model is behind its routes (no parse)
        tree = python_tree(text)
        idle = _idle_helpers(tree, text)
        if not (_calls_model(text, tree, idle) or named_model):
            continue  # the file's calls named for predicting call no model
        if global_request is None:
            global_request = bool(facts.search_sources(repo, _GLOBAL_REQUEST))
        routes = _routes(tree, idle, global_request)
        if not routes and tree is not None:
            continue  # the routes are text the code writes out (an app in an f-string)
        typed = any(f in text for f in _TYPED_FRAMEWORKS)
        if typed and any(route.schema for route in routes):
            continue  # the framework validates the request against the named model class
        predicting = [route for route in routes if route.predicts]
        if predicting and all(route.own_data for route in predicting):
            continue  # the model is fed the service's own data, not what the caller sent
        named = [route.line for route in routes if route.named_predict]
        serving = [route.line for route in predicting] or named or [r.line for r in routes]
        yield Finding(
            "this service predicts without checking its input against a schema",
            path,
            serving[0] if serving else None,
        )


class _Route(NamedTuple):
    line: int  # of the route decorator
    predicts: bool  # the handler calls a model
    schema: bool  # a parameter typed by a model class or number type, or constrained
    own_data: bool  # it reads the request, yet no value read from it reaches the model
    named_predict: bool  # the handler is named for predicting (`def predict():`)


# Flask's, Bottle's and Quart's request is a global any function may read
# (`from flask import Flask, request`, `flask.request.json`).
_GLOBAL_REQUEST = re.compile(r"\b(?:flask|bottle|quart)\b[^\n]{0,80}?\brequest\b")


def _idle_helpers(tree: ast.Module | None, text: str) -> frozenset[str]:
    """The file's own functions named for predicting that call no model, in a file that has none.

    `start_predictive_runout_worker()` of an app that imports no model library and loads
    no model reads stored forecasts: calling it calls no model.
    """
    if tree is None or _HAS_MODEL.search(text):
        return frozenset()
    defined = {node.name: node for node in _functions(tree)}
    direct: set[str] = set()  # functions that call a model themselves
    local: dict[str, set[str]] = {}  # the file's own functions each one calls by name
    for name, node in defined.items():
        for call in walk(node):
            if isinstance(call, ast.Call) and _predicts(call, frozenset()):
                callee = call.func.id if isinstance(call.func, ast.Name) else None
                if callee in defined:
                    local.setdefault(name, set()).add(callee)
                else:
                    direct.add(name)
    calling = set(direct)
    while grown := {n for n, callees in local.items() if n not in calling and callees & calling}:
        calling |= grown
    return frozenset(n for n in defined if n not in calling and _PREDICTS.match(n + "("))


def _is_name(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _predicts(node: ast.AST, idle: frozenset[str]) -> bool:
    """Return True for a call of a model (`model.predict(x)`), not of an idle helper of the file."""
    return (
        isinstance(node, ast.Call)
        and _PREDICTS.match(called_name(node.func) + "(") is not None
        and not (isinstance(node.func, ast.Name) and node.func.id in idle)
    )


def _calls_model(text: str, tree: ast.Module | None, idle: frozenset[str]) -> bool:
    """Return True when the file calls a model (`predict`, `inference`), not idle helpers only."""
    if not _PREDICTS.search(text):
        return False
    return tree is None or not idle or any(_predicts(node, idle) for node in walk(tree))


def _routes(tree: ast.Module | None, idle: frozenset[str], global_request: bool) -> list[_Route]:
    """What each route handler of the file does, in the order of the file.

    With `global_request` False, no code of the repository reads a request global (Flask's
    `request`): a handler without parameters gets nothing from the caller.
    """
    if tree is None:
        return []
    found = []
    for node in _functions(tree):
        lines = [
            d.lineno
            for d in node.decorator_list
            if isinstance(d, ast.Call)
            and isinstance(d.func, ast.Attribute)
            and d.func.attr in _ROUTE_METHODS
        ]
        if not lines:
            continue
        calls = [c for c in walk(node) if isinstance(c, ast.Call) and _predicts(c, idle)]
        arguments = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
        schema = any(_schema_type(a.annotation) for a in arguments if a.annotation is not None)
        defaults = [*node.args.defaults, *(d for d in node.args.kw_defaults if d is not None)]
        schema = (
            schema
            or any(_constrained(d) for d in defaults)
            or any(
                _constrained(part)
                for a in arguments
                if a.annotation is not None
                for part in ast.walk(a.annotation)
            )
        )
        parameters = {a.arg for a in arguments} - {"self", "cls"}
        # a handler that takes no parameters and reads no request global gets no input
        takes_nothing = not (parameters or global_request or node.args.vararg or node.args.kwarg)
        own_data = bool(calls) and (
            (takes_nothing and not any(_is_name(n, "request") for n in walk(node)))
            or _own_data(node, calls, parameters)
        )
        named_predict = _PREDICT_DEF.match(f"def {node.name}(") is not None
        found.append(_Route(lines[0], bool(calls), schema, own_data, named_predict))
    return sorted(found)


def _own_data(
    handler: ast.FunctionDef | ast.AsyncFunctionDef, calls: list[ast.Call], parameters: set[str]
) -> bool:
    """Return True when the handler reads the request, yet its model calls get none of it.

    Known to be the service's own data: a model call given only literals and values the
    handler computed from names it did not read from the request. A call without
    arguments (`classifier.predict()`) reads its input from elsewhere (a file the handler
    wrote), and a name the handler never assigns may be anything.
    """
    names = _names_below(handler)
    read = _read_from_request(handler, parameters, names)
    if not read:
        return False
    local = _assigned(handler)
    return not any(
        not names[id(call)].isdisjoint(read)
        or not (call.args or call.keywords)
        or not _data_names([*call.args, *(k.value for k in call.keywords)]) <= local
        for call in calls
    )


def _names_below(tree: ast.AST) -> dict[int, frozenset[str]]:
    """The names each node of `tree` holds (itself included), by node id, in one pass."""
    order = list(walk(tree))  # parents before children: children are done first below
    names: dict[int, frozenset[str]] = {}
    for node in reversed(order):
        own = {node.id} if isinstance(node, ast.Name) else set()
        for child in ast.iter_child_nodes(node):
            own |= names.get(id(child), frozenset())
        names[id(node)] = frozenset(own)
    return names


def _read_from_request(
    handler: ast.FunctionDef | ast.AsyncFunctionDef,
    parameters: set[str],
    names: dict[int, frozenset[str]],
) -> set[str]:
    """Names in `handler` that hold what the caller sent (empty: it never reads the request).

    The handler's parameters hold the request's fields (FastAPI, a Flask path); Flask's
    `request` is read where it is used. A name assigned from one of them holds request
    data too, and so may whatever a call given one can fill: its receiver
    (`row.append(body["age"])`) and its other arguments (`save(image, app.filename)`).
    """
    read = set(parameters)
    if "request" in names[id(handler)]:
        read.add("request")
    if not read:
        return read

    def uses(node: ast.AST | None) -> bool:
        return node is not None and not names[id(node)].isdisjoint(read)

    nodes = [n for n in walk(handler) if n is not handler]
    for _ in range(3):  # a value read in a loop may reach a name assigned above it
        before = len(read)
        for node in nodes:
            binding = _binding(node)
            if binding is not None:
                bound, source = binding
                if uses(source):
                    read |= bound
            elif isinstance(node, ast.Call):
                arguments = [*node.args, *(k.value for k in node.keywords)]
                if any(uses(arg) for arg in arguments):
                    # `features.append(body["age"])`, `save_image(data, app.filename)`:
                    # the receiver and the other arguments may now hold what was sent
                    for part in [node.func, *arguments]:
                        read |= names[id(part)]
        if len(read) == before:
            break
    return read


def _binding(node: ast.AST) -> tuple[set[str], ast.AST | None] | None:
    """(names bound, the value they get) of an assignment, loop or `with` target; else None."""
    if isinstance(node, ast.Assign):
        return {name for target in node.targets for name in _bound(target)}, node.value
    if isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.NamedExpr)):
        return _bound(node.target), node.value
    if isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
        return _bound(node.target), node.iter
    if isinstance(node, ast.withitem) and node.optional_vars is not None:
        return _bound(node.optional_vars), node.context_expr
    return None


def _assigned(handler: ast.AST) -> set[str]:
    """Names a handler binds (assignments, loop and `with` targets)."""
    return {name for node in walk(handler) for name in (_binding(node) or (set(), None))[0]}


def _data_names(values: list[ast.expr]) -> set[str]:
    """Names read as data in `values`: not those of functions called (`np.array(x)`: `x`)."""
    called: set[int] = set()
    for value in values:
        for node in walk(value):
            if isinstance(node, ast.Call):
                func = node.func
                while isinstance(func, ast.Attribute):
                    func = func.value
                called.add(id(func))
    return {
        node.id
        for value in values
        for node in walk(value)
        if isinstance(node, ast.Name) and id(node) not in called
    }


def _bound(target: ast.AST) -> set[str]:
    """Names an assignment target binds or fills (`x`, `a, b`, `row["k"]`, `obj.field`)."""
    if isinstance(target, ast.Name):
        return {target.id}
    if isinstance(target, (ast.Tuple, ast.List)):
        return {name for element in target.elts for name in _bound(element)}
    if isinstance(target, ast.Starred):
        return _bound(target.value)
    if isinstance(target, (ast.Subscript, ast.Attribute)):
        return _bound(target.value)
    return set()


# The fields of a statement that hold statements (`except` and `case` clauses hold theirs).
_BLOCKS = ("body", "orelse", "finalbody", "handlers", "cases")


def _functions(tree: ast.Module) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    """Yield every function definition in `tree` (the ones `ast.walk` meets, in any order).

    A definition is a statement, so it sits in a block of the module or of another
    statement: only blocks are walked, never the expressions that make up most nodes.
    """
    todo: list[ast.AST] = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node
        for field in _BLOCKS:
            block = getattr(node, field, None)
            if isinstance(block, list):
                todo.extend(block)


# FastAPI's parameter declarations, and the constraints they make the framework check.
_PARAMETER_CALLS = frozenset({"Query", "Body", "Form", "Path", "Header", "Cookie", "Field"})
_CONSTRAINTS = frozenset(
    {"min_length", "max_length", "regex", "pattern", "ge", "gt", "le", "lt", "multiple_of",
     "max_digits", "decimal_places"}
)  # fmt: skip


def _constrained(node: ast.AST) -> bool:
    """True for `Query(..., min_length=2)`: a parameter the framework checks (422 if not)."""
    return (
        isinstance(node, ast.Call)
        and called_name(node.func) in _PARAMETER_CALLS
        and any(keyword.arg in _CONSTRAINTS for keyword in node.keywords)
    )


def _schema_type(annotation: ast.expr) -> bool:
    """Return True when an annotation names a class (a pydantic model) or a number type."""
    if isinstance(annotation, ast.Name) and annotation.id in _CHECKED_SCALARS:
        return True  # `sepal_length: float`: the framework answers 422 for "abc"
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        # `crop_size: int | None`: checked when given
        return _schema_type(annotation.left) or _schema_type(annotation.right)
    if (
        isinstance(annotation, ast.Subscript)
        and isinstance(annotation.value, ast.Name)
        and annotation.value.id == "Optional"
    ):
        return _schema_type(annotation.slice)  # `Optional[int]`
    for node in ast.walk(annotation):
        name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", None)
        if isinstance(name, str) and name[:1].isupper() and name not in _UNTYPED:
            return True
    return False


@rule("SRV102", family="serving", severity="error", applies=("not-template",))
def monitor_has_reference_data(repo: RepoView) -> Iterator[Finding]:
    """A drift monitor names reference data that exists.

    Why: drift is a difference from a reference (the training data); a monitor whose
    reference is missing, or is a file nobody versions or produces, either fails when it
    is needed or compares against whatever happens to lie on one machine.
    Outside mlops-kit projects, where a monitor keeps its reference is the project's own
    choice: only a `monitor` config section (params.yaml or the Hydra config) is checked.
    Fix: set `monitor.reference_path` to a dataset the pipeline produces or DVC tracks:

        monitor:
          reference_path: ${data.train_path}
    """
    if not has_monitor(repo):
        return
    section = _section(repo, "monitor")
    if section is None:
        if profile_of(repo).kit:  # the kit's monitor reads its reference from config
            yield Finding("a monitor module but no `monitor` config section with reference_path")
        return
    path, values = section
    reference = values.get("reference_path", values.get("reference"))
    if not isinstance(reference, str) or not reference.strip():
        yield Finding("the monitor config names no reference_path", path)
        return
    if "${" in reference or "://" in reference:
        return  # interpolated (checked in params.yaml) or remote
    if not (
        repo.exists(reference)
        or repo.exists(reference + ".dvc")
        or facts.producer(repo, reference) is not None
    ):
        yield Finding(
            f"monitor reference {reference} does not exist, is not DVC-tracked and no stage "
            "produces it",
            path,
            line_of(values, "reference_path"),
        )


@rule("SRV103", family="serving", severity="warning", applies=("hydra",))
def service_binds_loopback(repo: RepoView) -> Iterator[Finding]:
    """The model service binds loopback by default.

    Why: a service listening on every interface of a laptop or a shared host exposes the
    model (and the prediction log it writes) to the whole network.
    Fix: keep `host: 127.0.0.1` in conf/serve/ and override it where a container needs it
    (`serve.host=0.0.0.0` in the Dockerfile's command, behind the container's port map).
    """
    folder = facts.config_dir(repo)
    for path in facts.conf_files(repo):
        if not path.startswith(f"{folder}/serve/"):
            continue
        data = repo.data(path)
        host = data.get("host") if isinstance(data, dict) else None
        if isinstance(host, str) and host.strip() in _WILDCARD:
            yield Finding(
                f"serve host {host} listens on every interface", path, line_of(data, "host")
            )


@rule("SRV105", family="serving", severity="error", applies=("code",))
def no_debugger_on_every_interface(repo: RepoView) -> Iterator[Finding]:
    """A Flask service never runs its debugger on every interface.

    Why: `app.run(host="0.0.0.0", debug=True)` starts Werkzeug's interactive debugger,
    which runs any Python code a visitor types into an error page: on every interface (a
    container's published port, a shared host), that is remote code execution for anyone
    who can reach the port. Calls in tests, examples, docs and a course's chapters
    (`chapter-05-deployment/`) are not reported.
    Fix: never ship `debug=True`; read it from the environment for local work
    (`debug=os.environ.get("FLASK_DEBUG") == "1"`), bind `127.0.0.1` unless a container
    needs `0.0.0.0`, and serve production traffic with gunicorn or waitress.
    """
    for path, line, call in facts.search_sources(repo, _RUN_CALL):
        if (
            _DEBUG_ON.search(call)
            and _EVERY_INTERFACE.search(call)
            and not TEACHING_FOLDERS.search(path)
            and "flask" in (repo.text(path) or "").lower()
        ):
            yield Finding(
                "the Flask debugger runs on every interface (debug=True, host 0.0.0.0)",
                path,
                line,
            )


# `app.run(...)`, its arguments (one level of nested calls: `os.getenv("HOST", "0.0.0.0")`).
_RUN_CALL = re.compile(r"\.run\((?:[^()]|\([^()\n]{0,200}\)){0,400}\)")
_DEBUG_ON = re.compile(r"\bdebug\s*=\s*True\b")
_EVERY_INTERFACE = re.compile(r"""["'](?:0\.0\.0\.0|::)["']""")


@rule("SRV104", family="serving", severity="warning", applies=("kit", "ci"))
def monitor_runs_on_a_schedule(repo: RepoView) -> Iterator[Finding]:
    """CI runs the drift monitor on a schedule.

    Why: drift happens between releases; a monitor nobody runs raises no alarm. A
    scheduled job that fails on drift is the simplest alert a team already watches.
    Checked in mlops-kit projects, whose monitor is `make monitor`; other repositories
    schedule theirs in many places (an Airflow DAG, a Kubernetes CronJob, cron).
    Fix: add a scheduled workflow (GitHub `on: schedule`, or a GitLab job with
    `rules: - if: $CI_PIPELINE_SOURCE == "schedule"`) that runs the monitor (`make monitor`).
    """
    if not has_monitor(repo) or not facts.ci_files(repo):
        return
    scheduled = False
    for path in facts.ci_files(repo):
        data = repo.data(path)
        text = repo.text(path) or ""
        if "monitor" not in text:
            continue
        triggers = data.get("on", data.get(True)) if isinstance(data, dict) else None
        if (isinstance(triggers, dict) and "schedule" in triggers) or "schedule" in text:
            scheduled = True
    if not scheduled:
        yield Finding("no CI job runs the monitor on a schedule", facts.ci_files(repo)[0])


@rule("SRV106", family="serving", severity="warning")
def databases_bind_loopback(repo: RepoView) -> Iterator[Finding]:
    """Compose publishes its databases on loopback only.

    Why: `ports: - "5432:5432"` publishes the port on every interface of the host, and
    Docker's rules bypass the host's firewall: anyone on the network (a café's Wi-Fi, a
    cloud VM's public address) reaches Postgres with the password in the compose file, or
    Redis, which asks for none. The services beside it reach the database over the
    compose network without any published port.
    A service counts as a database by its image (postgres, postgis, mysql, mariadb, mongo,
    redis, elasticsearch, opensearch, clickhouse, cassandra, neo4j, influxdb, minio,
    timescaledb); one
    that runs MLflow is TRK106's. Compose files of tests and examples are not read. One
    finding per service, at its first such port, in the short syntax or the long one
    (`published: 5432` without `host_ip: 127.0.0.1`).
    Fix: publish on loopback (`"127.0.0.1:5432:5432"`) or drop `ports:` and let the
    services reach it by name (`postgres:5432`).
    """
    for path, name, service in facts.compose_services(repo):
        if _NOT_DEPLOYED.search(path) or tracking_service(name, service):
            continue
        image = str(service.get("image") or "")
        kind = _DATABASE_IMAGE.match(image.rsplit("/", 1)[-1])
        if kind is None:
            continue
        for port, line in facts.ports_on_every_interface(service):
            yield Finding(
                f"{kind.group(1)} service {name!r} publishes {port!r} on every interface",
                path,
                line,
            )
            break


# A database's image, by its name after the registry and namespace (`postgres:16`,
# `bitnami/redis`, `postgis/postgis:16-3.4`, `docker.elastic.co/.../elasticsearch:8.13.0`).
_DATABASE_IMAGE = re.compile(
    r"(postgres|postgis|mysql|mariadb|mongo|redis|elasticsearch|opensearch|clickhouse"
    r"|cassandra|neo4j|influxdb|minio|timescaledb(?:-ha)?)(?:db|-server|-stack)?(?::|@|$)"
)
# Compose files of tests and examples: not what a team deploys.
_NOT_DEPLOYED = re.compile(r"(?:^|/)(?:tests?|examples?|docs)/")


@rule("SRV107", family="serving", severity="error", applies=("code",))
def notebook_servers_ask_for_a_token(repo: RepoView) -> Iterator[Finding]:
    """A Jupyter server that listens on every interface asks for a token or a password.

    Why: Jupyter runs any code its visitors type. Started with its token emptied
    (`--NotebookApp.token=''`, `--ServerApp.token=''`, `c.ServerApp.token = ''`) and
    listening on every interface (`--ip=0.0.0.0`, or the Jupyter Docker Stacks' start
    scripts, which listen there by default), anyone who reaches the port (a published
    container port, a cloud VM's address) gets a shell with the container's data and
    credentials. Read: Dockerfiles, Compose services' commands, shell scripts, Makefiles
    and Jupyter config files, outside tests, examples, docs and course folders; a server
    given a password is not reported.
    Fix: keep Jupyter's token (it is printed with the URL) or set a hashed password
    (`jupyter server password`), and publish the port on loopback
    (`"127.0.0.1:8888:8888"`), reached through an SSH tunnel from elsewhere.
    """
    for path, line, command in _notebook_commands(repo):
        if (
            _EMPTY_TOKEN.search(command)
            and (_ALL_INTERFACES.search(command) or _DOCKER_STACKS_START.search(command))
            and not _PASSWORD_SET.search(command)
        ):
            yield Finding(
                "a Jupyter server runs with an empty token on every interface: anyone who "
                "reaches the port runs code",
                path,
                line,
            )


def _notebook_commands(repo: RepoView) -> Iterator[tuple[str, int | None, str]]:
    """(path, line, command) of what may start Jupyter: a logical line, a service's command."""
    for path, _, service in facts.compose_services(repo):
        if _deployed(path):
            parts = [service.get(key) for key in ("entrypoint", "command")]
            words = [" ".join(map(str, p)) if isinstance(p, list) else str(p or "") for p in parts]
            command = " ".join(words)
            if "token" in command:
                yield path, line_of(service, "command") or line_of(service, "entrypoint"), command
    dockerfiles = set(facts.dockerfiles(repo))
    for path in repo.files:
        name = path.rpartition("/")[2]
        config = name in _JUPYTER_CONFIGS
        started = config or path in dockerfiles or name == "Makefile" or name.endswith(_SCRIPTS)
        if not started or not _deployed(path):
            continue
        text = repo.text(path) or ""
        if "token" not in text:
            continue
        if config:
            yield path, None, text  # the file's settings together
            continue
        for number, command in facts.logical_lines(text.split("\n")):
            if "token" in command and not command.lstrip().startswith("#"):
                yield path, number, command


def _deployed(path: str) -> bool:
    """Return False for files of tests, examples, docs and course folders."""
    return not (_NOT_DEPLOYED.search(path) or TEACHING_FOLDERS.search(path))


_JUPYTER_CONFIGS = frozenset(
    {"jupyter_notebook_config.py", "jupyter_server_config.py", "jupyter_lab_config.py"}
)
_SCRIPTS = (".sh", ".bash", ".mk")
# An emptied token: `--NotebookApp.token=''`, `"--ServerApp.token="` in an argument
# list, `--IdentityProvider.token ""`, or `c.ServerApp.token = ''` in a config file.
_EMPTY_TOKEN = re.compile(
    r"--(?:NotebookApp|ServerApp|IdentityProvider)\.token(?:=|[ \t]++)"
    r"""(?:''|""|"(?=[ \t]*+[,\]])|\\"\\"|(?=[ \t]|$))"""
    r"""|\bc\.(?:NotebookApp|ServerApp|IdentityProvider)\.token[ \t]*+=[ \t]*+(?:''|"")"""
)
_ALL_INTERFACES = re.compile(
    r"""--(?:(?:NotebookApp|ServerApp)\.)?ip(?:=|[ \t]++)["']?(?:0\.0\.0\.0|\*|::)"""
    r"""|\bc\.(?:NotebookApp|ServerApp)\.ip[ \t]*+=[ \t]*+["'](?:0\.0\.0\.0|\*|::)["']"""
)
# The Jupyter Docker Stacks' start scripts listen on every interface unless told otherwise.
_DOCKER_STACKS_START = re.compile(r"\bstart-notebook\.(?:sh|py)\b|\bstart\.sh[ \t]++jupyter\b")
_PASSWORD_SET = re.compile(
    r"""--(?:NotebookApp|ServerApp|PasswordIdentityProvider)\.(?:hashed_)?password"""
    r"""(?:=|[ \t]++)["']?(?!["'\s,\]]|$)"""
    r"""|\bc\.(?:NotebookApp|ServerApp|PasswordIdentityProvider)\.(?:hashed_)?password"""
    r"""[ \t]*+=[ \t]*+["'](?!["'])"""
)

"""Render a project's own stage templates in a child process bounded in time and memory.

A template from a cloned repository is untrusted: Jinja's sandbox stops it from running
code, but not from looping for hours (`range` inside `range`), building a 10 GB string or
recursing without end. So project templates render in a separate Python process with an
address-space and CPU limit (where the OS has them), a wall-clock timeout and a cap on
the rendered size; `{% include %}` only reaches the other project templates. Every way it
can fail comes back as one line.

Run as `python -m mlops_kit.stages.sandbox`: a JSON request on stdin, a JSON answer on
stdout.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from typing import Any

from mlops_kit.errors import UsageError

TIMEOUT_SECONDS = 4.0
MEMORY_BYTES = 768 * 1024 * 1024
MAX_OUTPUT_CHARS = 1024 * 1024


def environment(templates: dict[str, str] | None = None) -> Any:
    """Return the sandboxed Jinja environment stage templates render in."""
    from jinja2 import DictLoader, StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    from mlops_kit.stages.yamlemit import yaml_scalar

    env = SandboxedEnvironment(
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
        loader=DictLoader(templates or {}),
    )
    env.filters["yaml_string"] = yaml_scalar
    env.filters["python_string"] = lambda value: json.dumps(str(value), ensure_ascii=False)
    return env


def render_bounded(env: Any, source: str, variables: dict[str, Any]) -> str:
    """Render `source`, stopping once the output passes `MAX_OUTPUT_CHARS`."""
    chunks: list[str] = []
    size = 0
    for chunk in env.from_string(source).generate(**variables):
        size += len(chunk)
        if size > MAX_OUTPUT_CHARS:
            raise ValueError(f"renders more than {MAX_OUTPUT_CHARS // 1024} KiB of text")
        chunks.append(chunk)
    return "".join(chunks)


def _describe(error: BaseException) -> str:
    from jinja2 import TemplateSyntaxError

    if isinstance(error, TemplateSyntaxError):
        return f"{error.lineno}: {error.message}"
    if isinstance(error, RecursionError):
        return "recurses too deeply (a macro or include calling itself?)"
    if isinstance(error, MemoryError):
        return f"needs more than {MEMORY_BYTES // (1024 * 1024)} MiB to render"
    text = " ".join(str(error).split())[:200]
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _child() -> None:
    request = json.loads(sys.stdin.read())
    templates: dict[str, str] = request["templates"]
    env = environment(templates)
    rendered: dict[str, str] = {}
    for name, source in request["sources"].items():
        try:
            rendered[name] = render_bounded(env, source, request["variables"])
        except BaseException as error:
            sys.stdout.write(json.dumps({"error": _describe(error), "template": name}))
            return
    sys.stdout.write(json.dumps({"rendered": rendered}))


def _limit_resources() -> None:  # pragma: no cover - runs in the child before exec
    import resource

    for limit, value in ((resource.RLIMIT_AS, MEMORY_BYTES), (resource.RLIMIT_CPU, 10)):
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(limit, (value, value))


def render_in_child(
    sources: dict[str, str],
    templates: dict[str, str],
    variables: dict[str, Any],
    labels: dict[str, str],
) -> dict[str, str]:
    """Render `sources` (name -> text) in a bounded child process; return name -> output.

    Raises:
        UsageError: a template failed, looped past the timeout or ran out of memory.

    """
    request = json.dumps({"sources": sources, "templates": templates, "variables": variables})
    limits = _limit_resources if sys.platform != "win32" else None
    try:
        done = subprocess.run(
            [sys.executable, "-P", "-m", "mlops_kit.stages.sandbox"],
            input=request,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=TIMEOUT_SECONDS,
            preexec_fn=limits,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise UsageError(
            f"the project's stage templates took longer than {TIMEOUT_SECONDS:.0f} s to "
            "render (a loop too large?); fix them in .mlops-kit/templates/stage/"
        ) from None
    try:
        answer = json.loads(done.stdout) if done.stdout else {}
    except ValueError:
        answer = {}
    if "rendered" in answer and isinstance(answer["rendered"], dict):
        return {str(k): str(v) for k, v in answer["rendered"].items()}
    if "error" in answer:
        name = str(answer.get("template"))
        separator = ":" if str(answer["error"])[:1].isdigit() else ": "
        raise UsageError(f"{labels.get(name, name)}{separator}{answer['error']}")
    reason = "out of memory or CPU time" if done.returncode < 0 or not done.stdout else "failed"
    raise UsageError(
        f"rendering the project's stage templates {reason} (exit {done.returncode}); "
        "fix them in .mlops-kit/templates/stage/"
    )


if __name__ == "__main__":
    _child()

"""The command line builds the command it runs; `--help` and unknown words get them all."""

from __future__ import annotations

import json
import subprocess
import sys

from mlops_kit import app as cli
from typer.testing import CliRunner


def _imported_commands(*argv: str) -> list[str]:
    probe = (
        f"import sys; sys.argv = ['mlops-kit', *{list(argv)!r}]\n"
        "from mlops_kit import app\n"
        "try:\n    app.main()\nexcept SystemExit:\n    pass\n"
        "import json\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('mlops_kit.commands.'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    names: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return names


def test_a_command_imports_its_own_module_alone() -> None:
    assert _imported_commands("audit", "--help") == ["mlops_kit.commands.audit"]
    assert _imported_commands("add-stage", "--help") == ["mlops_kit.commands.add_stage"]
    every = sorted(f"mlops_kit.commands.{module}" for module in cli.COMMANDS.values())
    assert _imported_commands("--help") == every
    assert _imported_commands("audti") == every  # for "did you mean"


def test_help_lists_every_command_in_order() -> None:
    result = CliRunner().invoke(cli.app, ["--help"], env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert result.exit_code == 0
    places = [result.output.find(f" {name} ") for name in cli.COMMANDS]
    assert -1 not in places and places == sorted(places)
    assert [c.name for c in cli.application("update").registered_commands] == ["update"]

"""Every regular expression in the kit stays linear-time on text built to make it backtrack.

The audit runs patterns on untrusted repositories and the stage tools on hand-edited
files; one quadratic pattern turns a 1 MB line into minutes. `regex_inventory` finds every
pattern (from the modules and from the source), and feeds each adversarial input in a
subprocess with a generous guard: a hang guard, not a speed assertion.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from audit.regex_inventory import Found, every_pattern, first_hang, unaccounted

INVENTORY = Path(__file__).with_name("regex_inventory.py")
GUARD = 30  # seconds per pattern and input; linear patterns take well under one
SUITE_GUARD = 900


def test_every_re_call_is_known_to_the_inventory() -> None:
    # A pattern built at run time must be listed in DYNAMIC with the shapes it takes.
    assert unaccounted() == []


def test_inventory_holds_the_patterns_that_scan_untrusted_text() -> None:
    where = {item.where.split(" ")[0] for item in every_pattern()}
    assert {
        "mlops_kit.audit.secrets.URI_WITH_PASSWORD",
        "mlops_kit.audit.secrets.ASSIGNMENT",
        "mlops_kit.audit.secrets.any_token()",
        "mlops_kit.audit.rules.tracking._CLI_BIND",
        "mlops_kit.stages.splice._EMPTY_FLOW",
    } <= where
    assert any(w.startswith("audit/rules/config.py:") for w in where)  # inline re.search


def test_the_guard_names_a_backtracking_pattern() -> None:
    quadratic = Found("a quadratic pattern", re.compile(r"\b[a-z.]*://"))
    assert (first_hang([quadratic], guard=2) or "").startswith("HANG a quadratic pattern")


def test_every_pattern_finishes_on_adversarial_input() -> None:
    done = subprocess.run(
        [sys.executable, str(INVENTORY), str(GUARD)],
        capture_output=True,
        text=True,
        timeout=SUITE_GUARD,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "DONE" in done.stdout

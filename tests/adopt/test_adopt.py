"""`mlops-kit adopt` on repositories the kit did not bake, then add-stage, dvc repro, tests."""

from __future__ import annotations

import re
import subprocess
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from adopt.repos import write_repo
from helpers import Invoke, bake_project, leave_killed_edit, run
from mlops_kit.template import template_version

Repo = Callable[[str], Path]


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under root (outside .git) with its bytes."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def commit(root: Path) -> None:
    """Commit everything."""
    for command in (["git", "add", "-A"], ["git", "commit", "-qm", "adopt"]):
        subprocess.run(command, cwd=root, check=True, capture_output=True)


@pytest.mark.parametrize("shape", ["scripts", "package", "hydra"])
def test_adopt_adds_only_what_is_missing(repo: Repo, invoke: Invoke, shape: str) -> None:
    root = repo(shape)
    before = snapshot(root)
    result = invoke("adopt", "--repo", root)
    assert result.exit_code == 0, result.output
    after = snapshot(root)
    for path, data in before.items():
        if path not in ("pyproject.toml", "tests/conftest.py"):
            assert after[path] == data, f"{path} was changed"
        elif path == "pyproject.toml":  # only appended to: what the team wrote comes first
            assert after[path].startswith(data), path
        else:  # added to: every line the team wrote is kept, in its order
            assert kept_in_order(data, after[path]), path
    pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    kit = pyproject["tool"]["mlops-kit"]
    assert kit["template-version"] == template_version()
    module = kit["answers"]["module_name"]
    for piece in ("runner.py", "config.py", "files.py", "stages/__init__.py"):
        assert (root / "src" / module / piece).is_file()
    # Every script the added hooks run is there too.
    hooks = (root / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    for script in set(re.findall(r"entry: sh (\S+)", hooks)):
        assert (root / script).is_file(), script
    for piece in ("conf/config.yaml", "params.yaml", "dvc.yaml", "data/catalog.yaml"):
        assert (root / piece).is_file()
    assert "def cfg(" in (root / "tests/conftest.py").read_text(encoding="utf-8")
    again = invoke("adopt", "--repo", root)
    assert again.exit_code == 0 and "nothing to add" in again.output
    assert snapshot(root) == after


def test_detected_answers(repo: Repo, invoke: Invoke) -> None:
    root = repo("package")
    assert invoke("adopt", "--repo", root).exit_code == 0
    answers = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["mlops-kit"]["answers"]
    assert answers["module_name"] == "churn"
    assert answers["project_slug"] == "churn_model"
    assert answers["author_name"] == "Ana Lima"
    assert not (root / ".github/workflows/ci.yml").exists()  # it has a workflow of its own


def test_params_become_the_hydra_root(repo: Repo, invoke: Invoke) -> None:
    root = repo("scripts")
    assert invoke("adopt", "--repo", root).exit_code == 0
    config = yaml.safe_load((root / "conf/config.yaml").read_text())
    params = yaml.safe_load((root / "params.yaml").read_text())
    assert config == {"defaults": ["_self_"], **params}


def test_dry_run_prints_the_diff_and_writes_nothing(repo: Repo, invoke: Invoke) -> None:
    root = repo("hydra")
    before = snapshot(root)
    result = invoke("adopt", "--dry-run", "--repo", root)
    assert result.exit_code == 0, result.output
    assert "+++ b/src/forecast/runner.py" in result.output
    assert "+[tool.mlops-kit]" in result.output
    assert snapshot(root) == before


def test_refuses_to_overwrite_a_file_it_needs(repo: Repo, invoke: Invoke) -> None:
    root = repo("hydra")
    (root / "src/forecast/config.py").write_text("SETTINGS = {}\n", encoding="utf-8")
    before = snapshot(root)
    result = invoke("adopt", "--repo", root)
    assert result.exit_code == 2
    assert "src/forecast/config.py exists with other content" in result.stderr
    assert "nothing was written" in result.stderr
    assert snapshot(root) == before


def test_bad_answer_is_refused_with_the_fix(repo: Repo, invoke: Invoke) -> None:
    root = repo("scripts")
    before = snapshot(root)
    result = invoke("adopt", "--set", "module_name=json", "--repo", root)
    assert result.exit_code == 2 and "--set" in result.stderr
    assert snapshot(root) == before


def test_add_stage_before_adopt_names_every_missing_piece(repo: Repo, invoke: Invoke) -> None:
    root = repo("hydra")
    result = invoke("add-stage", "trend", "--repo", root)
    assert result.exit_code == 2
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1
    for piece in ("data/catalog.yaml", "src/forecast/runner.py", "cfg", "mlops-kit adopt"):
        assert piece in message


def test_report_stage_is_not_an_input(repo: Repo, invoke: Invoke) -> None:
    root = repo("hydra")
    assert invoke("adopt", "--repo", root).exit_code == 0
    result = invoke("add-stage", "publish", "--after", "report", "--repo", root)
    assert result.exit_code == 2
    assert "reports/summary.md" in result.stderr and "not tables" in result.stderr


def test_inputs_outside_data_reach_the_stage_config(repo: Repo, invoke: Invoke) -> None:
    root = repo("package")
    assert invoke("adopt", "--repo", root).exit_code == 0
    result = invoke("add-stage", "score", "-d", "raw/customers.csv", "--repo", root)
    assert result.exit_code == 0, result.output
    config = yaml.safe_load((root / "conf/score/default.yaml").read_text())
    assert config["tables"]["customers"]["input_paths"] == ["raw/customers.csv"]


# (shape, add-stage arguments, the stage's line in `dvc repro`)
PIPELINES = [
    ("scripts", ["clean", "--after", "prepare"], "clean: prepared 40 rows"),
    ("package", ["score", "--after", "featurize"], "score: customers 40 rows"),
    ("hydra", ["trend", "--after", "aggregate"], "trend: regions 2 rows"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("shape", "args", "line"), PIPELINES)
def test_adopted_repo_takes_a_stage_that_runs_and_passes_its_test(
    repo: Repo, shape: str, args: list[str], line: str, project_env: dict[str, str]
) -> None:
    root = repo(shape)
    env = {**project_env, "PYTHONPATH": str(root / "src")}
    run(["mlops-kit", "adopt"], root, env)
    commit(root)
    run(["mlops-kit", "add-stage", *args], root, env)
    repro = run(["dvc", "repro"], root, env, timeout=600).stdout
    assert line in repro
    name = args[0]
    run(
        ["python", "-m", "pytest", "-q", "-p", "no:cacheprovider", f"tests/test_{name}.py"],
        root,
        env,
    )
    # params.yaml is still the snapshot of conf/ (what the project's hook checks).
    answers = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["mlops-kit"]["answers"]
    run(["python", "-m", f"{answers['module_name']}.config", "--check"], root, env)
    commit(root)
    # The adopted repo takes template updates from now on.
    update = run(["mlops-kit", "update"], root, env)
    assert "Recorded the pristine bake" in update.stdout
    assert run(["mlops-kit", "update", "--check"], root, env, check=False).returncode == 0


def test_run_from_a_subfolder_adopts_the_repository(repo: Repo, invoke: Invoke) -> None:
    root = repo("scripts")
    result = invoke("adopt", "--repo", root / "src")
    assert result.exit_code == 0, result.output
    assert (root / "conf/config.yaml").is_file() and not (root / "src/conf").exists()


def test_never_writes_through_a_symlink(repo: Repo, invoke: Invoke, tmp_path: Path) -> None:
    root = repo("hydra")
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "tests").symlink_to(outside)
    before = snapshot(root)
    result = invoke("adopt", "--repo", root)
    assert result.exit_code != 0
    assert result.stderr.startswith("Error: ") or "conflict" in result.stderr
    assert list(outside.iterdir()) == []
    assert snapshot(root) == before


def test_partial_kit_table_is_a_conflict_not_broken_toml(repo: Repo, invoke: Invoke) -> None:
    root = repo("package")
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + '\n[tool.mlops-kit.answers]\nci = "github"\n')
    before = snapshot(root)
    result = invoke("adopt", "--repo", root)
    assert result.exit_code == 2
    assert "template-version" in result.stderr
    assert snapshot(root) == before


@pytest.mark.parametrize("committed", [False, True], ids=["undone", "finished"])
def test_an_adopt_killed_half_way_is_settled_before_the_next_one_looks(
    repo: Repo, invoke: Invoke, tmp_path: Path, committed: bool
) -> None:
    from mlops_kit.adopt.plan import plan_adopt

    reference = write_repo(tmp_path / "reference", "package")
    assert invoke("adopt", "--repo", reference).exit_code == 0
    root = repo("package")
    changes = plan_adopt(root, []).changes
    # Killed after pyproject.toml (the stamp) and the next files were written.
    leave_killed_edit(root, changes, written=3, committed=committed)

    result = invoke("adopt", "--repo", root)

    assert result.exit_code == 0, result.output
    assert "an earlier run was interrupted" in result.stderr
    assert snapshot(root) == snapshot(reference)


def test_adopt_dry_run_refuses_while_a_killed_run_is_pending(repo: Repo, invoke: Invoke) -> None:
    from mlops_kit.adopt.plan import plan_adopt

    root = repo("scripts")
    leave_killed_edit(root, plan_adopt(root, []).changes, written=1)
    before = snapshot(root)
    result = invoke("adopt", "--dry-run", "--repo", root)
    assert result.exit_code == 2
    assert "without --dry-run" in result.stderr
    assert snapshot(root) == before


@pytest.mark.parametrize("shape", ["hydra", "package"], ids=["new-conftest", "appended"])
def test_cfg_fixture_moves_files_with_the_template_s_own_helper(
    repo: Repo, invoke: Invoke, tmp_path: Path, shape: str
) -> None:
    import ast
    import sys

    root = repo(shape)
    team_conftest = (root / "tests/conftest.py").read_bytes() if shape == "package" else b""
    assert invoke("adopt", "--repo", root).exit_code == 0
    module = "forecast" if shape == "hydra" else "churn"
    baked = bake_project(tmp_path / "bake", module_name=module, example="minimal")
    template_conftest = (baked / "tests/conftest.py").read_text(encoding="utf-8")
    helper = next(
        node
        for node in ast.parse(template_conftest).body
        if isinstance(node, ast.FunctionDef) and node.name == "config_under"
    )
    adopted = (root / "tests/conftest.py").read_text(encoding="utf-8")
    assert kept_in_order(team_conftest, adopted.encode())
    assert ast.get_source_segment(template_conftest, helper) in adopted
    assert re.search(r"def cfg\(.*\n.*\n    return config_under\(tmp_path\)", adopted)
    compile(adopted, "conftest.py", "exec")
    # Lint-clean under the template's settings once the commit hook's `ruff check --fix`
    # has sorted the imports (what it cannot fix, E402 or F811, would stop every commit).
    ruff, settings = str(Path(sys.executable).parent / "ruff"), str(baked / "pyproject.toml")
    conftest = str(root / "tests/conftest.py")
    run([ruff, "check", "--fix", "--config", settings, conftest], root)
    run([ruff, "format", "--check", "--config", settings, conftest], root)


def kept_in_order(team: bytes, adopted: bytes) -> bool:
    """Whether every line of `team` is in `adopted`, in the same order."""
    remaining = iter(adopted.splitlines())
    return all(line in remaining for line in team.splitlines())


@pytest.mark.parametrize(
    "team",
    [
        "",
        "import pytest\n",
        '"""Only a docstring."""\n',
        '"""Fixtures."""\r\n\r\nimport os\r\nfrom pathlib import Path\r\n\r\nX = Path(os.sep)\r\n',
        "import pytest\nfrom pathlib import Path, PurePath\nimport shutil\nY = 1\n",
        "def broken(:\n",
    ],
    ids=["empty", "imports-only", "docstring", "crlf", "overlapping-imports", "unparsable"],
)
def test_added_fixture_imports_go_after_the_team_s_own_and_bind_nothing_twice(team: str) -> None:
    import ast

    from mlops_kit.adopt.plan import ConftestPieces, extended_conftest

    pieces = ConftestPieces(
        "import shutil\nfrom pathlib import Path\n\nimport pytest",
        "ROOT = Path(__file__).parent",
        "def helper() -> None:\n    shutil.rmtree(ROOT)",
    )
    adopted = extended_conftest(team.encode(), pieces)
    assert kept_in_order(team.encode(), adopted.encode())
    if team.startswith("def broken"):
        return
    tree = ast.parse(adopted)
    seen_code, bound = False, []
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            assert not seen_code, "an import below code"
            bound += [alias.asname or alias.name for alias in node.names]
        elif not isinstance(node, ast.Expr) or seen_code:
            seen_code = True
    assert len(bound) == len(set(bound)), bound
    assert {"shutil", "Path", "pytest"} <= set(bound)


@pytest.mark.parametrize("key", ["tool", "project"])
def test_pyproject_key_that_is_not_a_table_is_refused_in_one_line(
    repo: Repo, invoke: Invoke, key: str
) -> None:
    root = repo("package")
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    if key == "project":
        text = text.replace('[project]\nname = "churn-model"', 'project = "churn-model"\n[x]')
    pyproject.write_text(f'{key} = "odd"\n' + text if key == "tool" else text, encoding="utf-8")
    before = snapshot(root)
    result = invoke("adopt", "--repo", root)
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: pyproject.toml: ") and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1
    assert snapshot(root) == before

"""Repositories shaped like the ones teams really have (fixtures written for these tests).

Each test reproduces a shape met on public ML repositories where the audit used to report
a false problem, pile up follow-on findings, or miss a real one.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import audit, fired, repo

MINIMAL_PYPROJECT = '[project]\nname = "shop"\nversion = "1.0"\nrequires-python = ">=3.11"\n'
TRAIN = "from sklearn.linear_model import LogisticRegression\n"
CI_STEPS = "on: push\njobs:\n  check:\n    runs-on: ubuntu-latest\n    steps:\n"


def hydra_research_repo(tmp_path: Path) -> Path:
    """A Hydra training repo in the lightning-hydra-template shape: configs/, flat code."""
    return repo(
        tmp_path,
        {
            "src/train.py": (
                "import hydra\n\n\n"
                '@hydra.main(version_base="1.3", config_path="../configs", '
                'config_name="train.yaml")\ndef main(cfg):\n    pass\n'
            ),
            "src/__init__.py": "",
            "configs/train.yaml": "defaults:\n  - _self_\n  - model: mnist\n  - data: cifar\n",
            "configs/model/mnist.yaml": "lr: 0.1\n",
            "requirements.txt": "hydra-core==1.3.2\ntorch==2.3.0\n",
            "tests/test_train.py": "def test_x():\n    pass\n",
        },
    )


def test_hydra_config_in_configs_is_found_and_checked(tmp_path: Path) -> None:
    root = hydra_research_repo(tmp_path)
    report = audit(root)
    rules = {i.rule for i in report.issues}
    assert "LAY105" not in rules and "LAY103" not in rules
    [missing] = [i for i in report.issues if i.rule == "CFG103"]
    assert missing.path == "configs/train.yaml" and missing.line == 4
    assert "configs/data/cifar.yaml" in missing.message


def test_primary_config_the_code_names_must_exist(tmp_path: Path) -> None:
    root = hydra_research_repo(tmp_path)
    (root / "configs" / "train.yaml").rename(root / "configs" / "main.yaml")
    [issue] = [i for i in audit(root).issues if i.rule == "CFG102"]
    assert issue.path == "src/train.py" and issue.line == 4


def test_no_tests_is_one_finding_not_a_cascade(tmp_path: Path) -> None:
    root = repo(
        tmp_path,
        {
            "train.py": TRAIN,
            "requirements.txt": "scikit-learn==1.5.2\n",
            "dvc.yaml": "stages:\n  train:\n    cmd: python train.py\n    deps: [train.py]\n"
            "    outs: [model.pkl]\n",
            ".github/workflows/ci.yml": CI_STEPS + "      - run: dvc repro\n",
        },
    )
    rules = [i.rule for i in audit(root).issues]
    assert rules.count("LAY104") == 1
    assert not {"QUA104", "QUA105", "QUA107"} & set(rules)


def test_one_test_module_covers_every_stage(tmp_path: Path) -> None:
    stages = "".join(
        f"  {name}:\n    cmd: python -m shop.{name}\n    deps: [shop/{name}.py]\n"
        f"    outs: [out/{name}.json]\n"
        for name in ("prepare", "train")
    )
    root = repo(
        tmp_path,
        {
            "dvc.yaml": f"stages:\n{stages}",
            "shop/__init__.py": "",
            "shop/prepare.py": "",
            "shop/train.py": TRAIN,
            "tests/test_pipeline.py": "from shop import prepare, train\n",
        },
    )
    assert "QUA104" not in fired(root)


def test_setup_py_and_requirements_declare_dependencies(tmp_path: Path) -> None:
    root = repo(
        tmp_path,
        {
            "setup.py": "from setuptools import setup\n"
            "setup(name='shop', install_requires=['pandas>=2', 'scikit-learn>=1.5'])\n",
            "requirements.txt": "mlflow==3.5.0\n",
            "shop/__init__.py": "import pandas\nimport sklearn\nimport mlflow\n",
        },
    )
    assert not {"PKG101", "PKG102", "PKG103", "PKG105"} & fired(root)


def test_pyproject_of_tools_only_is_not_a_broken_package(tmp_path: Path) -> None:
    root = repo(
        tmp_path,
        {"pyproject.toml": "[tool.ruff]\nline-length = 100\n", "requirements.txt": "x==1\n"},
    )
    assert "PKG102" not in fired(root)


def test_kit_rules_stay_off_repositories_the_kit_never_baked(tmp_path: Path) -> None:
    root = repo(
        tmp_path,
        {
            "pyproject.toml": MINIMAL_PYPROJECT,
            "shop/__init__.py": TRAIN,
            ".pre-commit-config.yaml": "repos:\n  - repo: local\n    hooks:\n"
            "      - {id: ruff, name: ruff, entry: ruff check, language: system}\n"
            "      - {id: fmt, name: fmt, entry: ruff format, language: system}\n",
            ".github/workflows/ci.yml": CI_STEPS + "      - run: pytest\n      - run: ruff check\n",
            "tests/test_x.py": "",
        },
    )
    kit_only = {"DOC103", "DRF101", "QUA103", "QUA108", "LAY103", "LAY107", "LAY110", "QUA105"}
    assert not kit_only & fired(root)
    assert "QUA102" not in fired(root)  # a type checker hook is the kit's own standard


def test_missing_folders_are_not_findings(tmp_path: Path) -> None:
    root = repo(tmp_path, {"train.py": TRAIN, "requirements.txt": "scikit-learn==1.5.2\n"})
    assert not {"LAY106", "LAY107", "LAY110"} & fired(root)
    (root / "data").mkdir()
    (root / "data" / "raw.csv.dvc").write_text("outs:\n- path: raw.csv\n", encoding="utf-8")
    [issue] = [i for i in audit(root).issues if i.rule == "LAY106"]
    assert issue.path == "."


def test_env_rule_only_where_dotenv_is_used(tmp_path: Path) -> None:
    assert "SEC104" not in fired(repo(tmp_path, {"train.py": TRAIN}, "a"))
    used = repo(tmp_path, {"train.py": "from dotenv import load_dotenv\n"}, "b")
    assert "SEC104" in fired(used)
    example = repo(tmp_path, {"train.py": TRAIN, ".env.example": "TOKEN=\n"}, "c")
    assert "SEC104" in fired(example)


def test_ci_permission_scopes_are_not_credentials(tmp_path: Path) -> None:
    workflow = (
        "on: push\npermissions:\n  id-token: write\n  contents: read\njobs:\n"
        "  release:\n    runs-on: ubuntu-latest\n    permissions:\n      id-token: write\n"
        "    secrets: inherit\n    steps:\n      - run: echo\n"
    )
    root = repo(tmp_path, {".github/workflows/release.yml": workflow, "x.py": ""})
    assert "SEC103" not in fired(root)


def test_local_development_defaults_are_not_secrets(tmp_path: Path) -> None:
    compose = (
        "services:\n  db:\n    image: postgres:16\n    environment:\n"
        "      POSTGRES_USER: airflow\n      POSTGRES_PASSWORD: airflow\n"
        "      DATABASE_URL: postgresql://mlflow:mlflow@db:5432/mlflow\n"
        "  api:\n    environment:\n      API_TOKEN: 9f8e7d6c5b4a39281706\n"
    )
    root = repo(tmp_path, {"docker-compose.yml": compose, "x.py": ""})
    hits = [(i.rule, i.line) for i in audit(root).issues if i.family == "secrets"]
    assert hits == [("SEC103", 10)]


def test_ci_that_runs_checks_through_task_runners(tmp_path: Path) -> None:
    runners = {
        "just": ({"justfile": "test:\n    pytest -q\nlint:\n    ruff check .\n"}, "just test lint"),
        "tox": ({"tox.ini": "[testenv]\ncommands = pytest\n"}, "tox run"),
        "nox": ({"noxfile.py": "def tests(s):\n    s.run('pytest')\n"}, "nox -s tests"),
        "make": ({"Makefile": "check:\n\tpytest\n\tflake8\n"}, "make check"),
        "mise": ({"mise.toml": '[tasks.test]\nrun = "pytest"\n'}, "mise run test"),
        "script": ({"ci/test.sh": "python -m pytest\n"}, "bash ci/test.sh"),
    }
    for name, (files, command) in runners.items():
        root = repo(
            tmp_path,
            {
                **files,
                ".github/workflows/ci.yml": f"{CI_STEPS}      - uses: pre-commit/action@v3\n"
                f"      - run: {command}\n",
                "shop/__init__.py": "",
                "tests/test_shop.py": "",
                "pyproject.toml": MINIMAL_PYPROJECT,
            },
            name,
        )
        assert not {"QUA107", "QUA109"} & fired(root), name


def test_ci_that_runs_nothing_is_still_reported(tmp_path: Path) -> None:
    root = repo(
        tmp_path,
        {
            ".github/workflows/docs.yml": CI_STEPS + "      - run: make docs\n",
            "Makefile": "docs:\n\tmkdocs build\ntest:\n\tpytest\nlint:\n\truff check .\n",
            "pyproject.toml": MINIMAL_PYPROJECT,
            "shop/__init__.py": "",
            "tests/test_shop.py": "def test_shop():\n    pass\n",
        },
    )
    assert {"QUA107", "QUA109"} <= fired(root)


def test_lefthook_manages_hooks(tmp_path: Path) -> None:
    root = repo(
        tmp_path,
        {"lefthook.yml": "pre-commit:\n  commands:\n    lint:\n      run: ruff check\n",
         "pyproject.toml": MINIMAL_PYPROJECT, "shop/__init__.py": ""},
    )  # fmt: skip
    assert not {"QUA101", "QUA102", "QUA112"} & fired(root)


def test_only_mlflow_services_must_bind_loopback(tmp_path: Path) -> None:
    compose = (
        "services:\n  web:\n    image: nginx\n    ports: ['8080:80']\n"
        "  tracking:\n    image: ghcr.io/mlflow/mlflow:v3.5.0\n    ports: ['5000:5000']\n"
    )
    root = repo(tmp_path, {"compose.yaml": compose, "x.py": ""})
    [issue] = [i for i in audit(root).issues if i.rule == "TRK106"]
    assert issue.path == "compose.yaml" and issue.line == 7 and "tracking" in issue.message


def test_tiny_pickles_are_fixtures_not_models(tmp_path: Path) -> None:
    root = repo(
        tmp_path,
        {"empty.pkl": b"", "tiny.pkl": b"\x80\x04" + b"N" * 112, "model.joblib": b"\0" * 4096},
    )
    assert [i.path for i in audit(root).issues if i.rule == "DAT103"] == ["model.joblib"]


def test_a_committed_mlflow_store_is_one_finding(tmp_path: Path) -> None:
    root = repo(
        tmp_path,
        {"train.py": "import mlflow\n", "mlflow.db": b"SQLite format 3\0", ".gitignore": "x\n"},
    )
    found = [(i.rule, i.path) for i in audit(root).issues if i.path == "mlflow.db"]
    assert found == [("TRK104", "mlflow.db")]


def test_blind_spots_unpinned_requirements_and_conda(tmp_path: Path) -> None:
    root = repo(
        tmp_path,
        {
            "train.py": TRAIN,
            "requirements.txt": "# runtime\npandas==2.2.3\nscikit-learn\nnumpy>=1.26\n",
            "environment.yml": "name: x\ndependencies:\n  - python=3.11\n  - pip\n  - scipy\n"
            "  - pip:\n      - mlflow\n",
            "conda.yaml": "dependencies:\n  - python=3.11\n  - pandas=2.2\n",
        },
    )
    issues = {i.path: i for i in audit(root).issues if i.rule == "PKG110"}
    assert set(issues) == {"requirements.txt", "environment.yml"}
    assert (
        issues["requirements.txt"].line == 3
        and "scikit-learn" in issues["requirements.txt"].message
    )
    assert issues["environment.yml"].line == 5
    assert "mlflow" in issues["environment.yml"].message


def test_blind_spot_no_ci_and_misplaced_ci(tmp_path: Path) -> None:
    tested = {"pyproject.toml": MINIMAL_PYPROJECT, "shop/__init__.py": "",
              "tests/test_shop.py": "def test_shop():\n    assert True\n"}  # fmt: skip
    assert "QUA110" in fired(repo(tmp_path, tested, "a"))
    misplaced = repo(tmp_path, {"github/workflows/ci.yml": CI_STEPS, "shop.py": ""}, "b")
    [issue] = [i for i in audit(misplaced).issues if i.rule == "QUA111"]
    assert issue.path == "github/workflows/ci.yml" and issue.severity == "error"
    assert "QUA110" not in fired(misplaced)  # one fact, one finding


def test_blind_spot_root_level_training_script_logs_to_default(tmp_path: Path) -> None:
    root = repo(
        tmp_path,
        {
            "train.py": (
                "import mlflow\n\nwith mlflow.start_run():\n    mlflow.log_metric('a', 1)\n"
            ),
            "requirements.txt": "mlflow==3.5.0\n",
        },
    )
    issues = {i.rule: i for i in audit(root).issues}
    assert issues["TRK105"].path == "train.py" and issues["TRK105"].line == 1
    assert issues["TRK101"].path == "train.py"


def test_blind_spot_stage_command_paths_not_declared(tmp_path: Path) -> None:
    root = repo(
        tmp_path,
        {
            "dvc.yaml": "stages:\n  pack:\n    cmd: tar czf model.tgz models/ data/labels.csv "
            "&& python tools/upload.py --src=model.tgz\n"
            "    deps: [models, tools/upload.py]\n    outs: [model.tgz]\n",
            "models/m.bin": "x",
            "data/labels.csv": "a\n",
            "tools/upload.py": "",
        },
    )
    issues = [i for i in audit(root).issues if i.rule == "DVC116"]
    assert [i.message for i in issues] == [
        "stage 'pack': command uses data/labels.csv, which is not in its deps or outs"
    ]
    assert issues[0].path == "dvc.yaml" and issues[0].line == 2


def test_blind_spot_dev_tools_in_runtime_dependencies(tmp_path: Path) -> None:
    root = repo(
        tmp_path,
        {
            "pyproject.toml": MINIMAL_PYPROJECT
            + 'dependencies = [\n  "pandas>=2",\n  "pytest>=8",\n  "ruff",\n]\n',
            "shop/__init__.py": "",
        },
    )
    issues = sorted((i.line, i.message) for i in audit(root).issues if i.rule == "PKG111")
    assert [line for line, _ in issues] == [7]  # one finding per file, at its first tool
    assert "dev tools pytest, ruff are runtime dependencies" in issues[0][1]


def test_every_finding_points_at_a_file_that_exists_or_the_root(tmp_path: Path) -> None:
    shapes = [
        hydra_research_repo(tmp_path / "hydra"),
        repo(tmp_path, {"notebook.ipynb": "{}", "README.md": "# x\n"}, "notebooks"),
        repo(tmp_path, {"train.py": "import mlflow\n", "dvc.yaml": "stages: {}\n"}, "scripts"),
    ]
    for root in shapes:
        for issue in audit(root).issues:
            assert issue.path == "." or (root / str(issue.path)).is_file(), issue
            assert issue.path != "." or issue.line is None


def test_a_folder_of_datasets_is_one_finding_and_lookups_are_none(tmp_path: Path) -> None:
    rows = "a,b\n" + "1,2\n" * 6_000
    root = repo(
        tmp_path,
        {
            "train.py": TRAIN,
            "datasets/iris.csv": rows,
            "datasets/wine.csv": rows,
            "datasets/titanic.csv.gz": rows,
            "reports/feature_importance.csv": "feature,importance\nage,0.3\n",
            "docs/design.zip": b"PK\x03\x04" + b"\0" * 30_000,
        },
    )
    [issue] = [i for i in audit(root).issues if i.rule == "DAT102"]
    assert issue.message.startswith("3 data files (0.1 MB) under datasets/ are in git")
    assert not {"DAT101", "DAT103"} & fired(root)


def test_shapes_met_on_held_out_repositories(tmp_path: Path) -> None:
    """Licence variants, placeholder paths, nested Poetry projects, pixi, container scripts,
    Kubernetes example secrets and a book's example data are not problems."""
    root = repo(
        tmp_path,
        {
            "LICENSE-CODE": "MIT\n",
            "hydra_app/main.py": 'import hydra\n\n@hydra.main(config_path="configs")\n'
            "def main(cfg): ...\n",
            "hydra_app/configs/config.yaml": "train_dir: /path/to/your/training/data\n",
            "svc/pyproject.toml": '[tool.poetry.dependencies]\nmlflow = "==2.11.3"\n',
            "svc/track.py": "import mlflow\n",
            "requirements.txt": "hydra-core==1.3.2\n",
            "pyproject.toml": MINIMAL_PYPROJECT,
            "shop/__init__.py": "",
            "tests/test_shop.py": "",
            ".github/workflows/ci.yml": CI_STEPS + "      - run: pixi run -e py312 tests -n 3\n",
            "docker/run-server.sh": "mlflow server --host 0.0.0.0 --port 5000\n",
            "k8s/secret.yaml": "kind: Secret\ndata:\n  mongo_password: cGFzc3dvcmQ=\n",
            "integration-test/model/model.pkl": b"\0" * 4096,
        },
    )
    found = fired(root)
    assert not {"LAY102", "CFG104", "PKG105", "QUA107", "TRK106", "SEC103", "DAT103"} & found
    book = repo(
        tmp_path,
        {"a.ipynb": "{}", "b.ipynb": "{}", "notebooks/data/births.csv": "y,n\n" + "1,2\n" * 9000},
        "book",
    )
    assert "DAT102" not in fired(book)


def test_made_up_tokens_and_local_uris_are_not_leaks(tmp_path: Path) -> None:
    real = "AKIA" + "Q3VZ7LMN2HXRT4WB"
    root = repo(
        tmp_path,
        {
            "app/redact.py": 'SAMPLES = ["AKIAIOSFODNN7EXAMPLE", "hf_' + "a" * 34 + '",\n'
            '    "sk-proj-abcdef1234567890AAAABBBBCCCCDDDD"]\n'
            f'LEAK = "{real}"\n',
            "app/db.py": 'LOCAL = "postgresql://postgres:cityconcierge@127.0.0.1:5433/x"\n'
            'DOC = "postgresql://user:pw@host:5432/db"\n',
            "tests/test_db.py": 'URL = "postgresql://toxic:s3cretpass@db.internal/x"\n',
            "compose.yaml": "services:\n  mlflow:\n    environment:\n      URI: "
            "postgresql://${DB_USER:-mlflow}:${DB_PASSWORD:-mlflow}@db/mlflow\n",
            "chart/values.yaml": "tls:\n  privateKey: private.pem\n  secretKey: symmetric.pem\n",
            ".github/workflows/deploy.yml": "on: push\njobs:\n  d:\n    runs-on: x\n    steps:\n"
            "      - with:\n          secrets: |\n            API_KEY=API_KEY:latest\n",
        },
    )
    secrets_found = [(i.rule, i.path, i.line) for i in audit(root).issues if i.family == "secrets"]
    assert secrets_found == [("SEC101", "app/redact.py", 3)]


def test_tool_settings_in_pyproject_are_not_a_lint_step(tmp_path: Path) -> None:
    pyproject = (
        MINIMAL_PYPROJECT + '[tool.ruff]\nline-length = 100\n[tool.pixi.tasks]\ntests = "pytest"\n'
    )
    root = repo(
        tmp_path,
        {
            "pyproject.toml": pyproject,
            ".github/workflows/ci.yml": CI_STEPS + "      - run: pixi run tests\n",
            "shop/__init__.py": "",
            "tests/test_shop.py": "",
        },
    )
    found = fired(root)
    assert "QUA109" in found and "QUA107" not in found


def test_a_library_with_tutorial_notebooks_is_not_an_ml_project(tmp_path: Path) -> None:
    root = repo(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "MAPIE"\nversion = "1"\n',
            "mapie/__init__.py": TRAIN,
            "notebooks/regression/demo.ipynb": "{}",
            "notebooks/regression/planets.csv": "a,b\n" + "1,2\n" * 9000,
            "compose.yaml": "services:\n  mlflow:\n    image: ghcr.io/mlflow/mlflow\n"
            "    ports: ['${BIND_ADDR:-127.0.0.1}:5000:5000']\n",
        },
    )
    found = fired(root)
    assert not {"LAY105", "DVC115", "TRK107", "DAT102", "DAT104", "TRK106"} & found


def test_a_dvc_yaml_of_artifacts_only_is_not_a_broken_pipeline(tmp_path: Path) -> None:
    root = repo(
        tmp_path,
        {
            "dvc.yaml": "artifacts:\n  churn:\n    type: model\n    path: models/churn.pkl\n",
            "README.md": "# Registry\n",
            "train.py": TRAIN,
        },
    )
    assert not {"DVC101", "DVC102", "DOC102"} & fired(root)

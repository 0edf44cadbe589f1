"""Shapes met on a ninety-sixth and ninety-seventh set of public repositories.

Each test writes the shape here and checks the false finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import TRAINING_PROJECT as BASE
from audit.support import places, repo
from mlops_kit.audit.profile import profile_of
from mlops_kit.audit.repo import RepoView


def test_a_documentation_themes_minified_bundle(tmp_path: Path) -> None:
    files = {**BASE, "webpage/themes/geekdoc/static/js/273-0f8b.chunk.min.js": "var a=1;" * 140_000}
    assert places(repo(tmp_path, files, "bundle"), "DAT101") == []
    dump = {**BASE, "webpage/static/events.log": "event=1\n" * 140_000}
    assert places(repo(tmp_path, dump, "dump"), "DAT101") == ["webpage/static/events.log"]


def test_a_toy_fixture_in_data_needs_no_data_readme(tmp_path: Path) -> None:
    files = {
        **BASE,
        "data/processed/toy/queries.jsonl": '{"id": 1, "text": "what is bm25"}\n',
        "data/processed/toy/qrels.jsonl": '{"query": 1, "doc": 7}\n',
    }
    assert places(repo(tmp_path, files, "toy"), "LAY106") == []
    real = {
        **BASE,
        "data/processed/beir/queries.jsonl": '{"id": 1, "text": "what is bm25"}\n',
    }
    assert places(repo(tmp_path, real, "real"), "LAY106") == ["."]


PLUGIN = (
    "from hydra.core.config_search_path import ConfigSearchPath\n"
    "from hydra.plugins.search_path_plugin import SearchPathPlugin\n\n\n"
    "class CoreSearchPath(SearchPathPlugin):\n"
    "    def manipulate_search_path(self, search_path: ConfigSearchPath) -> None:\n"
    '        search_path.append("retrieval-core", "pkg://retrieval_core.configs")\n'
)
COMPOSE = (
    "from hydra import compose, initialize_config_dir\n\n\n"
    "def load(root, name):\n"
    "    with initialize_config_dir(version_base='1.3', config_dir=str(root)):\n"
    "        return compose(config_name=name)\n"
)


def test_a_config_package_a_search_path_plugin_adds(tmp_path: Path) -> None:
    configs = "packages/retrieval-core/src/retrieval_core/configs"
    files = {
        **BASE,
        "requirements.txt": "hydra-core==1.3.2\nscikit-learn==1.6.1\n",
        "hydra_plugins/core_searchpath_plugin.py": PLUGIN,
        "utils/config/hydra.py": COMPOSE,
        "packages/retrieval-core/src/retrieval_core/__init__.py": "",
        f"{configs}/pipeline/bm25.yaml": "k1: 0.9\nb: 0.4\n",
    }
    root = repo(tmp_path, files, "plugin")
    assert profile_of(RepoView(root)).hydra_config_dir == configs
    assert places(root, "LAY105") == []
    without = {k: v for k, v in files.items() if not k.startswith("hydra_plugins/")}
    assert profile_of(RepoView(repo(tmp_path, without, "none"))).hydra_config_dir is None


def test_a_coding_assistants_skill_scripts_are_not_project_code(tmp_path: Path) -> None:
    skill = "import mlflow\nimport mlflow.xgboost\n\nmlflow.log_param('depth', 6)\n"
    files = {**BASE, ".claude/skills/ml-engineering/scripts/xgboost_optimizer.py": skill}
    root = repo(tmp_path, files, "skill")
    assert not profile_of(RepoView(root)).mlflow
    assert places(root, "TRK104") == []
    own = {**BASE, "scripts/xgboost_optimizer.py": skill}
    assert profile_of(RepoView(repo(tmp_path, own, "own"))).mlflow


OPTIONAL_LOGGER = (
    "import logging\n\nlogger = logging.getLogger(__name__)\n\n"
    "try:\n"
    "    import mlflow as _mlf\n"
    "except ImportError:\n"
    "    logger.warning('mlflow is not installed; run logging is disabled')\n"
    "    _mlf = None\n\n\n"
    "def log(params):\n"
    "    if _mlf is not None:\n"
    "        _mlf.log_params(params)\n"
)


def test_an_optional_mlflow_nothing_installs(tmp_path: Path) -> None:
    files = {**BASE, "src/prediction/mlflow_logger.py": OPTIONAL_LOGGER}
    root = repo(tmp_path, files, "optional")
    assert not profile_of(RepoView(root)).mlflow
    assert places(root, "TRK104") == []
    declared = {**files, "requirements.txt": "mlflow==2.19.0\nscikit-learn==1.6.1\n"}
    assert profile_of(RepoView(repo(tmp_path, declared, "declared"))).mlflow


SERVICE = (
    "import joblib\nfrom fastapi import Body, FastAPI, HTTPException\n\n"
    "app = FastAPI()\nmodel = joblib.load('model.joblib')\n\n\n"
    "@app.post('/predict')\n"
    "def predict(payload: dict = Body(...)):\n"
    "    try:\n"
    "        features = adapt(payload, strict=True)\n"
    "    except InvalidPredictionInputError as error:\n"
    "        raise HTTPException(status_code=400, detail=str(error))\n"
    "    return {'prediction': model.predict([features]).tolist()}\n"
)


def test_a_route_that_answers_400_when_its_input_fails_a_check(tmp_path: Path) -> None:
    files = {
        **BASE,
        "requirements.txt": "fastapi==0.115.0\njoblib==1.4.2\nscikit-learn==1.6.1\n",
        "src/main.py": SERVICE,
    }
    assert places(repo(tmp_path, files, "checked"), "SRV101") == []
    keyed = SERVICE.replace("InvalidPredictionInputError", "KeyError")
    found = places(repo(tmp_path, {**files, "src/main.py": keyed}, "keyed"), "SRV101")
    assert found == ["src/main.py:8"]


def test_references_and_unset_values_are_no_passwords(tmp_path: Path) -> None:
    vercel = '{\n  "env": {\n    "NEXT_PUBLIC_AUTH_TOKEN": "@live-v2-auth-token"\n  }\n}\n'
    names = '{\n  "note": "names only",\n  "BINANCE_API_SECRET": "unset"\n}\n'
    files = {**BASE, "webapp/vercel.json": vercel, "releases/environment.json": names}
    assert places(repo(tmp_path, files, "references"), "SEC106") == []
    chosen = {**files, "releases/environment.json": names.replace('"unset"', '"Kq8vLm2pWx"')}
    assert places(repo(tmp_path, chosen, "chosen"), "SEC106") == ["releases/environment.json:3"]


def test_a_conda_file_named_dot_environment_is_no_dot_env(tmp_path: Path) -> None:
    conda = "name: energy_demand\nchannels: [conda-forge]\ndependencies: [python=3.11]\n"
    files = {**BASE, ".environment.yml": conda}
    assert places(repo(tmp_path, files, "conda"), "SEC104") == []
    example = {**files, ".env.example": "API_TOKEN=<your token>\n"}
    assert places(repo(tmp_path, example, "example"), "SEC104") == [".gitignore"]


def test_pyflakes_in_ci_is_a_linter(tmp_path: Path) -> None:
    workflow = (
        "on: [push]\njobs:\n  check:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - run: pip install pyflakes pytest\n"
        "      - run: python -m pyflakes backend\n"
        "      - run: pytest\n"
    )
    files = {
        **BASE,
        ".github/workflows/ci.yml": workflow,
        "tests/test_train.py": "def test_x():\n    assert True\n",
        ".flake8": "[flake8]\nmax-line-length = 100\n",
    }
    assert places(repo(tmp_path, files, "pyflakes"), "QUA109") == []
    none = workflow.replace("      - run: python -m pyflakes backend\n", "").replace(
        "pyflakes ", ""
    )
    found = places(repo(tmp_path, {**files, ".github/workflows/ci.yml": none}, "none"), "QUA109")
    assert found == [".github/workflows/ci.yml"]


def test_documents_and_a_kept_package_panel_under_the_size_limit(tmp_path: Path) -> None:
    files = {
        **BASE,
        ".gitignore": "data/*\n# the ClinVar panel ships gzipped on purpose\n!data/clinvar/\n",
        "project_state/journal.md": "# Journal\n\n" + "- a note on the day's work\n" * 45_000,
        "wiki/genome_map.html": "<html>" + "<p>locus</p>" * 100_000 + "</html>",
        "data/clinvar/panel.bin": bytes(2_400_000),
    }
    assert places(repo(tmp_path, files, "kept"), "DAT101") == []
    bare = {**files, ".gitignore": ".venv/\n"}
    assert places(repo(tmp_path, bare, "bare"), "DAT101") == ["data/clinvar/panel.bin"]

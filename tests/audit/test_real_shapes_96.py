"""Shapes met on a ninety-sixth and ninety-seventh set of public repositories.

Each test writes the shape here and checks the false finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import places, repo
from mlops_kit.audit.profile import profile_of
from mlops_kit.audit.repo import RepoView

TRAIN = "from sklearn.linear_model import Ridge\n\nRidge().fit([[0]], [0])\n"
BASE: dict[str, str | bytes] = {
    "requirements.txt": "scikit-learn==1.6.1\n",
    "train.py": TRAIN,
    ".gitignore": ".venv/\n",
}


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

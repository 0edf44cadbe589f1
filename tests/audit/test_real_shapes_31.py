"""Shapes met on a thirty-first set of public repositories the audit had never seen.

A DVC pipeline whose outputs come from `foreach` stages, a Nextflow workflow, and a Hydra
app that keeps its config beside the script the way Hydra before 1.2 reads it. Each test
writes the shape here and checks the false finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import fired, places, repo
from mlops_kit.audit.profile import profile_of
from mlops_kit.audit.repo import RepoView

FOREACH = """stages:
  evaluate:
    foreach: ${langs}
    do:
      cmd: python src/evaluate.py ${item}
      deps:
        - src/evaluate.py
      metrics:
        - data/metrics/${item}_per.json:
            cache: false
  plot:
    cmd: python src/plot.py
    deps:
      - src/plot.py
      - data/metrics/en_per.json
      - data/metrics/pa_per.json
"""


def test_outputs_of_foreach_stages_are_produced(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "dvc.yaml": FOREACH,
        "params.yaml": "langs:\n  - en\n  - pa\n",
        "src/evaluate.py": "import json\n",
        "src/plot.py": "import json\n",
        "requirements.txt": "dvc==3.59.1\n",
        ".gitignore": "/data/\n",
    }
    assert places(repo(tmp_path, files, "foreach"), "DVC104") == []
    # A language the loop does not cover is still nobody's output.
    fewer = {**files, "params.yaml": "langs:\n  - en\n"}
    assert places(repo(tmp_path, fewer, "fewer"), "DVC104") == ["dvc.yaml:16"]


def test_a_matrix_stage_produces_each_combination(tmp_path: Path) -> None:
    matrix = FOREACH.replace(
        "    foreach: ${langs}\n    do:\n", "    matrix:\n      lang: [en, pa]\n    do:\n"
    ).replace("${item}", "${item.lang}")
    files: dict[str, str | bytes] = {
        "dvc.yaml": matrix,
        "src/evaluate.py": "import json\n",
        "src/plot.py": "import json\n",
        "requirements.txt": "dvc==3.59.1\n",
        ".gitignore": "/data/\n",
    }
    assert places(repo(tmp_path, files, "matrix"), "DVC104") == []


def test_a_nextflow_workflow(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "main.nf": "nextflow.enable.dsl=2\ninclude { SCANPY } from './lib/scanpy'\n",
        "nextflow.config": "params { outdir = 'out' }\n",
        "lib/config/test.config": "params { sample = 'tiny.h5ad' }\n",
        "lib/modules/scanpy/bin/cluster.py": (
            "from sklearn.cluster import KMeans\n\nKMeans(2).fit([[0], [1]])\n"
        ),
        "README.md": "# workflow\n\nnextflow run main.nf -profile docker\n",
        ".gitignore": "work/\n",
    }
    root = repo(tmp_path, files, "nextflow")
    assert "nextflow" in profile_of(RepoView(root)).orchestrators
    assert {"LAY104", "LAY105", "DVC115", "TRK107"}.isdisjoint(fired(root))
    untested = {k: v for k, v in files.items() if k != "lib/config/test.config"}
    assert "LAY104" in fired(repo(tmp_path, untested, "untested"))


HYDRA_APP = "import hydra\nimport torch\n\n\n@hydra.main({args})\ndef main(cfg):\n    print(cfg)\n"


def test_a_config_beside_the_script_with_hydras_old_default(tmp_path: Path) -> None:
    def app(args: str) -> dict[str, str | bytes]:
        return {
            "main.py": HYDRA_APP.format(args=args),
            "config.yaml": "lr: 0.1\n",
            "requirements.txt": "hydra-core==1.3.2\ntorch==2.5.1\n",
            ".gitignore": "outputs/\n",
        }

    legacy = repo(tmp_path, app("config_name='config'"), "legacy")
    assert profile_of(RepoView(legacy)).hydra_config_dir == "."
    assert "LAY105" not in fired(legacy)
    # From version_base 1.2 on, Hydra adds no folder: the config is not found.
    modern = repo(tmp_path, app("version_base='1.3', config_name='config'"), "modern")
    assert profile_of(RepoView(modern)).hydra_config_dir is None
    assert "LAY105" in fired(modern)

"""Shapes met on a forty-second set of public repositories the audit had never seen.

A Hydra 0.x sample whose `config_path` names the config file itself; a Lightning config
that gives Hivemind peers' addresses as libp2p multiaddrs. Each test writes the shape
here and checks the false finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import audit, fired, places, repo

TRAIN = (
    "import hydra\nfrom sklearn.svm import SVC\n\n\n@hydra.main(config_path='config.yaml')\n"
    "def main(cfg):\n    SVC(C=cfg.optimizer.lr).fit([[0], [1]], [0, 1])\n\n\nmain()\n"
)


def test_a_hydra_0x_config_path_naming_the_file(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "hydra-core==0.11.3\n",
        "train.py": TRAIN,
        "config.yaml": "optimizer:\n  lr: 0.01\n",
        ".gitignore": "outputs/\n",
    }
    found = repo(tmp_path, files, "legacy")
    assert "LAY105" not in fired(found)
    assert audit(found).profile.hydra_config_dir == "."
    missing = {k: v for k, v in files.items() if k != "config.yaml"}
    assert "LAY105" in fired(repo(tmp_path, missing, "missing"))


def test_multiaddrs_are_no_absolute_paths(tmp_path: Path) -> None:
    trainer = (
        "strategy:\n  _target_: lightning.pytorch.strategies.HivemindStrategy\n"
        '  host_maddrs: ["/ip4/0.0.0.0/tcp/0", "/ip4/0.0.0.0/udp/0/quic"]\n'
        "default_root_dir: /home/alice/project/logs\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "hydra-core==1.3.2\n",
        "src/train.py": (
            "import hydra\n\n\n@hydra.main(version_base='1.3', config_path='../configs', "
            "config_name='train')\ndef main(cfg):\n    print(cfg)\n"
        ),
        "configs/train.yaml": "defaults:\n  - trainer: hivemind\n  - _self_\n",
        "configs/trainer/hivemind.yaml": trainer,
        ".gitignore": "logs/\n",
    }
    assert places(repo(tmp_path, files, "peers"), "CFG104") == ["configs/trainer/hivemind.yaml:4"]

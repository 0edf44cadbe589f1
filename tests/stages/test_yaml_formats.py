"""dvc.yaml in every shape users write it: the diff is only the new block, or a refusal."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
import yaml
from helpers import Invoke
from mlops_kit.stages.yamlemit import yaml_scalar
from mlops_kit.stages.yamltext import YamlText, load_round_trip, to_plain

PREPARE = (
    "  prepare:\n    cmd: python -m demo.stages.prepare\n    outs:\n      - data/raw/demo.csv\n"
)

SHAPES = {
    "comments": (
        "# Top comment.\n"
        "stages:   # the stages\n"
        "  prepare:   # first\n"
        "    cmd: python -m demo.stages.prepare  # inline\n"
        "    # a comment inside\n"
        "    outs:\n"
        "      - data/raw/demo.csv   # kept\n"
        "\n"
        "# A trailing comment block\n"
        "#   with odd    spacing.\n"
    ),
    "anchors": (
        "x-common: &common\n"
        "  deps:\n"
        "    - pyproject.toml\n"
        "stages:\n"
        "  prepare:\n"
        "    <<: *common\n"
        "    cmd: python -m demo.stages.prepare\n"
        "    outs: &prepared\n"
        "      - data/raw/demo.csv\n"
        "  train:\n"
        "    cmd: echo train\n"
        "    deps: *prepared\n"
    ),
    "flow-stages": (
        "stages:\n"
        "  prepare: {cmd: python -m demo.stages.prepare, outs: [data/raw/demo.csv]}\n"
        "  train: {cmd: echo train, deps: [data/raw/demo.csv]}\n"
    ),
    "long-cmd": (
        "stages:\n"
        "  prepare:\n"
        "    cmd: >-\n"
        "      python -m demo.stages.prepare --a-very-long-option-name value\n"
        "      --another-very-long-option-name another-value --and-more and-more-values\n"
        "    outs:\n"
        "      - data/raw/demo.csv\n"
        "  train:\n"
        "    cmd: python -m demo.stages.train --this-line-is-well-beyond-one-hundred-characters "
        "--so-a-reflowing-dumper-would-wrap-it\n"
    ),
    "quoted": (
        "'stages':\n"
        '  "prepare":\n'
        "    'cmd': 'python -m demo.stages.prepare'\n"
        '    "outs": ["data/raw/demo.csv"]\n'
    ),
    "four-spaces": (
        "stages:\n"
        "    prepare:\n"
        "        cmd: python -m demo.stages.prepare\n"
        "        outs:\n"
        "        - data/raw/demo.csv\n"
    ),
    "top-level-after-stages": (
        "stages:\n"
        + PREPARE
        + "\n# Plots of every run.\nplots:\n  - reports/plot.json:\n      x: a\n"
    ),
    "document-markers": "---\nstages:\n" + PREPARE + "...\n",
}


def diff_blocks(before: bytes, after: bytes) -> list[bytes]:
    """Return the inserted blocks; fail if anything else changed."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    blocks = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag != "equal":
            assert tag == "insert", (tag, old[i1:i2], new[j1:j2])
            blocks.append(b"".join(new[j1:j2]))
    return blocks


def add(invoke: Invoke, project: Path, dvc_text: bytes, *args: str) -> bytes:
    (project / "dvc.yaml").write_bytes(dvc_text)
    result = invoke("add-stage", "featurize", *args, "--repo", project)
    assert result.exit_code == 0, result.output
    return (project / "dvc.yaml").read_bytes()


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_only_the_new_block_differs(invoke: Invoke, project: Path, shape: str) -> None:
    before = SHAPES[shape].encode()
    after = add(invoke, project, before, "--after", "prepare")
    blocks = diff_blocks(before, after)
    assert len(blocks) == 1
    assert b"featurize:\n" in blocks[0]
    stages = to_plain(load_round_trip(YamlText.from_bytes(after, "dvc.yaml")))["stages"]
    assert list(stages)[list(stages).index("prepare") + 1] == "featurize"
    assert stages["featurize"]["deps"] == ["src/demo/stages/featurize.py", "data/raw/demo.csv"]


def test_four_space_files_get_a_four_space_block(invoke: Invoke, project: Path) -> None:
    after = add(invoke, project, SHAPES["four-spaces"].encode(), "--after", "prepare")
    block = diff_blocks(SHAPES["four-spaces"].encode(), after)[0].decode()
    assert "    featurize:\n        cmd: python -m demo.stages.featurize\n        deps:\n" in block
    assert "\n        - src/demo/stages/featurize.py\n" in block


def test_crlf_and_a_bom_are_kept(invoke: Invoke, project: Path) -> None:
    before = ("\ufeff# Windows file\r\nstages:\r\n" + PREPARE.replace("\n", "\r\n")).encode()
    after = add(invoke, project, before, "--after", "prepare")
    assert after.startswith(b"\xef\xbb\xbf# Windows file\r\n")
    assert after.count(b"\n") == after.count(b"\r\n")
    assert len(diff_blocks(before, after)) == 1


def test_a_missing_final_newline_stays_missing(invoke: Invoke, project: Path) -> None:
    before = ("stages:\n" + PREPARE.rstrip("\n")).encode()
    after = add(invoke, project, before, "--after", "prepare")
    assert after.startswith(before)
    assert not after.endswith(b"\n")
    assert after.endswith(b"- data/featurize/demo.csv")


def test_a_stage_can_be_added_to_an_empty_flow_mapping(invoke: Invoke, project: Path) -> None:
    (project / "dvc.yaml").write_text("# empty\nstages: {}  # none yet\n")
    assert invoke("add-stage", "ingest", "--repo", project).exit_code == 0
    text = (project / "dvc.yaml").read_text()
    assert text.startswith("# empty\nstages:  # none yet\n  ingest:\n")
    assert list(yaml.safe_load(text)["stages"]) == ["ingest"]


HOSTILE_STRINGS = [
    "plain/path.csv",
    "data/with space.csv",
    "data/colon: here.csv",
    "data/hash #here.csv",
    "- leading dash",
    "? question",
    "* star",
    "& amp",
    "! bang",
    "% percent",
    "@ at",
    "`tick",
    "'single'",
    '"double"',
    "true",
    "No",
    "null",
    "~",
    "1.5",
    "0o17",
    "1e3",
    "2024-01-01",
    "12:30",
    ".inf",
    "trailing ",
    "tab\there",
    "line\nbreak",
    "back\\slash",
    "unicodé ✓",
    "{{ 7*7 }}",
    "[list]",
    "{map}",
    "ends:",
]


@pytest.mark.parametrize("value", HOSTILE_STRINGS)
def test_scalars_read_back_unchanged_in_yaml_1_1_and_1_2(value: str) -> None:
    text = f"key: {yaml_scalar(value)}\n"
    assert yaml.safe_load(text) == {"key": value}  # YAML 1.1 (PyYAML, OmegaConf)
    parsed = load_round_trip(YamlText.from_bytes(text.encode(), "x.yaml"))
    assert to_plain(parsed) == {"key": value}  # YAML 1.2 (ruamel, DVC)

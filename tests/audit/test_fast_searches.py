"""Searches written for speed give the answers of the plain patterns they stand for."""

from __future__ import annotations

import random
import re
import shlex
from pathlib import Path

import pytest
from audit.support import make_repo
from mlops_kit.audit import facts
from mlops_kit.audit.profile import _IMPORT, _TRAINS, REQUIREMENTS, _import_matches, calls_training
from mlops_kit.audit.repo import RepoView
from mlops_kit.audit.rules.packaging import is_setup_file
from mlops_kit.audit.secrets import (
    _ALLOW_LINE,
    _ALLOW_NEXT_LINE,
    _CREDENTIAL_WORD,
    _lines_with_credential_words,
    allowlisted_lines,
    lines_holding,
)


@pytest.mark.parametrize(
    ("text", "trains"),
    [
        ("model.fit(X, y)", True),
        ("loss.backward()", True),
        ("trainer = Trainer(max_epochs=3)", True),
        ("train_model(cfg)", True),
        ("MyTrainer(x)", False),  # not at a word start
        ("pretrain_model(x)", False),
        ("Trainer (x)", False),
        ('"source": ["train_model(cfg)\\n"]', True),  # a notebook cell
        ("éTrainer(x)", False),  # a letter outside ASCII is a word character too
        ("fit(X) and .train", False),
    ],
)
def test_training_calls(text: str, trains: bool) -> None:
    assert (_TRAINS.search(text) is not None) is trains
    assert calls_training(text) is trains


def test_training_calls_in_random_texts() -> None:
    pieces = [".fit(", ".train(", "Trainer(", "train_model(", ".backward(", "rain", "er(", "T"]
    pieces += ["_model(", "t", "x", "_", " ", "\n", ".", "(", "é", "1", ".train_on_batch("]
    rng = random.Random(5)
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        assert calls_training(text) == (_TRAINS.search(text) is not None), text


def _every_line(text: str) -> list[tuple[int, str]]:
    """The lines `_lines_with_credential_words` stands for: every line holding a word."""
    return [
        (number, line)
        for number, line in enumerate(text.splitlines(), start=1)
        if _CREDENTIAL_WORD.search(line.lower())
    ]


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\npassword: hunter2hunter2\nb: 2\n",
        "x\r\nDB_PASSWORD=s3cr3t-value\r\n\x0bapi_key = 'abc123def456'\u2028token: z\n",
        "İstanbul: yes\npassword: hunter2hunter2\n",  # lowering moves characters: all lines
        '{"keys": [1, 2], "monkey": 3,\n "secretary": "x", "client_secret": "abcdef123456"}',
        "no credential words at all\n",
    ],
)
def test_credential_lines(text: str) -> None:
    assert [
        pair
        for pair in _lines_with_credential_words(text)
        if _CREDENTIAL_WORD.search(pair[1].lower())
    ] == _every_line(text)


def test_credential_lines_in_random_texts() -> None:
    pieces = ["password", "PassWD", "pwd", "secret", "token", "api_key", "ApiKey", "key", "İ"]
    pieces += ["connection_string", "\n", "\r\n", "\r", "\x0b", "\u2028", ": ", "=", " ", "x"]
    rng = random.Random(7)
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        found = list(_lines_with_credential_words(text))
        assert [p for p in found if _CREDENTIAL_WORD.search(p[1].lower())] == _every_line(text)
        assert set(_every_line(text)) <= set(found), text


def test_credential_lines_of_texts_broken_at_newlines_only() -> None:
    # No break but `\n`: lines are found from the words' positions, without splitting.
    pieces = ["password", "PassWD", "pwd", "secret", "token", "api_key", "key", "keykey"]
    pieces += ["connection_string", "\n", "\n", "\n\n", ": ", "=", " ", "x", "é", "#"]
    rng = random.Random(11)
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        found = list(_lines_with_credential_words(text))
        assert found == _every_line(text), text


# What `_setup_files` stands for: the whole path searched with one pattern.
_SETUP_PATH = re.compile(
    r"(?:^|/)(?:Dockerfile[\w.-]*|[\w.-]*\.Dockerfile|Makefile|[\w.-]+\.sh|README[\w.-]*"
    r"|INSTALL[\w.-]*|SETUP\.md|\.gitlab-ci\.yml|Jenkinsfile"
    r"|(?i:get(?:ting)?[-_]?started|install(?:ation)?|quick[-_]?start)\.(?:md|rst))$"
    r"|^\.github/workflows/[\w.-]+\.ya?ml$"
)


def test_setup_files_as_a_search_of_the_whole_path_finds_them() -> None:
    names = [
        "Dockerfile",
        "Dockerfile.gpu",
        "app.Dockerfile",
        "Makefile",
        "run.sh",
        ".sh",
        "README.md",
        "readme.md",
        "INSTALL",
        "SETUP.md",
        "Getting-Started.MD",
        "x.py",
        "quick_start.rst",
        ".gitlab-ci.yml",
        "Jenkinsfile",
        "ci.yml",
        "Makefile\n",
    ]
    folders = ["", "a/", "a/b/", ".github/workflows/", "x/.github/workflows/", "/", "é/"]
    rng = random.Random(5)
    paths = [folder + name for folder in folders for name in names]
    paths += ["".join(rng.choice(names + folders) for _ in range(3)) for _ in range(5_000)]
    assert [p for p in paths if is_setup_file(p)] == [p for p in paths if _SETUP_PATH.search(p)]


def test_requirements_paths_hold_the_word() -> None:
    # `_declarations` tests for the substring before the pattern.
    pieces = ["requirements", "requirement", "dev-", "/", ".txt", ".in", "s", "x", "_", "é"]
    rng = random.Random(3)
    for _ in range(20_000):
        path = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 6)))
        if REQUIREMENTS.search(path):
            assert "requirement" in path, path


def test_import_lines_in_random_texts() -> None:
    pieces = ["import", "from", " ", "\t", "\n", "\r\n", "\r", "os", "x", "_a1", ".", "#", "é"]
    rng = random.Random(11)
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        expected = [(m.span(), m.group(1)) for m in _IMPORT.finditer(text)]
        assert [(m.span(), m.group(1)) for m in _import_matches(text)] == expected, text


def test_source_searches_are_remembered_per_pattern(tmp_path: Path) -> None:
    repo = RepoView(make_repo(tmp_path / "r", {"src/pkg/__init__.py": "", "src/pkg/a.py": CODE}))
    first = facts.search_sources(repo, re.compile(r"set_tracking_uri\("))
    first.clear()  # a caller's list is its own
    again = facts.search_sources(repo, re.compile(r"set_tracking_uri\("))
    assert again == [("src/pkg/a.py", 2, "set_tracking_uri(")]
    assert facts.search_sources(repo, re.compile(r"log_metric\(")) == [
        ("src/pkg/a.py", 3, "log_metric(")
    ]


CODE = "import mlflow\nmlflow.set_tracking_uri('x')\nmlflow.log_metric('a', 1)\n"


def _allowed_line_by_line(text: str) -> frozenset[int]:
    """What `allowlisted_lines` stands for: each line searched for the comments."""
    allowed = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if _ALLOW_NEXT_LINE.search(line):
            allowed.add(number + 1)
        elif _ALLOW_LINE.search(line):
            allowed.add(number)
    return frozenset(allowed)


def test_allowlist_comments_in_random_texts() -> None:
    pieces = ["# pragma: allowlist secret", "pragma: allowlist nextline secret", "gitleaks:allow"]
    pieces += [
        "pragma:whitelist-secret",
        "allowlist",
        "x",
        " ",
        "\n",
        "\r\n",
        "\r",
        "\x0c",
        "\u2028",
    ]
    rng = random.Random(13)
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
        assert allowlisted_lines(text) == _allowed_line_by_line(text), text


def test_paths_named_in_a_text_as_a_substring_search_finds_them() -> None:
    rng = random.Random(11)
    parts = ["a", "ci", "run", "scripts/", "test", "_", "-", ".", "x y", "/"]
    for _ in range(300):
        paths = [
            "".join(rng.choice(parts) for _ in range(rng.randint(0, 4)))
            + rng.choice(facts._SCRIPT_SUFFIXES)
            for _ in range(rng.randint(1, 12))
        ]
        pieces = [*paths, *parts, "\n", " ", ".shx", ".py.bak", "sh", "py"]
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        expected = {path for path in paths if path in text}
        assert facts.named_in(paths, text) == expected, (paths, text)
    assert facts.named_in([], "run.sh") == set()
    assert facts.named_in(["ci/run.sh", "run.sh"], "bash ci/run.sh") == {"ci/run.sh", "run.sh"}
    assert facts.named_in(["abc/run.sh"], "run.sh") == set()  # shorter than the path


def test_entry_lines_as_the_line_patterns_find_them() -> None:
    from mlops_kit.audit.rules.packaging import entry_line

    rng = random.Random(12)
    pieces = ["pandas", "pandas>=2", " ", "\t", '"', "'", "\n", "x", "[", ",", "\r\n", "numpy"]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        entry = rng.choice(["pandas", "pandas>=2", "numpy", "x"])
        for quote, optional in (("required", ""), ("optional", "?")):
            pattern = rf"^[ \t]*+[\"']{optional}{re.escape(entry)}"
            match = re.search(pattern, text, re.MULTILINE)
            expected = text.count("\n", 0, match.start()) + 1 if match else None
            assert entry_line(text, entry, quote) == expected, (text, entry, quote)


HYDRA_SOURCE = """import hydra
from hydra import compose, initialize


def helper():
    return 1


@hydra.main(
    config_path="conf", config_name="config", version_base=None
)
def main(cfg):
    with initialize(config_path="../other"):
        cfg = compose(config_name="x")
    return cfg


class Runner:
    def run(self):
        return compose("y")


if __name__ == "__main__":
    main()
"""


def test_hydra_calls_found_from_the_statements_naming_them_as_in_a_full_walk() -> None:
    import ast

    from mlops_kit.audit.profile import hydra_calls, walk

    tree = ast.parse(HYDRA_SOURCE)
    assert all(a is b for a, b in zip(ast.walk(tree), walk(tree), strict=True))
    full = hydra_calls(tree)
    assert sorted(name for name, _, _ in full) == ["compose", "compose", "initialize", "main"]
    assert hydra_calls(tree, HYDRA_SOURCE) == full
    for variant in (HYDRA_SOURCE.replace("\n", "\r\n"), "# é\n" + HYDRA_SOURCE):
        assert hydra_calls(ast.parse(variant), variant) == hydra_calls(ast.parse(variant))


def test_script_words_built_from_expansions_as_in_a_split_of_the_whole_text() -> None:
    rng = random.Random(14)
    pieces = ["\x00", "run_", "tests", ".sh", ".py", "/", "./", " ", "\n", "-", "$", "é", "\r"]
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 16)))
        expected = [w for w in facts._PATH_WORD.findall(text) if "\x00" in w]
        assert list(facts._expanded_words(text)) == expected, text
    scripts = ["ci/launch_api_tests.sh", "ci/launch_web_tests.sh", "run.sh"]
    named = facts.expanded_scripts(scripts, "x\n  run: ci/launch_${{ matrix.s }}_tests.sh\n")
    assert named == {"ci/launch_api_tests.sh", "ci/launch_web_tests.sh"}


def test_route_handlers_found_by_walking_blocks_as_in_a_full_walk() -> None:
    import ast

    from mlops_kit.audit.rules.serving import _functions

    source = """
@app.get("/a")
def a(): return model.predict(x)
class C:
    async def b(self):
        def inner(): pass
if x:
    def c(): pass
else:
    def d(): pass
try:
    def e(): pass
except E:
    def f(): pass
else:
    def g(): pass
finally:
    def h(): pass
for i in y:
    def j(): pass
else:
    def k(): pass
while z:
    with w:
        def m(): pass
match v:
    case 1:
        def n(): pass
f = lambda: [q for q in ()]
"""
    tree = ast.parse(source)
    full = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    found = list(_functions(tree))
    assert len(found) == len(full) == 13
    assert {id(n) for n in found} == {id(n) for n in full}


def test_generated_paths_as_the_pattern_finds_them() -> None:
    from mlops_kit.audit.rules.layout import GENERATED, generated

    parts = ["__pycache__", ".ipynb_checkpoints", ".virtual_documents", ".pytest_cache"]
    parts += [".mypy_cache", ".ruff_cache", ".DS_Store", "/", "x", ".py", "c", "o", "_", "\n"]
    rng = random.Random(15)
    for _ in range(5000):
        path = "".join(rng.choice(parts) for _ in range(rng.randint(0, 6)))
        assert generated(path) == (GENERATED.search(path) is not None), path


def test_lint_commands_as_the_whole_pattern_finds_them() -> None:
    from mlops_kit.audit.rules.quality import _RUNS_LINT, _runs_lint

    whole = re.compile(f"{_RUNS_LINT.pattern}|(?:^|\\n)[\\w.-]++/[\\w./-]*?(?:lint|style)")
    pieces = ["ruff", "lint", "style", "scripts/", "uses: ", "org/", "\n", " ", "-", ".", "x"]
    pieces += ["make ", "check", "pre-commit run", "é", "/", "a_b", "\t"]
    rng = random.Random(16)
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
        assert _runs_lint(text) == (whole.search(text) is not None), text


def test_lines_holding_a_needle_as_a_line_by_line_filter_keeps_them() -> None:
    pieces = ["://", ":/", "/", ":", "a", " ", "\n", "\n", "\r\n", "\r", "é"]
    rng = random.Random(11)
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        kept = [line if "://" in line else "" for line in text.split("\n")]
        assert lines_holding(text, "://") == "\n".join(kept), repr(text)


def test_shell_words_of_random_commands_as_shlex_splits_them() -> None:
    pieces = ["python", " ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\xa0", "é", "#"]
    pieces += ["'", '"', "\\", "-m", "src/x.py", "|", ">", "a", "=", "$x"]
    rng = random.Random(7)
    for _ in range(20_000):
        command = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        for comments in (False, True):
            try:
                expected: list[str] | str = shlex.split(command, comments=comments)
            except ValueError:
                expected = "ValueError"
            try:
                got: list[str] | str = facts.shell_words(command, comments=comments)
            except ValueError:
                got = "ValueError"
            assert got == expected, (command, comments)

"""An untrusted repository: the audit stays bounded, reads nothing outside, runs nothing.

Cases from RELIABILITY.md ("audit (reads an untrusted repo)"). Inputs that could crash a
parser run the CLI in a subprocess, so a crash shows as a failure, not a dead test run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from audit.support import audit, commit_all, fired, git, make_repo, write
from mlops_kit.audit.parsing import load_json, load_toml, load_yaml

HANG_GUARD = 120  # seconds; a guard against hangs, not a speed assertion

BOMB = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
)


def run_cli(
    path: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mlops_kit", "audit", str(path), "--format", "json", *args],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
        check=False,
        env=env,
    )


def report_of(done: subprocess.CompletedProcess[str]) -> dict[str, object]:
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr
    data: dict[str, object] = json.loads(done.stdout)
    return data


def messages(data: dict[str, object], rule: str) -> list[str]:
    return [str(f["message"]) for f in data["findings"] if f["rule"] == rule]  # type: ignore[attr-defined,index]


def test_yaml_bomb_is_a_finding_and_the_rest_is_audited(project: Path) -> None:
    write(project, "dvc.yaml", BOMB)
    (project / "README.md").unlink()
    data = report_of(run_cli(project))
    assert any("alias bomb" in m for m in messages(data, "DVC101"))
    assert {"LAY101"} <= {f["rule"] for f in data["findings"]}  # type: ignore[attr-defined,index]


@pytest.mark.parametrize(
    ("where", "text", "rule"),
    [
        ("dvc.yaml", "[" * 100_000 + "]" * 100_000, "DVC101"),
        ("dvc.yaml", "- " * 100_000 + "x\n", "DVC101"),
        ("conf/model/deep.yaml", "{a: " * 100_000 + "1" + "}" * 100_000, "CFG101"),
        ("pyproject.toml", "a = " + "[" * 100_000 + "]" * 100_000, "PKG101"),
    ],
)
def test_deep_nesting_is_a_finding_not_a_crash(
    project: Path, where: str, text: str, rule: str
) -> None:
    # The parser (our depth limit or the C library's own) words the refusal; what the kit
    # promises is one finding on that file, and the rest of the repository still audited.
    write(project, where, text)
    (project / "README.md").unlink()
    data = report_of(run_cli(project))
    findings = data["findings"]
    assert any(f["rule"] == rule and f["path"] == where for f in findings)  # type: ignore[attr-defined,index]
    assert any(f["rule"] == "LAY101" for f in findings)  # type: ignore[attr-defined,index]


def test_deep_json_notebook(project: Path) -> None:
    write(project, "notebooks/deep.ipynb", "[" * 100_000 + "]" * 100_000)
    data = report_of(run_cli(project))
    assert any("not a valid notebook" in m for m in messages(data, "DAT104"))


def test_python_tags_are_inert(project: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    write(
        project, "conf/model/evil.yaml", f"x: !!python/object/apply:os.system ['touch {marker}']\n"
    )
    write(project, "dvc.yaml", f"!!python/object/apply:os.system ['touch {marker}']\n")
    data = report_of(run_cli(project))
    assert not marker.exists()
    assert any("Python object tag" in m for m in messages(data, "CFG101"))
    assert any("Python object tag" in m for m in messages(data, "DVC101"))


def test_duplicate_keys_are_reported_with_their_line(project: Path) -> None:
    write(project, "conf/config.yaml", "defaults:\n  - _self_\nseed: 1\nseed: 2\n")
    issue = next(i for i in audit(project).issues if i.rule == "CFG101")
    assert "duplicate key 'seed'" in issue.message and issue.line == 4


def test_huge_dvc_yaml_is_too_large(project: Path) -> None:
    write(project, "dvc.yaml", "stages:\n" + "# padding\n" * 300_000)
    data = report_of(run_cli(project))
    assert any("too large" in m for m in messages(data, "DVC101"))


def test_sixty_thousand_stages_stay_bounded(tmp_path: Path) -> None:
    stages = "".join(f"  s{i}: {{cmd: x, deps: [d{i}]}}\n" for i in range(60_000))
    repo = make_repo(tmp_path / "repo", {"dvc.yaml": "stages:\n" + stages})
    data = report_of(run_cli(repo, "--select", "DVC,QUA104"))
    shown = messages(data, "DVC104")
    assert len(shown) == 201 and any("59,800 more findings" in m for m in shown)
    [no_outs] = messages(data, "DVC113")  # one gap, one finding, a bounded message
    assert "'s0', 's1', 's2', 's3', 's4' and 59,995 more declare no outs" in no_outs


def test_fifo_params_yaml_does_not_hang(project: Path) -> None:
    (project / "params.yaml").unlink()
    os.mkfifo(project / "params.yaml")
    data = report_of(run_cli(project))
    problems = messages(data, "DVC107") + messages(data, "CFG107")
    assert problems and all("FIFO" in m or "missing" in m for m in problems)
    assert any("FIFO" in m for m in problems)


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "seed: 1\n".encode("utf-16"),
        b"seed: caf\xe9\n",
        b"seed: 1\x00\n",
    ],
    ids=["png", "utf16", "latin1", "nul"],
)
def test_non_utf8_config_is_a_finding(project: Path, content: bytes) -> None:
    write(project, "conf/model/odd.yaml", content)
    hits = [i for i in audit(project).issues if i.path == "conf/model/odd.yaml"]
    assert [i.rule for i in hits] == ["CFG101"]
    assert "not UTF-8 text" in hits[0].message


def test_symlinks_out_of_the_repo_are_never_read_or_printed(project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "credentials").write_text(
        "aws_secret_access_key = TOPSECRETVALUE123\n", encoding="utf-8"
    )
    (outside / "config.yaml").write_text("password: TOPSECRETVALUE123\n", encoding="utf-8")
    (project / "passwd").symlink_to("/etc/passwd")
    (project / "credentials.yaml").symlink_to(outside / "credentials")
    (project / "loop_a").symlink_to("loop_b")
    (project / "loop_b").symlink_to("loop_a")
    (project / "dvc.yaml").unlink()
    (project / "dvc.yaml").symlink_to(outside / "config.yaml")
    commit_all(project)
    done = run_cli(project)
    data = report_of(done)
    assert "TOPSECRETVALUE" not in done.stdout and "root:" not in done.stdout
    escapes = messages(data, "LAY111")
    assert any("passwd" in m and "outside the repository" in m for m in escapes)
    assert any("credentials.yaml" in m for m in escapes)
    assert any("loop" in m for m in escapes)
    assert any("outside the repository" in m for m in messages(data, "DVC101"))


def test_conf_folder_linked_out_of_the_repo_is_not_read(project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    (outside / "tracking").mkdir(parents=True)
    (outside / "config.yaml").write_text(
        "defaults: [_self_]\npassword: TOPSECRETVALUE123\n", encoding="utf-8"
    )
    import shutil

    shutil.rmtree(project / "conf")
    (project / "conf").symlink_to(outside)
    done = run_cli(project)
    assert "TOPSECRETVALUE" not in done.stdout
    assert "LAY111" in done.stdout


def test_nothing_in_the_repository_runs(project: Path, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    touch = f"touch {marker}"
    git(project, "config", "core.fsmonitor", touch)
    git(project, "config", "core.hooksPath", ".hooks")
    git(project, "config", "filter.evil.clean", touch)
    git(project, "config", "filter.evil.smudge", touch)
    git(project, "config", "diff.evil.textconv", touch)
    git(project, "config", "core.pager", touch)
    write(project, ".gitattributes", "* filter=evil diff=evil\n")
    hook = write(project, ".hooks/post-index-change", f"#!/bin/sh\n{touch}\n")
    hook.chmod(0o755)
    payload = f"import pathlib\npathlib.Path({str(marker)!r}).touch()\n"
    write(project, "conftest.py", payload)
    write(project, "setup.py", payload)
    write(project, "src/wine_classifier/stages/prepare.py", payload)
    write(project, "Makefile", f"all:\n\t{touch}\n")
    write(project, "untracked.py", "x = 1\n")
    report_of(run_cli(project))
    audit(project)
    assert not marker.exists()


def test_oc_env_interpolation_is_not_a_secret(project: Path) -> None:
    write(
        project,
        "conf/tracking/db.yaml",
        "password: ${oc.env:DB_PASSWORD}\nuri: postgresql://u:${oc.env:PW}@h/db\n",
    )
    write(project, "deploy/app.yaml", "token: ${API_TOKEN}\napi_key: <your key>\n")
    assert not {"CFG105", "SEC102", "SEC103"} & fired(project)
    write(project, "conf/tracking/db.yaml", "password: hunter2hunter2\n")
    assert "CFG105" in fired(project)


def test_secrets_are_redacted_everywhere(project: Path) -> None:
    token = "ghp_" + "a1B2c3D4" * 5
    write(project, "notes.md", f"token {token}\n")
    write(project, "deploy/db.yaml", "password: correct-horse-battery\n")
    commit_all(project)
    for fmt in ("text", "json", "sarif", "github", "markdown", "junit"):
        done = subprocess.run(
            [sys.executable, "-m", "mlops_kit", "audit", str(project), "--format", fmt],
            capture_output=True, text=True, timeout=HANG_GUARD, check=False,
        )  # fmt: skip
        assert done.returncode == 1, done.stderr
        assert token not in done.stdout and "correct-horse-battery" not in done.stdout
        assert "redacted" in done.stdout


def test_walk_never_enters_git_dvc_cache_or_mlruns(tmp_path: Path) -> None:
    key = 'KEY = "' + "AKIA" + 'Q3VZ7LMN2HXRT4WB"\n'
    repo = make_repo(
        tmp_path / "plain",
        {
            "README.md": "# x\n",
            ".dvc/cache/files/leak.py": key,
            "mlruns/0/leak.py": key,
            "deep/mlartifacts/leak.py": key,
            ".venv/lib/leak.py": key,
            "src/ok.py": "x = 1\n",
        },
        use_git=False,
    )
    report = audit(repo)
    assert "SEC101" not in {i.rule for i in report.issues}
    write(repo, "src/leak.py", key)
    assert "SEC101" in fired(repo)


def test_parsers_never_raise() -> None:
    for text in (
        "",
        "\x00",
        "a: [",
        "- - - -",
        "? [a]: 1",
        "*x",
        "&a a: *a",
        BOMB,
        "a: !!binary x",
    ):
        assert load_yaml(text).error is None or load_yaml(text).data is None
    assert load_toml("a = [[[").error and load_json("{").error


def test_yaml_resolves_like_yaml_1_2(tmp_path: Path) -> None:
    parsed = load_yaml("on: yes\nn: 010\nf: 1.5e-3\nq: '1'\nm:\n  <<: {a: 1}\n  b: 2\n")
    assert parsed.data == {"on": "yes", "n": 10, "f": 0.0015, "q": "1", "m": {"a": 1, "b": 2}}
    assert parsed.data.key_lines["m"] == 5

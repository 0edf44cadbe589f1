"""Token recognition: every kind is found, named and redacted (the literal pre-check included)."""

from __future__ import annotations

import base64
import json
import re

import pytest
from mlops_kit.audit.secrets import TOKEN_KINDS, find_secrets, scrub, tokens

SAMPLES = {
    "AWS access key id": "AKIA" + "IOSFODNN7EXAMPL3",  # split: the kit audits itself
    "GitHub token": "ghs_" + "a1B2c3D4e5" * 4,
    "GitLab token": "glpat-" + "x1y2z3" * 4,
    "Slack token": "xoxb-1234567890-abcdef",
    "Google API key": "AIza" + "Sy" + "A1b2C3d4E5" * 3 + "f6g",
    "OpenAI API key": "sk-proj-" + "Q1w2E3r4" * 5,
    "Hugging Face token": "hf_" + "AbCdEfGhIj" * 3 + "kl",
    "Stripe secret key": "rk_live_" + "0aB1cD2eF3" * 3,
    "Databricks token": "dapi" + "0123456789abcdef" * 2,
    "Telegram bot token": "8306719491:AA" + "Hns7HTpjMUGlcXMA5SEffd6zPd2X6U0qw",
    "Neptune API token": "eyJhcGlfYWRkcmVzcyI6"
    + "Imh0dHBzOi8vdWkubmVwdHVuZS5haSIsImFwaV9rZXkiOiI3YjZl" * 2,
    "Azure storage account key": "AccountKey=" + "Zm9vYmFy" * 6,
    "Slack webhook URL": "hooks.slack.com/services/"
    + "T0KCQ9NCC/B0F53KBL7/"
    + "Dq4bT8xZm2Lw9rVn3KpHs7Yc",
    "private key": "-----BEGIN OPENSSH " + "PRIVATE KEY-----",
    "Kaggle API key": '"username":"ana","key":"' + "0123456789abcdef" * 2 + '"',
}


def test_every_kind_has_a_sample() -> None:
    assert set(SAMPLES) == {kind for kind, _, _ in TOKEN_KINDS}


@pytest.mark.parametrize(("kind", "markers", "pattern"), TOKEN_KINDS, ids=lambda v: str(v)[:12])
def test_kind_found_named_and_redacted(kind: str, markers: tuple[str, ...], pattern: str) -> None:
    sample = SAMPLES[kind]
    assert re.search(pattern, sample), "the sample must be a real match"
    assert any(marker in sample for marker in markers)
    text = f"line one\nvalue = {sample} # trailing\n"
    hits = list(tokens(text))
    assert [(hit.kind, hit.line) for hit in hits] == [(kind, 2)]
    assert sample not in hits[0].preview
    assert sample not in scrub(f"found {sample} here")


def test_no_marker_means_no_token() -> None:
    assert not list(tokens("plain text with ghx_notatoken and sk_ and AKIB" * 50))
    assert scrub("nothing secret: task-list, disk-usage") == "nothing secret: task-list, disk-usage"


def test_tokens_and_uri_passwords_in_order() -> None:
    text = "a postgresql://u:s3cr3tpass@db/x\nb AKIA" + "IOSFODNN7EXAMPL3\n"
    hits = find_secrets(text, assignments=False)
    assert [(hit.kind, hit.line) for hit in hits] == [
        ("password in a URI", 1),
        ("AWS access key id", 2),
    ]


@pytest.mark.parametrize(
    "comment",
    ["# pragma: allowlist secret", "// pragma: allowlist-secret", "# gitleaks:allow"],
)
def test_an_allowlist_comment_exempts_its_line(comment: str) -> None:
    token = SAMPLES["GitHub token"]
    text = (
        f"a = '{token}'  {comment}\n"
        f"b = 'postgresql://u:s3cr3tpass@db/x'  {comment}\n"
        f"password: hunter2hunter2  {comment}\n"
        f"c = '{token}'\n"
    )
    assert [hit.line for hit in find_secrets(text, assignments=True)] == [4]
    # Callers that must not copy a secret anywhere can still see it.
    assert len(find_secrets(text, assignments=True, allowlist=False)) == 4


def test_an_allowlist_comment_on_the_line_before() -> None:
    text = "# pragma: allowlist nextline secret\npassword: hunter2hunter2\npassword: other-one\n"
    assert [hit.line for hit in find_secrets(text, assignments=True)] == [3]


def test_redacted_previews_are_not_secrets() -> None:
    hits = find_secrets("db = postgresql://mlflow:Sup3rS3cretPass@db/mlflow\n", assignments=False)
    preview = hits[0].preview
    for quoted in (preview, json.dumps(preview), json.dumps(preview, ensure_ascii=True)):
        assert not find_secrets(f"message: {quoted}\n", assignments=True)


def test_trailing_blanks_and_a_comma_are_not_part_of_the_value() -> None:
    text = '"password":   "hunter2hunter2"  ,  \n'

    hits = find_secrets(text, assignments=True)
    assert [(hit.kind, hit.preview) for hit in hits] == [
        ("credential `password`", "hunt…(redacted)")
    ]


def test_neptunes_public_anonymous_token_is_no_secret() -> None:
    anonymous = (
        '{"api_address":"https://app.neptune.ai","api_url":"https://app.neptune.ai",'
        '"api_key":"b706bc8f-76f9-4c2e-939d-4ba036f932e4"}'
    )
    token = base64.b64encode(anonymous.encode()).decode()
    assert not list(tokens(f"neptune_api: {token}\n"))
    own = base64.b64encode(anonymous.replace("b706bc8f", "7b6e0a1c").encode()).decode()
    assert [hit.kind for hit in tokens(f"neptune_api: {own}\n")] == ["Neptune API token"]

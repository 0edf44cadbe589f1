"""Secret shapes met on an eighteenth set of public repositories the audit had never seen.

A Mage project commits the `triggers.yaml` files Mage writes, with a token in every
trigger that only an API trigger uses; its generated `io_config.yaml` holds a connection
string template with `{password}` in it. The tests reproduce the shapes with files
written here: the false findings gone, the real ones kept.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from audit.support import places, repo
from mlops_kit.audit import secrets

# Hex tokens of 32 characters, as Mage writes them (uuid4().hex); made up here.
TIME_TOKEN = "9c41e07b2fd84a6e8b15d3a07c6f92e1"
API_TOKEN = "e5a803cd17b44f0f96d2b8e41a7c3d58"
EVENT_TOKEN = "4b7f2c91e06d48a3a5e9d10c8f3b6e27"


def _trigger(name: str, schedule_type: str, token: str) -> str:
    return (
        "- description: null\n"
        "  envs: []\n"
        f"  name: {name}\n"
        f"  pipeline_uuid: {name}_pipeline\n"
        "  schedule_interval: '@daily'\n"
        f"  schedule_type: {schedule_type}\n"
        "  start_time: 2024-08-06 23:00:00+00:00\n"
        "  status: active\n"
        f"  token: {token}\n"
        "  variables:\n"
        "    model_alias: production\n"
    )


def test_tokens_of_schedule_and_event_triggers_are_not_secrets(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "mage-ai==0.9.72\n",
        "pipelines/daily/triggers.yaml": "triggers:\n" + _trigger("daily", "time", TIME_TOKEN),
        "pipelines/on_upload/triggers.yaml": (
            "triggers:\n" + _trigger("on_upload", "event", EVENT_TOKEN)
        ),
        "pipelines/predict/triggers.yaml": (
            "triggers:\n"
            + _trigger("nightly", "time", TIME_TOKEN[::-1])
            + _trigger("predict", "api", API_TOKEN)
        ),
    }
    root = repo(tmp_path, files)
    # The API trigger's token opens its run endpoint: still an error, at its line (21).
    assert places(root, "SEC103") == ["pipelines/predict/triggers.yaml:21"]
    assert places(root, "SEC106") == []


def test_a_token_in_a_file_of_another_shape_is_still_reported(tmp_path: Path) -> None:
    # The literals of a triggers file are there, but not its shape: an entry lacks
    # `schedule_type`, or the list is not under a top-level `triggers:` key.
    no_type = "triggers:\n" + _trigger("daily", "time", TIME_TOKEN).replace(
        "  schedule_type: time\n", "  kind: schedule_type\n"
    )
    nested = "jobs:\n  triggers:\n" + "".join(
        "  " + line + "\n" for line in _trigger("daily", "time", EVENT_TOKEN).splitlines()
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "mage-ai==0.9.72\n",
        "pipelines/daily/triggers.yaml": no_type,
        "deploy/schedule.yaml": nested,
    }
    assert places(repo(tmp_path, files), "SEC103") == [
        "deploy/schedule.yaml:11",
        "pipelines/daily/triggers.yaml:10",
    ]


def test_a_connection_string_template_holds_no_password(tmp_path: Path) -> None:
    config = (
        "default:\n"
        '  MONGODB_CONNECTION_STRING: "mongodb://{username}:{password}@{host}:{port}/"\n'
        "  POSTGRES_URI: postgresql://<user>:<password>@<host>:5432/db\n"
        "  MYSQL_CONNECTION_STRING: mysql://%(user)s:%(password)s@%(host)s/shop\n"
        "  REDIS_CONNECTION_STRING: redis://default:$REDIS_PASSWORD@cache:6379\n"
        "  WAREHOUSE_CONNECTION_STRING: snowflake://{{ user }}:{{ password }}@acct/db\n"
        "production:\n"
        "  ANALYTICS_CONNECTION_STRING: Server=db.internal;Password=Qv7rTb2wLm9s\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "mage-ai==0.9.72\n",
        "io_config.yaml": config,
    }
    # The one connection string with a literal password is still a chosen password.
    assert places(repo(tmp_path, files), "SEC106") == ["io_config.yaml:8"]


@pytest.mark.parametrize(
    ("value", "placeholder"),
    [
        ("mongodb://{username}:{password}@{host}:{port}/", True),
        ("postgresql://<user>:<password>@<host>/db", True),
        ("mysql://%(user)s:%(password)s@%(host)s/db", True),
        ("redis://default:${REDIS_PASSWORD}@cache:6379", True),
        ("'amqp://guest:$PASSWORD@queue'", True),
        ("mongodb://reader:Qv7rTb2wLm9s@cluster0.mongodb.net/", False),
        ("mongodb://cluster0.mongodb.net/", False),  # no user-info: no password to judge
        ("Server=db;Password={password}", False),  # not a URI
    ],
)
def test_placeholder_uri_password(value: str, placeholder: bool) -> None:
    assert secrets.placeholder_uri_password(value) is placeholder


def test_a_password_beside_a_local_host_is_a_development_database(tmp_path: Path) -> None:
    # The same settings as `trino://admin:Kd83hsQ2pa@127.0.0.1:8080`, which SEC102 does
    # not report: a database on the developer's machine. A password beside a remote host,
    # or beside a local host of another block, section or prefix, is still reported.
    profile = (
        "default:\n"
        "  trino:\n"
        "    catalog: postgresql\n"
        "    host: 127.0.0.1\n"
        "    session_properties:\n"
        "      optimize_hash_generation: true\n"
        "    password: Kd83hsQ2pa  # Optional\n"
        "    user: admin\n"
        "  warehouse:\n"
        "    host: warehouse.internal.corp\n"
        "    password: Wq4m8vZt2L\n"  # line 11
        "targets:\n"
        "  - host: localhost\n"
        "    password: Lp2c9Xr7Ve\n"
        "  - host: db.prod.corp\n"
        "    password: Nb5k1Ty8Qs\n"  # line 16
    )
    env = (
        "HOST=0.0.0.0\n"
        "MYSQL_HOST=localhost\n"
        "MYSQL_PASSWORD=Jx6h3Ws9Rd\n"
        "SMTP_PASSWORD=Fz8r2Kq5Mn\n"  # line 4: its host is not the local machine
    )
    ini = (
        "[local]\n"
        "db.host = localhost\n"
        "db.password = Hs4n7Pc2Gw\n"
        "[remote]\n"
        "db.password = Tv9e3Lm6Xb\n"  # line 5: the local host is another section's
    )
    terraform = 'host = "localhost"\npassword = "Ry7d2Bn4Kc"\n'
    files: dict[str, str | bytes] = {
        "requirements.txt": "mage-ai==0.9.72\n",
        "io_config.yaml": profile,
        "deploy/.env.local": env,
        "settings.ini": ini,
        "infra/db.tf": terraform,
    }
    assert places(repo(tmp_path, files), "SEC106") == [
        "deploy/.env.local:4",
        "infra/db.tf:2",
        "io_config.yaml:11",
        "io_config.yaml:16",
        "settings.ini:5",
    ]

"""Shapes met on a fifty-fourth set of public repositories the audit had never seen.

Airflow DAGs that connect to a development database on the developer's machine, seen
from their container as `host.docker.internal`. The test writes the shape here and
checks the false finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import audit, places, repo

DAG = (
    "import asyncio\n\n\n"
    "def run_bias_analysis(**context):\n"
    '    db_url = "postgresql://ecg_user:ecg_password_dev@host.docker.internal:5432/ecg"\n'
    "    return asyncio.run(check(db_url))\n"
)


def test_a_database_on_the_developers_machine_seen_from_a_container(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "apache-airflow==2.9.3\n",
        "airflow/dags/bias_monitoring_dag.py": DAG,
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "local"), "SEC102") == []
    remote = DAG.replace("host.docker.internal", "db.internal.corp")
    found = places(
        repo(tmp_path, {**files, "airflow/dags/bias_monitoring_dag.py": remote}, "remote"), "SEC102"
    )
    assert found == ["airflow/dags/bias_monitoring_dag.py:5"]


def test_one_password_in_two_files_is_one_finding(tmp_path: Path) -> None:
    remote = DAG.replace("host.docker.internal", "db.internal.corp")
    files: dict[str, str | bytes] = {
        "requirements.txt": "apache-airflow==2.9.3\n",
        "airflow/dags/bias_monitoring_dag.py": remote,
        "airflow/dags/drift_monitoring_dag.py": remote,
        ".gitignore": ".venv/\n",
    }
    root = repo(tmp_path, files, "two")
    assert places(root, "SEC102") == ["airflow/dags/bias_monitoring_dag.py:5"]
    (message,) = [i.message for i in audit(root).issues if i.rule == "SEC102"]
    assert message.endswith("(also in airflow/dags/drift_monitoring_dag.py)")

"""Shapes met on an eighteenth set of public repositories the audit had never seen.

Tracking code with commented-out calls and hosts read at run time, runs logged to
DagsHub, an Azure ML accelerator whose scripts run as jobs, and a compose file whose
non-MLflow service is told where MLflow is. Each test writes the shape itself: the false
problem gone, the real one next to it still reported.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import audit, fired, places, repo

REQUIREMENTS = "mlflow==2.17.2\nscikit-learn==1.5.2\n"
TRAIN = (
    "import os\n\nimport mlflow\n\n\ndef main():\n"
    '    mlflow.set_experiment("sales")\n'
    "    with mlflow.start_run():\n"
    '        mlflow.log_metric("rmse", 1.0)\n'
)


def test_commented_out_tracking_uri_is_not_code(tmp_path: Path) -> None:
    code = (
        "import mlflow\n\n"
        '#mlflow.set_tracking_uri("http://mlflow:5000")\n'
        '    # mlflow.set_tracking_uri("sqlite:///mlflow.db")\n'
        'mlflow.set_tracking_uri("http://tracking.example.com:5000")\n'
        'mlflow.set_experiment("sales")\n'
    )
    files: dict[str, str | bytes] = {"requirements.txt": REQUIREMENTS, "src/train.py": code}
    assert places(repo(tmp_path, files), "TRK103") == ["src/train.py:5"]


def test_commented_out_call_alone_configures_nothing(tmp_path: Path) -> None:
    code = TRAIN + '    # mlflow.set_tracking_uri("sqlite:///mlflow.db")\n'
    files: dict[str, str | bytes] = {"requirements.txt": REQUIREMENTS, "src/train.py": code}
    assert "TRK103" not in fired(repo(tmp_path, files))


def test_host_interpolated_in_an_f_string_is_not_hard_coded(tmp_path: Path) -> None:
    code = (
        "import os\n\nimport mlflow\n\nfrom config import settings\n\n"
        'tracking_server = os.getenv("EC2_IP")\n'
        'mlflow.set_tracking_uri(f"http://{tracking_server}:5000")\n'
        "if settings.EC2:\n"
        '    mlflow.set_tracking_uri(f"http://{settings.EC2}:5000")\n'
        "else:\n"
        '    mlflow.set_tracking_uri("http://mlflow:5000")\n'
        'mlflow.set_tracking_uri(f"http://mlflow:{port}")\n'
        'server = "mlflow.internal"\n'
        'mlflow.set_tracking_uri(f"http://{server}:5000")\n'
    )
    files: dict[str, str | bytes] = {"requirements.txt": REQUIREMENTS, "src/train.py": code}
    # a literal host stays reported: written out, or a string the file assigns
    assert places(repo(tmp_path, files), "TRK103") == [
        "src/train.py:12",
        "src/train.py:13",
        "src/train.py:15",
    ]


def test_dagshub_init_with_mlflow_sets_the_tracking_uri(tmp_path: Path) -> None:
    code = (
        "import dagshub\nimport mlflow\n\n\ndef train(params, metrics):\n"
        "    dagshub.init(\n        repo_owner='someone',\n        repo_name='housing',\n"
        "        mlflow=True,\n    )\n"
        "    with mlflow.start_run():\n        mlflow.log_params(params)\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": REQUIREMENTS + "dagshub==0.3.41\n",
        "src/components/model_trainer.py": code,
    }
    rules = fired(repo(tmp_path, files, "dagshub"))
    assert "TRK101" not in rules and "TRK104" not in rules
    assert "TRK105" in rules  # runs still go to the Default experiment
    # DagsHub without its MLflow switch leaves MLflow writing locally
    local = {**files, "src/components/model_trainer.py": code.replace("mlflow=True", "dvc=True")}
    rules = fired(repo(tmp_path, local, "local"))
    assert "TRK101" in rules and "TRK104" in rules


AZUREML_SCHEMAS = "https://azuremlschemas.azureedge.net/latest"
PIPELINE_JOB = (
    f"$schema: {AZUREML_SCHEMAS}/pipelineJob.schema.json\n"
    "type: pipeline\nexperiment_name: taxi-training\n"
    "inputs:\n  input:\n    type: uri_file\n    path: azureml:taxi-data@latest\n"
    "jobs:\n  train:\n    type: command\n    code: ../../../data-science/src\n"
    "    command: python train.py --data ${{inputs.input}}\n"
)
DATA_ASSET = (
    f"$schema: {AZUREML_SCHEMAS}/data.schema.json\n"
    "# Supported paths include: local ./<path>, blob, ADLS gen2, datastores\n"
    "type: uri_file\nname: taxi-data\npath: ../../../data/taxi-data.csv\n"
)
AML_TRAIN = (
    "import mlflow\nimport pandas as pd\nfrom sklearn.linear_model import LinearRegression\n\n"
    "def main(path):\n    df = pd.read_csv(path)\n    mlflow.start_run()\n"
    "    LinearRegression().fit(df[['a']], df['b'])\n    mlflow.log_metric('r2', 1.0)\n"
)


def azureml_files(**extra: str) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "environment.yml": "name: train\ndependencies:\n  - python=3.11\n",
        "requirements.txt": REQUIREMENTS + "pandas==2.2.3\n",
        "classical/data-science/src/train.py": AML_TRAIN,
        "classical/data/taxi-data.csv": "a,b\n" + "1,2\n" * 50,
    }
    files.update(extra)
    return files


def test_scripts_azure_ml_runs_as_jobs_log_to_the_workspace(tmp_path: Path) -> None:
    jobs = {"classical/mlops/azureml/train/pipeline.yml": PIPELINE_JOB}
    report = audit(repo(tmp_path, azureml_files(**jobs), "jobs"))
    assert report.profile is not None and "azureml" in report.profile.trackers
    rules = {issue.rule for issue in report.issues}
    assert "TRK101" not in rules and "TRK104" not in rules
    assert "DVC115" in rules  # the job YAML alone versions no data
    # the same scripts run by hand log to a local store
    rules = fired(repo(tmp_path, azureml_files(), "by-hand"))
    assert "TRK101" in rules and "TRK104" in rules


def test_jobs_submitted_with_the_sdk_v2_log_to_the_workspace(tmp_path: Path) -> None:
    submit = (
        "from azure.ai.ml import MLClient, command\nfrom azure.identity import "
        "DefaultAzureCredential\n\n\ndef main():\n"
        "    ml_client = MLClient.from_config(DefaultAzureCredential())\n"
        "    job = command(code='../data-science/src', command='python train.py')\n"
        "    ml_client.jobs.create_or_update(job, experiment_name='taxi')\n"
    )
    files = azureml_files(**{"classical/mlops/run_pipeline.py": submit})
    report = audit(repo(tmp_path, files, "sdk"))
    assert report.profile is not None and "azureml" in report.profile.trackers
    assert not {"TRK101", "TRK104"} & {issue.rule for issue in report.issues}
    # an `azure` import that is not Azure ML is no tracker
    storage = "from azure.storage.blob import BlobServiceClient\n\nBlobServiceClient\n"
    other = audit(repo(tmp_path, azureml_files(**{"classical/mlops/upload.py": storage}), "blob"))
    assert other.profile is not None and "azureml" not in other.profile.trackers


def test_azure_ml_data_assets_version_the_data(tmp_path: Path) -> None:
    assets = {
        "classical/mlops/azureml/train/pipeline.yml": PIPELINE_JOB,
        "classical/mlops/azureml/train/data.yml": DATA_ASSET,
    }
    assert "DVC115" not in fired(repo(tmp_path, azureml_files(**assets), "assets"))
    # a definition of another kind (a compute cluster) versions nothing
    compute = f"$schema: {AZUREML_SCHEMAS}/amlCompute.schema.json\ntype: amlcompute\n"
    other = {**assets, "classical/mlops/azureml/train/data.yml": compute}
    assert "DVC115" in fired(repo(tmp_path, azureml_files(**other), "compute"))


def test_build_args_naming_mlflow_do_not_make_an_mlflow_service(tmp_path: Path) -> None:
    compose = (
        "services:\n"
        "  magic-platform:\n"
        "    env_file: [.env]\n"
        "    build:\n      context: .\n      args:\n        - MLFLOW_PORT=5000\n"
        "    ports:\n      - 6789:6789\n"
        "  tracking:\n"
        "    build:\n      context: ./mlflow\n      dockerfile: Dockerfile\n"
        "    ports:\n      - 5000:5000\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": REQUIREMENTS,
        "docker-compose.yml": compose,
    }
    assert places(repo(tmp_path, files), "TRK106") == ["docker-compose.yml:15"]


def test_tracking_uri_read_from_another_variable_can_change_per_environment(
    tmp_path: Path,
) -> None:
    search = (
        "import os\n\nimport mlflow\n\n\ndef best_model():\n"
        '    #mlflow.set_tracking_uri("http://mlflow:5000")\n'
        '    mlflow.set_tracking_uri(os.getenv("MLFLOW_ENDPOINT_URL", "http://mlflow:5000"))\n'
        '    mlflow.set_experiment("gaming")\n'
    )
    train = (
        "import os\n\nimport mlflow\n\n\ndef train():\n"
        "    server: str = os.environ.get('MLFLOW_ENDPOINT_URL')\n"
        "    mlflow.set_tracking_uri(server)\n"
        '    mlflow.set_experiment("gaming")\n'
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": REQUIREMENTS,
        "custom/search_best_model.py": search,
        "transformers/train_evaluate.py": train,
    }
    root = repo(tmp_path, files, "env")
    assert not {"TRK102", "TRK103"} & fired(root)
    # a URI taken from settings alone cannot be overridden per environment
    settings = "import mlflow\n\nfrom config import cfg\n\nmlflow.set_tracking_uri(cfg.uri)\n"
    root = repo(tmp_path, {**files, "register.py": settings}, "settings")
    assert places(root, "TRK102") == ["register.py:5"]

# The model service image: this project, installed at the versions of requirements.lock,
# serving the @champion from the tracking server with gunicorn (python -m <module>.serve).
# Build and run it next to the tracking server with deploy/compose.model.yaml:
#   docker compose --env-file .env -f deploy/compose.yaml -f deploy/compose.model.yaml up -d --wait
FROM python:{{ cookiecutter.python_version }}-slim-bookworm

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    MLFLOW_DISABLE_TELEMETRY=true

RUN useradd --create-home --uid 10001 model
WORKDIR /home/model/app

COPY pyproject.toml requirements.lock README.md params.yaml ./
COPY conf/ conf/
COPY src/ src/
RUN python -m pip install --constraint requirements.lock . \
    && mkdir logs && chown model logs

USER model
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=6 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/health', timeout=3)"]
# Inside the container the service listens on all of its interfaces; the published port
# in deploy/compose.model.yaml decides who can reach it (this machine only).
CMD ["python", "-m", "{{ cookiecutter.module_name }}.serve", "serve.host=0.0.0.0", "serve.port=8080"]

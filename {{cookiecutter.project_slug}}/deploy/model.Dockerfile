# The model service image: this project, installed at the versions of its lock file,
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

{%- if cookiecutter.package_manager == "poetry" %}
COPY pyproject.toml poetry.lock poetry.toml README.md params.yaml ./
COPY conf/ conf/
COPY src/ src/
# The runtime dependencies at the versions of poetry.lock, then the project itself.
RUN python -m pip install "poetry=={{ cookiecutter._poetry_version }}" \
    && POETRY_VIRTUALENVS_CREATE=false poetry install --only main --no-root --no-interaction \
    && python -m pip install --no-deps . \
    && python -m pip uninstall --yes poetry \
    && mkdir logs && chown model logs
{%- elif cookiecutter.package_manager == "uv" %}
COPY pyproject.toml uv.lock README.md params.yaml ./
COPY conf/ conf/
COPY src/ src/
# The runtime dependencies at the versions of uv.lock, then the project itself.
RUN python -m pip install "uv=={{ cookiecutter._uv_version }}" \
    && uv export --frozen --no-dev --no-emit-project --no-hashes --output-file /tmp/lock.txt \
    && python -m pip install --constraint /tmp/lock.txt . \
    && python -m pip uninstall --yes uv \
    && mkdir logs && chown model logs
{%- else %}
COPY pyproject.toml requirements.lock README.md params.yaml ./
COPY conf/ conf/
COPY src/ src/
RUN python -m pip install --constraint requirements.lock . \
    && mkdir logs && chown model logs
{%- endif %}

USER model
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=6 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/health', timeout=3)"]
# Inside the container the service listens on all of its interfaces; the published port
# in deploy/compose.model.yaml decides who can reach it (this machine only).
CMD ["python", "-m", "{{ cookiecutter.module_name }}.serve", "serve.host=0.0.0.0", "serve.port=8080"]

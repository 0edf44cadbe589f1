"""mlops-kit: bake a standard ML repository and keep every repository true to it."""

__version__ = "0.1.0"

# The project's home: help links, SARIF `informationUri` and the docs links derive from it.
# pyproject.toml's [project.urls] repeat it (a test keeps them equal).
HOMEPAGE = "https://github.com/mlops-kit/mlops-kit"
DOCS_URL = f"{HOMEPAGE}/blob/main/docs"

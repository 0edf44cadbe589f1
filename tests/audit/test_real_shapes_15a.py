"""Shapes met on a fifteenth set of public repositories the audit had never seen (part one).

A vendored chart's commented example of a private key, a vendored Kubernetes CRD over a
megabyte, and TensorFlow brought by the TFX libraries a package declares. Each test
reproduces the shape with files written here: a false problem gone, the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import places, repo

# Key material assembled at run time, so no scanner reads a key in this file.
BODY = "MIIEowIBAAKCAQEA" + "q3Vz7LmN2hXrT4wBcD9eF1gH5jK8mP0sR6tU" * 2


def test_a_pem_block_without_key_material_is_not_a_key(tmp_path: Path) -> None:
    example = (
        "## tls:\n##   client-key.pem: |\n##       -----BEGIN RSA PRIVATE KEY-----\n"
        "##       ...\n##       -----END RSA PRIVATE KEY-----\n"
    )
    real = f"-----BEGIN RSA PRIVATE KEY-----\n{BODY}\n-----END RSA PRIVATE KEY-----\n"
    root = repo(
        tmp_path,
        {"charts/es/values.yaml": example, "deploy/key.yaml": "key: |\n" + real, "a.py": "x=1\n"},
    )
    assert places(root, "SEC101") == ["deploy/key.yaml:2"]


def test_a_vendored_kubernetes_crd_is_configuration(tmp_path: Path) -> None:
    crd = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nspec:\n"
    crd += "  description: a field of the job spec\n" * 40_000
    archive = bytes(range(256)) * 6_000
    root = repo(
        tmp_path, {"k8s/crds/rayjobs.yaml": crd, "vendor/tool.bin": archive, "app.py": "x = 1\n"}
    )
    assert places(root, "DAT101") == ["vendor/tool.bin"]


def test_tfx_libraries_bring_tensorflow(tmp_path: Path) -> None:
    setup = (
        "from setuptools import setup\n"
        'setup(name="trainer", packages=["trainer"], install_requires=['
        '"tensorflow-transform==1.2.0", "tensorflow-data-validation==1.2.0"])\n'
    )
    files: dict[str, str | bytes] = {
        "setup.py": setup,
        "trainer/__init__.py": "",
        "trainer/data.py": "import tensorflow as tf\nimport xgboost\n",
    }
    assert places(repo(tmp_path, files), "PKG105") == ["trainer/data.py:2"]

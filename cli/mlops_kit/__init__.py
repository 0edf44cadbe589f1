"""mlops-kit: bake a standard ML repository and keep every repository true to it."""

__version__ = "0.1.0"

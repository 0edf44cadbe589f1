"""Run the CLI as `python -m mlops_kit`."""

from mlops_kit.app import main

main()

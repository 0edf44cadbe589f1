"""Pipeline stages, one module each, run by DVC as `python -m <package>.stages.<name>`.

Each module has `run(cfg)`, which does the work with paths from the config (relative to
the project root), and `main(argv)`, which loads the config (params.yaml, or conf/ with
`KEY=VALUE` overrides) and calls `run`.
"""

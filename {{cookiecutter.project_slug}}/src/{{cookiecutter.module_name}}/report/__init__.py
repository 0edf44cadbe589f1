"""The project report: one static page that shows what the pipeline did, for anyone.

`make report` (`python -m <package>.report`) reads what the pipeline already wrote (dvc.yaml
and dvc.lock, data/catalog.yaml, the validation report, metrics and plots, the MLflow store,
reports/monitor/) and writes reports/site/index.html: the pipeline as a picture, the data
catalog, data quality, the registered model and its lineage, metrics and plots against an
earlier commit, a model card and monitoring. It needs no network, and says what is missing
instead of failing.
"""

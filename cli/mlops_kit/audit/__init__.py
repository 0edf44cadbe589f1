"""`mlops-kit audit`: the repository standard as rules.

`repo.RepoView` is a safe, bounded, cached view of the audited repository; `rules/` holds
one module per rule family; `engine` selects and runs rules and applies config, ignores
and the baseline; `formats/` renders a report, one module per output format.
"""

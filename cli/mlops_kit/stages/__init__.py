"""`add-stage` and `remove-stage`: plan a stage's files and YAML edits, then apply them."""

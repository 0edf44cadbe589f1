"""Which features drive a model's predictions, and how well it does per class.

Permutation importance: the drop in test accuracy when one feature's values are shuffled
(a model-agnostic measure, cheap on a small test set). The evaluate stage writes it for
the model it scores; the project report's model card shows it.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

REPEATS = 5
DIGITS = 4


def explain(model: Any, features: pd.DataFrame, labels: pd.Series) -> dict[str, Any]:
    """Return metrics per class and permutation importance (mean, std) per feature."""
    from sklearn.inspection import permutation_importance
    from sklearn.metrics import classification_report

    predicted = model.predict(features)
    report = classification_report(labels, predicted, output_dict=True, zero_division=0)
    result = permutation_importance(
        model, features, labels, n_repeats=REPEATS, random_state=0, scoring="accuracy"
    )
    names = [str(column) for column in features.columns]
    return {
        "rows": len(features),
        "repeats": REPEATS,
        "per_class": {
            str(name): {k: round(float(v), DIGITS) for k, v in values.items()}
            for name, values in report.items()
            if isinstance(values, dict)
        },
        "importance": {
            n: round(float(v), DIGITS) for n, v in zip(names, result.importances_mean, strict=True)
        },
        "importance_std": {
            n: round(float(v), DIGITS) for n, v in zip(names, result.importances_std, strict=True)
        },
    }

"""Searches written for speed give the answers of the plain patterns they stand for."""

from __future__ import annotations

import random

import pytest
from mlops_kit.audit.profile import _TRAINS, _calls_training


@pytest.mark.parametrize(
    ("text", "trains"),
    [
        ("model.fit(X, y)", True),
        ("loss.backward()", True),
        ("trainer = Trainer(max_epochs=3)", True),
        ("train_model(cfg)", True),
        ("MyTrainer(x)", False),  # not at a word start
        ("pretrain_model(x)", False),
        ("Trainer (x)", False),
        ('"source": ["train_model(cfg)\\n"]', True),  # a notebook cell
        ("éTrainer(x)", False),  # a letter outside ASCII is a word character too
        ("fit(X) and .train", False),
    ],
)
def test_training_calls(text: str, trains: bool) -> None:
    assert (_TRAINS.search(text) is not None) is trains
    assert _calls_training(text) is trains


def test_training_calls_in_random_texts() -> None:
    pieces = [".fit(", ".train(", "Trainer(", "train_model(", ".backward(", "rain", "er(", "T"]
    pieces += ["_model(", "t", "x", "_", " ", "\n", ".", "(", "é", "1", ".train_on_batch("]
    rng = random.Random(5)
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        assert _calls_training(text) == (_TRAINS.search(text) is not None), text

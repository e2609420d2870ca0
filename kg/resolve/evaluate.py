"""Pairwise precision and recall of a clustering against a reference clustering.

Computed from the contingency table of (predicted, true) cluster pairs, so the cost is linear in the
number of items, not quadratic in the number of pairs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class PairScores:
    precision: float
    recall: float
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def pairwise(predicted: Mapping[Hashable, Hashable], truth: Mapping[Hashable, Hashable]) -> PairScores:
    """Scores over the items both mappings know. Items are clustered by their mapped value.

    >>> s = pairwise({"a": 1, "b": 1, "c": 2}, {"a": "x", "b": "x", "c": "x"})
    >>> (s.precision, round(s.recall, 3))
    (1.0, 0.333)
    """
    items = [i for i in predicted if i in truth]
    pred = Counter(predicted[i] for i in items)
    true = Counter(truth[i] for i in items)
    both = Counter((predicted[i], truth[i]) for i in items)
    predicted_pairs = sum(_pairs(n) for n in pred.values())
    true_pairs = sum(_pairs(n) for n in true.values())
    correct = sum(_pairs(n) for n in both.values())
    return PairScores(
        precision=correct / predicted_pairs if predicted_pairs else 1.0,
        recall=correct / true_pairs if true_pairs else 1.0,
        true_pairs=true_pairs, predicted_pairs=predicted_pairs, correct_pairs=correct,
    )

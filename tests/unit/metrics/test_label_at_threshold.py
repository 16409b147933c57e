"""The one decision rule: positive when score >= threshold, missing scores never positive."""

from __future__ import annotations

import numpy as np

from core.metrics import flag_at_threshold, label_at_threshold


def test_label_at_threshold_counts_the_threshold_itself_as_positive() -> None:
    labels = label_at_threshold(np.array([0.1, 0.5, 0.7]), 0.5, positive="1", negative="0")
    assert labels.tolist() == ["0", "1", "1"]


def test_label_at_threshold_never_flags_a_missing_score() -> None:
    labels = label_at_threshold([np.nan, 0.9], 0.0, positive=True, negative=False)
    assert labels.tolist() == [False, True]


def test_flag_at_threshold_matches_a_plain_comparison_on_random_scores() -> None:
    scores = np.random.default_rng(0).random(1000)
    assert np.array_equal(flag_at_threshold(scores, 0.37), scores >= 0.37)

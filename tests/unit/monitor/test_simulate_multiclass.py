"""A multiclass scorer's probability matrix is logged as one {class: p} object per row."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from core.monitor import parse_prediction_log, simulate_production_log

CLASSES = ("bronze", "gold", "silver")


def test_class_probabilities_are_logged_and_parsed() -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "id": np.arange(200),
            "spend": rng.normal(50, 10, 200),
            "tier": rng.choice(CLASSES, 200),
        }
    )

    def score(inputs: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        proba = np.tile([0.2, 0.5, 0.3], (len(inputs), 1))
        return np.full(len(inputs), "gold"), proba

    sim = simulate_production_log(
        frame,
        score,
        start=datetime(2025, 1, 1, tzinfo=UTC),
        months=2,
        rows_per_month=50,
        drift_column="spend",
        target="tier",
        id_column="id",
        positive="gold",
        classes=CLASSES,
    )
    first = next(json.loads(line) for line in sim.log_text.splitlines() if '"status":200' in line)
    assert first["outputs"]["probabilities"] == [{"bronze": 0.2, "gold": 0.5, "silver": 0.3}]
    log = parse_prediction_log(sim.log_text, feature_columns=["spend"])
    scored = log.scored()
    assert (scored["probability_gold"] == 0.5).all()
    assert set(sim.outcomes["tier"]) <= set(CLASSES)

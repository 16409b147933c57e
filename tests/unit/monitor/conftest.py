"""Hand-written log lines, seeded reference/current frames, and a small fitted churn scorer."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

FEATURES = ["tenure_months", "monthly_charges", "contract"]
START = datetime(2025, 1, 1, tzinfo=UTC)


def record(**fields: Any) -> dict[str, Any]:
    """One /predict record exactly as serve.py logs it; keyword arguments override fields."""
    base = {
        "request_id": "r1",
        "time": "2025-01-06T09:30:00.123Z",
        "caller": "crm",
        "status": 200,
        "latency_ms": 12.5,
        "model_version": "3",
        "rows": 1,
        "inputs": [{"tenure_months": 12, "monthly_charges": 70.5, "contract": "Monthly"}],
        "outputs": {"predictions": ["Yes"], "probabilities": [0.81]},
        "problems": None,
    }
    return {**base, **fields}


def line(**fields: Any) -> str:
    return json.dumps(record(**fields), separators=(",", ":"))


@pytest.fixture
def log_line() -> Callable[..., str]:
    """``log_line(**overrides)`` → one JSON line in serve.py's format."""
    return line


def make_frames(rows: int = 5_000, seed: int = 0, shift: float = 0.0) -> pd.DataFrame:
    """Numbers (normal, skewed, small whole counts) and a category, seeded; ``shift`` in sd."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "income": rng.normal(50.0, 10.0, rows) + shift * 10.0,
            "spend": rng.lognormal(3.0, 0.6, rows),
            "tickets": rng.poisson(1.2, rows),
            "plan": rng.choice(["basic", "plus", "pro"], rows, p=[0.5, 0.3, 0.2]),
        }
    )


@pytest.fixture
def frames() -> Callable[..., pd.DataFrame]:
    """``frames(rows=5000, seed=0, shift=0.0)`` → a seeded frame of four columns."""
    return make_frames


def make_churn(rows: int = 2_000, seed: int = 0) -> pd.DataFrame:
    """A churn-like table: longer tenure and two-year contracts churn less."""
    rng = np.random.default_rng(seed)
    tenure = rng.integers(1, 72, rows)
    charges = np.round(rng.normal(65.0, 15.0, rows), 2)
    contract = rng.choice(["Monthly", "One year", "Two year"], rows, p=[0.5, 0.3, 0.2])
    logit = 1.0 - 0.05 * tenure + 0.03 * (charges - 65) - 1.2 * (contract == "Two year")
    churned = np.where(rng.random(rows) < 1 / (1 + np.exp(-logit)), "Yes", "No")
    return pd.DataFrame(
        {
            "customer_id": [f"C-{i:05d}" for i in range(rows)],
            "tenure_months": tenure,
            "monthly_charges": charges,
            "contract": contract,
            "churned": churned,
        }
    )


@pytest.fixture(scope="session")
def churn() -> pd.DataFrame:
    return make_churn()


@pytest.fixture(scope="session")
def scorer(churn: pd.DataFrame) -> Callable[[pd.DataFrame], tuple[np.ndarray, np.ndarray]]:
    """A logistic regression fitted on the churn table, wrapped as the simulator's ``score``."""
    prep = ColumnTransformer(
        [
            ("num", StandardScaler(), ["tenure_months", "monthly_charges"]),
            ("cat", OneHotEncoder(handle_unknown="ignore"), ["contract"]),
        ]
    )
    model = Pipeline([("prep", prep), ("model", LogisticRegression())])
    model.fit(churn[FEATURES], churn["churned"])
    positive = list(model.classes_).index("Yes")

    def score(inputs: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        proba = model.predict_proba(inputs[FEATURES])[:, positive]
        return np.where(proba >= 0.5, "Yes", "No"), proba

    return score

"""The bundled churn demo must be reproducible, consistent and carry the signal the demo needs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.model_selection import train_test_split

from assets.demo.generate_churn import (
    COLUMNS,
    DAYS_PER_MONTH,
    DEFAULT_START,
    DRIFT_FEATURE,
    generate_churn,
    main,
    to_csv_text,
)

COMMITTED_CSV = Path(__file__).resolve().parents[3] / "assets" / "demo" / "churn.csv"


@pytest.fixture(scope="module")
def demo() -> pd.DataFrame:
    return generate_churn()


@pytest.fixture(scope="module")
def held_out(demo: pd.DataFrame) -> dict[str, np.ndarray]:
    """HGB scores and the tenure rule on one fixed 80/20 split, shared by the signal tests."""
    y = (demo["churned"] == "Yes").to_numpy(dtype=int)
    x = demo.drop(columns=["customer_id", "signup_date", "churned"])
    x = pd.get_dummies(x, columns=list(x.select_dtypes("object").columns), dtype=float)
    x = x.astype(float)
    x_tr, x_te, y_tr, y_te, _, idx_te = train_test_split(
        x, y, np.arange(len(y)), test_size=0.2, random_state=0, stratify=y
    )
    model = HistGradientBoostingClassifier(random_state=0).fit(x_tr, y_tr)
    rule = (demo["tenure_months"].to_numpy()[idx_te] < 6).astype(int)
    return {"y": y_te, "score": model.predict_proba(x_te)[:, 1], "rule": rule}


def test_same_arguments_give_identical_frames() -> None:
    pd.testing.assert_frame_equal(generate_churn(300, seed=5), generate_churn(300, seed=5))
    assert not generate_churn(300, seed=5).equals(generate_churn(300, seed=6))


def test_committed_csv_is_byte_identical_to_fresh_output(demo: pd.DataFrame) -> None:
    assert COMMITTED_CSV.read_bytes() == to_csv_text(demo).encode("utf-8")


def test_shape_ids_and_domains(demo: pd.DataFrame) -> None:
    assert len(demo) == 7000
    assert list(demo.columns) == COLUMNS
    assert demo["customer_id"].is_unique
    assert demo["customer_id"].str.fullmatch(r"C-\d{6}").all()
    assert demo["age"].between(18, 85).all()
    assert demo["tenure_months"].between(0, 72).all()
    assert demo["satisfaction_score"].dropna().between(1, 5).all()
    assert set(demo["contract"]) == {"Month-to-month", "One year", "Two year"}
    assert demo["region"].nunique() == 5 and demo["payment_method"].nunique() == 4
    assert 0.005 <= (demo["gender"] == "Non-binary").mean() <= 0.03


def test_positive_rate_is_about_a_quarter(demo: pd.DataFrame) -> None:
    assert 0.22 <= (demo["churned"] == "Yes").mean() <= 0.28


def test_missing_values_only_where_documented(demo: pd.DataFrame) -> None:
    missing = demo.isna().mean()
    assert 0.005 <= missing["total_charges"] <= 0.03
    assert 0.03 <= missing["avg_monthly_gb"] <= 0.07
    assert 0.06 <= missing["satisfaction_score"] <= 0.10
    others = missing.drop(["total_charges", "avg_monthly_gb", "satisfaction_score"])
    assert (others == 0).all()


def test_derived_columns_agree(demo: pd.DataFrame) -> None:
    bands = pd.cut(demo["age"], [0, 29, 44, 59, 200], labels=["18-29", "30-44", "45-59", "60+"])
    assert (bands.astype(str) == demo["age_band"]).all()
    offline = demo["internet_service"] == "None"
    assert (demo.loc[offline, "avg_monthly_gb"] == 0).all()
    assert (demo.loc[offline, "streaming_tv"] == "No").all()
    billed = demo.dropna(subset=["total_charges"]).query("tenure_months > 0")
    ratio = billed["total_charges"] / (billed["tenure_months"] * billed["monthly_charges"])
    assert ratio.between(0.85, 1.15).all()


def test_dates_agree_with_tenure(demo: pd.DataFrame) -> None:
    days = (pd.Timestamp(DEFAULT_START) - pd.to_datetime(demo["signup_date"])).dt.days
    assert demo["signup_date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert ((days // DAYS_PER_MONTH).astype(int) == demo["tenure_months"]).all()
    assert (demo["days_since_last_contact"].between(0, days)).all()


def test_model_beats_tenure_rule_which_beats_nothing(held_out: dict[str, np.ndarray]) -> None:
    y, score, rule = held_out["y"], held_out["score"], held_out["rule"]
    model_auc, rule_auc = roc_auc_score(y, score), roc_auc_score(y, rule)
    assert 0.75 <= model_auc <= 0.92
    assert 0.55 <= rule_auc <= model_auc - 0.1
    majority = 1 - y.mean()
    assert majority < accuracy_score(y, rule) < accuracy_score(y, score > 0.5)


def test_churn_and_proxy_differ_by_group(demo: pd.DataFrame) -> None:
    churn = demo["churned"] == "Yes"
    by_gender, by_age = churn.groupby(demo["gender"]).mean(), churn.groupby(demo["age_band"]).mean()
    assert by_gender["Male"] - by_gender["Female"] >= 0.03
    assert by_age["18-29"] - by_age["60+"] >= 0.10
    late = demo.groupby("gender")["late_payments_12m"].mean()
    assert late["Male"] - late["Female"] >= 0.05


def test_drift_moves_only_the_documented_feature() -> None:
    base, same = generate_churn(2000, seed=11), generate_churn(2000, seed=11, drift=0.0)
    drifted = generate_churn(2000, seed=11, drift=0.5)
    pd.testing.assert_frame_equal(base, same)
    assert drifted[DRIFT_FEATURE].mean() > base[DRIFT_FEATURE].mean() * 1.08
    untouched = [c for c in COLUMNS if c not in (DRIFT_FEATURE, "churned")]
    pd.testing.assert_frame_equal(drifted[untouched], base[untouched])


def test_rejects_out_of_range_arguments() -> None:
    with pytest.raises(ValueError):
        generate_churn(0)
    with pytest.raises(ValueError):
        generate_churn(10, drift=1.5)


def test_cli_writes_csv(tmp_path: Path) -> None:
    out = tmp_path / "churn.csv"
    assert main(["--out", str(out), "--rows", "50", "--seed", "3"]) == 0
    assert out.read_bytes() == to_csv_text(generate_churn(50, seed=3)).encode("utf-8")
    assert b"\r\n" not in out.read_bytes()

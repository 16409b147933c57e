"""Deterministic generator for the bundled customer-churn demo dataset.

The demo needs data whose signal is real but imperfect, whose values are internally
consistent, and which carries a visible group disparity for the fairness stage. A
committed generator (rather than a hand-edited CSV) keeps all of that reviewable and
lets the monitoring stage simulate later production months with ``drift > 0``.

Drift: ``drift`` (0..1) raises ``monthly_charges`` (a price rise of up to 20 % at
``drift=1``, which also nudges churn up) and swaps up to 40 % of each customer's churn
signal for another customer's, so a model trained on ``drift=0`` data loses some
accuracy on drifted months. With the same seed every other column is unchanged.

Regenerate the committed file with::

    python -m assets.demo.generate_churn --out assets/demo/churn.csv
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

DEFAULT_ROWS = 7000
DEFAULT_SEED = 20261125
DEFAULT_START = "2023-01-01"  # snapshot date the committed file is taken at
DAYS_PER_MONTH = 30.4375  # tenure_months == floor(days between signup and reference / this)
AGE_BANDS = ("18-29", "30-44", "45-59", "60+")
REGIONS = ("North", "South", "East", "West", "Central")
CONTRACTS = ("Month-to-month", "One year", "Two year")
PAYMENT_METHODS = (
    "Electronic check",
    "Mailed check",
    "Bank transfer (automatic)",
    "Credit card (automatic)",
)
INTERNET = ("DSL", "Fiber optic", "None")
DRIFT_FEATURE = "monthly_charges"
MONEY_COLUMNS = ("monthly_charges", "total_charges")
CHURN_INTERCEPT = -4.0  # tuned so that ~25 % of customers churn at drift=0

COLUMNS = [
    "customer_id",
    "signup_date",
    "gender",
    "age",
    "age_band",
    "region",
    "contract",
    "payment_method",
    "internet_service",
    "tenure_months",
    "monthly_charges",
    "total_charges",
    "support_tickets_90d",
    "late_payments_12m",
    "streaming_tv",
    "tech_support",
    "paperless_billing",
    "avg_monthly_gb",
    "satisfaction_score",
    "days_since_last_contact",
    "churned",
]

Frame = dict[str, np.ndarray]


def _pick(rng: np.random.Generator, labels: tuple[str, ...], probs: np.ndarray) -> np.ndarray:
    """Draw one label per row from row-specific probabilities (rows are renormalised)."""
    probs = probs / probs.sum(axis=1, keepdims=True)
    cum = np.cumsum(probs, axis=1)
    idx = (rng.random(len(probs))[:, None] > cum[:, :-1]).sum(axis=1)
    return np.asarray(labels, dtype=object)[idx]


def _yes_no(mask: np.ndarray) -> np.ndarray:
    return np.where(mask, "Yes", "No").astype(object)


def _demographics(rng: np.random.Generator, n: int) -> Frame:
    """Gender (with a ~1.5 % group so small-group warnings fire), age and region."""
    gender = _pick(rng, ("Female", "Male", "Non-binary"), np.tile([0.4925, 0.4925, 0.015], (n, 1)))
    age = np.clip(np.rint(rng.normal(46.0, 16.0, n)), 18, 85).astype(int)
    band = np.asarray(AGE_BANDS, dtype=object)[np.digitize(age, [30, 45, 60])]
    region = _pick(rng, REGIONS, np.tile([0.24, 0.22, 0.20, 0.18, 0.16], (n, 1)))
    return {"gender": gender, "age": age, "age_band": band, "region": region}


def _group_flags(d: Frame) -> tuple[np.ndarray, ...]:
    """Indicator arrays reused by several sub-models: young, senior, male, non-binary."""
    return (
        (d["age"] < 30).astype(float),
        (d["age"] >= 60).astype(float),
        (d["gender"] == "Male").astype(float),
        (d["gender"] == "Non-binary").astype(float),
    )


def _account(rng: np.random.Generator, d: Frame) -> Frame:
    """Contract and tenure; young and male customers lean towards month-to-month."""
    young, senior, male, nonbin = _group_flags(d)
    n = len(young)
    m2m = 0.48 + 0.14 * young - 0.10 * senior + 0.08 * male + 0.08 * nonbin
    probs = np.column_stack([m2m, (1 - m2m) * 0.52, (1 - m2m) * (0.48 + 0.1 * senior)])
    contract = _pick(rng, CONTRACTS, probs)
    tenure = np.select(
        [contract == "Month-to-month", contract == "One year"],
        [rng.gamma(1.0, 15.0, n), 8 + rng.gamma(2.0, 12.0, n)],
        20 + rng.gamma(3.0, 11.0, n),
    )
    tenure = np.clip(np.floor(tenure + 0.1 * (d["age"] - 46)), 0, 72).astype(int)
    return {"contract": contract, "tenure_months": tenure}


def _services(rng: np.random.Generator, d: Frame) -> Frame:
    """Internet, add-ons, billing and payment method; no internet means no streaming."""
    young, senior, male, _ = _group_flags(d)
    n = len(young)
    probs = np.column_stack(
        [np.full(n, 0.38), 0.50 + 0.06 * young - 0.16 * senior, 0.12 + 0.16 * senior]
    )
    internet = _pick(rng, INTERNET, probs)
    online, fiber = internet != "None", internet == "Fiber optic"
    streaming = online & (rng.random(n) < 0.38 + 0.15 * young + 0.10 * fiber)
    tech = rng.random(n) < np.where(online, 0.30 + 0.10 * senior, 0.08)
    paperless = rng.random(n) < 0.60 + 0.15 * young - 0.20 * senior
    pay_probs = np.column_stack(
        [
            0.32 + 0.10 * young + 0.05 * male,
            0.20 + 0.15 * senior,
            np.full(n, 0.23),
            np.full(n, 0.23),
        ]
    )
    return {
        "payment_method": _pick(rng, PAYMENT_METHODS, pay_probs),
        "internet_service": internet,
        "streaming_tv": _yes_no(streaming),
        "tech_support": _yes_no(tech),
        "paperless_billing": _yes_no(paperless),
    }


def _charges(rng: np.random.Generator, d: Frame, drift: float) -> Frame:
    """Charges follow the plan; ``drift`` is a fresh price rise of up to 20 %, so only
    ``monthly_charges`` moves (``total_charges`` was billed at the old price)."""
    n = len(d["age"])
    monthly = (
        19.5
        + 26.0 * (d["internet_service"] == "DSL")
        + 52.0 * (d["internet_service"] == "Fiber optic")
        + 11.0 * (d["streaming_tv"] == "Yes")
        + 7.0 * (d["tech_support"] == "Yes")
        + rng.normal(0.0, 4.5, n)
    )
    monthly = np.clip(monthly, 18.25, 125.0)
    total = monthly * d["tenure_months"] * rng.normal(1.0, 0.03, n)
    total = np.where(rng.random(n) < 0.015, np.nan, total)
    return {
        "monthly_charges": np.round(monthly * (1.0 + 0.2 * drift), 2),
        "total_charges": np.round(total, 2),
    }


def _behaviour(rng: np.random.Generator, d: Frame, unhappy: np.ndarray) -> Frame:
    """Tickets, late payments (the group proxy), satisfaction and usage."""
    young, senior, male, nonbin = _group_flags(d)
    n = len(young)
    online, fiber = d["internet_service"] != "None", d["internet_service"] == "Fiber optic"
    no_tech = online & (d["tech_support"] == "No")
    tickets = rng.poisson(0.55 * np.exp(0.35 * fiber + 0.35 * no_tech + 0.45 * unhappy))
    echeck = d["payment_method"] == "Electronic check"
    late_rate = 0.30 * np.exp(
        0.5 * echeck + 0.6 * young - 0.3 * senior + 0.35 * male + 0.35 * nonbin + 0.2 * unhappy
    )
    sat = np.clip(np.rint(3.5 - 0.75 * unhappy - 0.3 * tickets + rng.normal(0, 0.6, n)), 1, 5)
    sat_missing = rng.random(n) < 0.065 + 0.05 * (unhappy > 0.5)
    gb = np.where(fiber, rng.gamma(2.5, 90.0, n), rng.gamma(2.0, 40.0, n))
    gb = (gb + 60.0 * (d["streaming_tv"] == "Yes")) * (1.0 + 0.3 * young)
    gb = np.where(online, np.where(rng.random(n) < 0.057, np.nan, np.round(gb, 1)), 0.0)
    return {
        "support_tickets_90d": tickets,
        "late_payments_12m": rng.poisson(late_rate),
        "satisfaction_score": pd.array(np.where(sat_missing, pd.NA, sat), dtype="Int64"),
        "avg_monthly_gb": gb,
    }


def _dates(rng: np.random.Generator, d: Frame, start: str) -> Frame:
    """Signup date from tenure (relative to ``start``); last contact is never before it."""
    n = len(d["age"])
    ref = pd.Timestamp(start)
    days_ago = np.ceil(d["tenure_months"] * DAYS_PER_MONTH).astype(int) + rng.integers(0, 30, n)
    signup = (ref - pd.to_timedelta(days_ago, unit="D")).strftime("%Y-%m-%d")
    scale = 90.0 / (1.0 + 0.5 * d["support_tickets_90d"])
    contact = np.minimum(np.floor(rng.exponential(scale)), days_ago).astype(int)
    return {"signup_date": np.asarray(signup, dtype=object), "days_since_last_contact": contact}


def _friction(d: Frame) -> np.ndarray:
    """Bad experiences: high bills, tickets, arrears, low/no satisfaction, unused fibre."""
    sat = d["satisfaction_score"].to_numpy(dtype=float, na_value=np.nan)
    fiber = d["internet_service"] == "Fiber optic"
    gb = np.nan_to_num(d["avg_monthly_gb"], nan=999.0)
    return (
        0.05 * np.maximum(d["monthly_charges"] - 75.0, 0.0)  # only high bills hurt
        + 1.0 * (d["support_tickets_90d"] >= 3)
        + 0.55 * np.minimum(d["late_payments_12m"], 2)
        + np.where(np.isnan(sat), 1.0, np.select([sat <= 2, sat >= 4], [1.4, -0.3]))
        + 0.7 * (fiber & (d["tech_support"] == "No"))
        + 0.9 * (fiber & (gb < 90.0))  # paying for fibre but hardly using it
    )


def _churn_logit(
    rng: np.random.Generator, d: Frame, unhappy: np.ndarray, drift: float
) -> np.ndarray:
    """Early tenure and friction drive churn, friction only where the contract allows
    leaving (an interaction a linear model misses). ``drift`` swaps up to 40 % of each
    customer's signal for another customer's: weaker relationship, similar base rate."""
    young, senior, male, nonbin = _group_flags(d)
    tenure, contract = d["tenure_months"], d["contract"]
    contact = d["days_since_last_contact"]
    free_to_leave = np.select(
        [contract == "Month-to-month", contract == "One year"], [1.0, 0.4], 0.1
    )
    signal = (
        2.6 * np.exp(-tenure / 4.0)  # the first months are the risky ones
        + 0.3 * (1 - tenure / 72.0)
        + 0.9 * free_to_leave
        + free_to_leave * _friction(d)
        + 0.30 * (d["payment_method"] == "Electronic check")
        + 0.15 * (d["paperless_billing"] == "Yes")
        + np.select([contact < 7, contact > 180], [1.3, 1.0])  # just complained / drifted away
    )
    shuffled = signal[rng.permutation(len(signal))]  # drawn even at drift=0: same stream
    signal = (1.0 - 0.4 * drift) * signal + 0.4 * drift * shuffled
    groups = 0.25 * male + 0.35 * nonbin + 0.35 * young - 0.20 * senior
    noise = rng.normal(0.0, 0.5, len(signal))
    return CHURN_INTERCEPT + signal + groups + 0.7 * unhappy + noise


def generate_churn(
    n_rows: int = DEFAULT_ROWS,
    *,
    seed: int = DEFAULT_SEED,
    start: str = DEFAULT_START,
    drift: float = 0.0,
) -> pd.DataFrame:
    """Return ``n_rows`` synthetic customers, identical for identical arguments.

    ``start`` is the snapshot (reference) date that tenure and signup dates are
    measured from; ``drift`` in [0, 1] raises ``monthly_charges`` and weakens the signal.
    """
    if n_rows < 1:
        raise ValueError("n_rows must be positive")
    if not 0.0 <= drift <= 1.0:
        raise ValueError("drift must be within [0, 1]")
    rng = np.random.default_rng(seed)
    d: Frame = {"customer_id": np.array([f"C-{i:06d}" for i in range(1, n_rows + 1)], object)}
    d.update(_demographics(rng, n_rows))
    d.update(_account(rng, d))
    d.update(_services(rng, d))
    d.update(_charges(rng, d, drift))
    unhappy = rng.normal(0.0, 1.0, n_rows)  # latent dissatisfaction, only partly observed
    d.update(_behaviour(rng, d, unhappy))
    d.update(_dates(rng, d, start))
    churn_p = 1.0 / (1.0 + np.exp(-_churn_logit(rng, d, unhappy, drift)))
    d["churned"] = _yes_no(rng.random(n_rows) < churn_p)
    return pd.DataFrame(d)[COLUMNS]


def to_csv_text(df: pd.DataFrame) -> str:
    """Serialise exactly as the committed file is written, so it is byte-reproducible.

    Money columns are written with two decimals ("12.50", not "12.5"); NaN stays empty.
    """
    money = {c: df[c].map(lambda v: "" if pd.isna(v) else f"{v:.2f}") for c in MONEY_COLUMNS}
    return df.assign(**money).to_csv(index=False, lineterminator="\n")


def main(argv: list[str] | None = None) -> int:
    """CLI entry point: write the generated dataset to ``--out``."""
    parser = argparse.ArgumentParser(description="Write the churn demo dataset as CSV.")
    parser.add_argument("--out", type=Path, default=Path("assets/demo/churn.csv"))
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--start", default=DEFAULT_START, help="snapshot date, YYYY-MM-DD")
    parser.add_argument("--drift", type=float, default=0.0, help="0..1, raises monthly_charges")
    args = parser.parse_args(argv)
    df = generate_churn(args.rows, seed=args.seed, start=args.start, drift=args.drift)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(to_csv_text(df), encoding="utf-8", newline="")
    print(f"wrote {len(df)} rows to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

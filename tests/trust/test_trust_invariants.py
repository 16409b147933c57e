"""Invariants of the whole CLI flow on real packaged datasets and generated target encodings.

Each test is parametrised over the datasets of tests/trust/datasets.py; the flow runs once per
dataset (tests/trust/flow.py). A case that fails on today's code because an issue-15 item is
still open is marked ``xfail(strict=True)`` in KNOWN below: when the fix lands the case
XPASSes, the suite fails, and the marker must be removed.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import mean_squared_error, r2_score, roc_auc_score

from tests.trust.datasets import CASES, Case
from tests.trust.flow import Flow

pytestmark = pytest.mark.timeout(600)  # the first test of a dataset runs its whole flow
SENSITIVE_LOOKING = ("age", "sex")

# (invariant, dataset) -> why it fails today, with the figure. Strict: an XPASS fails the suite.
KNOWN: dict[tuple[str, str], str] = {}


def cases(invariant: str, *, tasks: tuple[str, ...] = ("binary", "multiclass", "regression"),
          where=lambda case: True) -> list:  # type: ignore[no-untyped-def]  # fmt: skip
    params = []
    for name, case in CASES.items():
        if case.task not in tasks or not where(case):
            continue
        reason = KNOWN.get((invariant, name))
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        params.append(pytest.param(name, marks=marks, id=name))
    return params


def label(value: object) -> str:
    """One spelling per class: 1, 1.0 and "1" are "1"; True and "true" are "true"."""
    text = str(value).strip()
    try:
        number = float(text)
    except ValueError:
        return text.lower()
    return str(int(number)) if number.is_integer() else text


def labels(values: pd.Series) -> np.ndarray:
    return np.array([label(v) for v in values], dtype=object)


def probability_column(frame: pd.DataFrame, positive: str) -> str:
    """The positive class's probability: ``probability_<class>`` (the contract of issue 15
    item 1) or, for a binary model of today, the bare ``probability``."""
    for column in frame.columns:
        if column.startswith("probability_") and label(column[12:]) == label(positive):
            return column
    if "probability" in frame.columns:
        return "probability"
    raise AssertionError(f"no probability column for class {positive!r} in {list(frame.columns)}")


def class_columns(frame: pd.DataFrame) -> dict[str, str]:
    return {label(c[12:]): c for c in frame.columns if c.startswith("probability_")}


def reported_positive(flow: Flow) -> str:
    """The positive class the CLI says it uses (data roles --json, else data split --json)."""
    roles = flow.need("roles")
    value = roles.get("positive_class")
    if value is None:
        value = flow.need("split").get("positive_class")
    assert value is not None, f"{flow.case.name}: the CLI names no positive class"
    return label(value)


def _auc(is_positive: np.ndarray, score: np.ndarray) -> float:
    return float(roc_auc_score(is_positive.astype(bool), score))


@pytest.mark.parametrize("name", cases("task"))
def test_task_and_positive_class_are_the_conventional_ones(trust_flow, name: str) -> None:
    flow, case = trust_flow(name), CASES[name]
    roles = flow.need("roles")
    assert roles["task"] == case.task, f"{name}: task {roles['task']!r}, expected {case.task!r}"
    if case.task == "binary":
        assert reported_positive(flow) == label(case.positive), (
            f"{name}: positive class {reported_positive(flow)!r}, expected {case.positive!r} "
            f"({roles.get('positive_reason') or roles.get('task_reason')})"
        )


@pytest.mark.parametrize("name", cases("rises"))
def test_probability_rises_with_the_positive_class(trust_flow, name: str) -> None:
    """On the held-out rows, the positive class's probability ranks positives first (AUC > 0.5
    against the *expected* positive class) and the predictions agree with it."""
    flow, case = trust_flow(name), CASES[name]
    scored = flow.need("predict_test")
    y = labels(scored[case.target])
    if case.task == "regression":
        corr = float(np.corrcoef(scored["prediction"], scored[case.target])[0, 1])
        assert corr > 0, f"{name}: corr(prediction, y) = {corr:.2f}"
        return
    if case.task == "multiclass":
        columns = class_columns(scored)
        assert set(columns) == set(y), f"{name}: probability columns {sorted(columns)}"
        for cls, column in columns.items():
            auc = _auc(y == cls, scored[column].to_numpy())
            assert auc > 0.5, f"{name}: AUC({column}, y == {cls}) = {auc:.2f}"
        return
    column = probability_column(scored, case.positive)
    score = scored[column].to_numpy(dtype=float)
    positive = y == label(case.positive)
    auc, corr = _auc(positive, score), float(np.corrcoef(score, positive)[0, 1])
    assert auc > 0.5, f"{name}: AUC({column}, y == {case.positive}) = {auc:.2f}, corr = {corr:.2f}"
    predicted = labels(scored["prediction"]) == label(case.positive)
    if predicted.any() and (~predicted).any():
        high, low = score[predicted].mean(), score[~predicted].mean()
        assert high > low, (
            f"{name}: rows predicted {case.positive!r} have mean {column} {high:.2f}, "
            f"the others {low:.2f}"
        )


@pytest.mark.parametrize("name", cases("cli_metric"))
def test_cli_metric_equals_sklearn_on_the_same_rows(trust_flow, name: str) -> None:
    """`analyze --json` on the frozen test rows = scikit-learn on `workbench predict` of them."""
    flow, case = trust_flow(name), CASES[name]
    report, scored = flow.need("analyze", "predict_test")
    assert report["rows"] == len(scored), f"{name}: analyze rows {report['rows']} vs {len(scored)}"
    metrics = report["metrics"]
    y = labels(scored[case.target])
    if case.task == "regression":
        truth, predicted = scored[case.target].to_numpy(float), scored["prediction"].to_numpy(float)
        expected = {
            "r2": r2_score(truth, predicted),
            "rmse": math.sqrt(mean_squared_error(truth, predicted)),
        }
    elif case.task == "multiclass":
        columns = class_columns(scored)
        order = sorted(columns)
        proba = scored[[columns[c] for c in order]].to_numpy(float)
        expected = {
            "roc_auc": roc_auc_score(y, proba, multi_class="ovr", average="macro", labels=order)
        }
    else:
        positive = reported_positive(flow)
        column = probability_column(scored, positive)
        expected = {"roc_auc": _auc(y == positive, scored[column].to_numpy(float))}
    for metric, value in expected.items():
        shown = metrics[metric]["value"]
        assert shown == pytest.approx(value, abs=1e-9), (
            f"{name}: analyze {metric} = {shown:.4f}, scikit-learn = {value:.4f}"
        )


def _drift_alarms(report: dict) -> list[str]:
    alarms = [f"{c}: drift" for c in report.get("drifted", [])]
    for row in report.get("drift", []):
        if row.get("status") == "drift" and f"{row['column']}: drift" not in alarms:
            alarms.append(f"{row['column']}: drift")
    alarms += [
        a.get("message", str(a)) for a in report.get("alerts", []) if a.get("kind") == "drift"
    ]
    return alarms


def _psi(report: dict) -> str:
    rows = sorted(report.get("drift", []), key=lambda r: -(r.get("psi") or 0))[:3]
    return ", ".join(f"{r['column']} PSI {r['psi']:.2f} ({r['status']})" for r in rows)


@pytest.mark.parametrize("name", cases("drift"))
def test_no_drift_alarm_on_a_random_split_of_the_same_data(trust_flow, name: str) -> None:
    report = trust_flow(name).need("monitor")
    assert not _drift_alarms(report), f"{name}: {_drift_alarms(report)}; top: {_psi(report)}"


@pytest.mark.parametrize("name", cases("drift_fixed"))
def test_no_drift_alarm_with_every_suggested_fix_applied(trust_flow, name: str) -> None:
    flow = trust_flow(name)
    if not flow.out.get("fixes"):
        pytest.skip(f"{name}: `data check` suggests no fix")
    recipe, report = flow.need("fixed_recipe", "fixed_monitor")
    assert len(recipe) == len(flow.out["fixes"]), f"{name}: recipe {recipe} for {flow.out['fixes']}"
    assert not _drift_alarms(report), (
        f"{name} with {flow.out['fixed_recipe']}: {_drift_alarms(report)}; top: {_psi(report)}"
    )


@pytest.mark.parametrize("name", cases("monitored"))
def test_every_column_the_batch_carries_is_monitored(trust_flow, name: str) -> None:
    """Drift covers every column the batch carries that training had; ``model_input`` says
    which of them the model reads."""
    flow, case = trust_flow(name), CASES[name]
    report = flow.need("monitor")
    carried = set(flow.data.columns) - {case.target}
    monitored = {row["column"] for row in report.get("drift", [])}
    assert carried <= monitored, f"{name}: not monitored: {sorted(carried - monitored)}"
    inputs = set(flow.need("inputs"))
    said = {row["column"] for row in report["drift"] if row.get("model_input")}
    assert said == inputs & monitored, (
        f"{name}: model_input on {sorted(said)}, inputs {sorted(inputs)}"
    )


@pytest.mark.parametrize("name", cases("bundle"))
def test_bundle_predicts_like_workbench_predict(trust_flow, name: str) -> None:
    flow = trust_flow(name)
    expected, bundle = flow.need("predict_all", "bundle_all")
    assert len(bundle) == len(expected)
    columns = [c for c in expected.columns if c.startswith("probability")]
    assert columns == [c for c in bundle.columns if c.startswith("probability")]
    for column in columns:
        np.testing.assert_allclose(bundle[column], expected[column], rtol=0, atol=1e-9)
    if flow.case.task == "regression":
        np.testing.assert_allclose(bundle["prediction"], expected["prediction"], rtol=0, atol=1e-9)
    else:
        differ = int((labels(bundle["prediction"]) != labels(expected["prediction"])).sum())
        assert differ == 0, f"{name}: {differ} of {len(bundle)} predictions differ"


def _has_sensitive_looking(case: Case) -> bool:
    return bool(set(SENSITIVE_LOOKING) & set(case.frame().columns))


@pytest.mark.parametrize("name", cases("inputs", where=_has_sensitive_looking))
def test_columns_named_like_sensitive_attributes_stay_model_inputs(trust_flow, name: str) -> None:
    """Nobody asked (no --sensitive): age and sex are suggestions, still read by the model."""
    flow = trust_flow(name)
    present = [c for c in SENSITIVE_LOOKING if c in flow.data.columns]
    inputs = flow.need("inputs")
    dropped = [c for c in present if c not in inputs]
    roles = {c["name"]: c["role"] for c in flow.need("roles")["columns"]}
    assert not dropped, (
        f"{name}: {dropped} left out of the model (roles: {[roles[c] for c in dropped]})"
    )

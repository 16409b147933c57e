"""Models saved before a class moved still load: ``core.persist.MOVED`` maps old paths."""

from __future__ import annotations

import io
import pickle
import sys

import joblib
import pandas as pd
import pytest

from core import persist
from core.estimators.columns import DateParts


def _saved_under(obj: object, old: str, new: str) -> bytes:
    """A pickle of ``obj`` that names its class at ``old`` (text protocol: names are plain)."""
    data = pickle.dumps(obj, protocol=0)
    assert new.encode() in data
    return data.replace(new.encode(), old.encode())


def test_a_pipeline_step_saved_under_its_old_module_loads_and_transforms_alike() -> None:
    frame = pd.DataFrame({"when": pd.to_datetime(["2024-01-31", "2024-06-15", None])})
    fitted = DateParts().fit(frame)
    old_bytes = _saved_under(
        fitted, "core.prepare\nDateParts", "core.estimators.columns\nDateParts"
    )
    with pytest.raises((AttributeError, ModuleNotFoundError)):
        joblib.load(io.BytesIO(old_bytes))
    loaded = persist.load_joblib(old_bytes)
    assert type(loaded) is DateParts
    pd.testing.assert_frame_equal(
        pd.DataFrame(loaded.transform(frame)), pd.DataFrame(fitted.transform(frame))
    )


def test_loading_leaves_no_alias_behind() -> None:
    before = set(sys.modules)
    with persist.old_names():
        pass
    added = [m for m in set(sys.modules) - before if m.startswith("core.")]
    # old modules that still exist (a package now) are imported for real: no stand-ins stay
    assert all(getattr(sys.modules[m], "__file__", None) for m in added)
    assert not hasattr(sys.modules.get("core.prepare"), "DateParts")


@pytest.mark.parametrize("old", sorted(persist.MOVED))
def test_every_moved_class_resolves(old: str) -> None:
    with persist.old_names():
        module, _, name = old.partition(":")
        assert getattr(sys.modules[module], name) is persist._resolve(persist.MOVED[old])


def test_a_rule_saved_by_the_old_core_train_still_predicts() -> None:
    """Saved rule pipelines name ``core.train.RuleClassifier`` (its rule as text) and hold a
    ``core.train.RuleExpression``; both now live in core.estimators.rules."""
    from core.estimators.rules import RuleClassifier
    from core.train import parse_rule

    frame = pd.DataFrame({"x": [1.0, 5.0, None, 2.0], "y": ["No", "Yes", "No", "Yes"]})
    rule = "x < 3"
    fitted = RuleClassifier(rule=parse_rule(rule, ["x"]), positive_class="Yes")
    fitted.fit(frame[["x"]], frame["y"])
    fitted.rule = rule  # what the old class kept as its parameter
    data = pickle.dumps(fitted, protocol=0)
    for name in (b"RuleClassifier", b"RuleExpression"):
        data = data.replace(b"core.estimators.rules\n" + name, b"core.train\n" + name)
    assert b"core.estimators" not in data
    loaded = persist.load_joblib(data)
    assert list(loaded.predict(frame[["x"]])) == ["Yes", "No", "No", "Yes"]

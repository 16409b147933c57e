"""The workbench's own pipeline steps travel as verbatim copies of their core modules.

The unpacked bundle is loaded in a subprocess that cannot see the workbench: ``python -S``
skips site-packages' .pth files (so the editable install's finder), and the installed
packages come back through PYTHONPATH alone.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.pipeline import Pipeline

from core.estimators.rules import RuleClassifier
from core.export import ExportError
from core.export.modules import MSG_MAIN_MODULE
from core.train import TrainSettings, fit_final, parse_rule
from core.train.zoo import make_ensemble

CHECK = """
import importlib.util, json, sys
import bundle_runtime
problems, summary = bundle_runtime.self_test()
modules = {n: m.__file__ for n, m in sys.modules.items() if n == "core" or n.startswith("core.")}
print(json.dumps({"problems": problems, "summary": summary, "modules": modules,
                  "workbench": importlib.util.find_spec("app") is not None}))
"""


def _run_isolated(root: Path) -> dict:
    paths = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sorted(paths))}
    env.pop("PYTHONHOME", None)
    done = subprocess.run(
        [sys.executable, "-S", "-c", CHECK],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _assert_self_contained(result: dict, root: Path, modules: set[str]) -> None:
    assert result["problems"] == [], result["problems"]
    assert result["workbench"] is False  # the workbench cannot even be found
    assert modules <= set(result["modules"])
    for name, path in result["modules"].items():
        assert Path(path).resolve().is_relative_to(root.resolve()), (name, path)


def test_preprocessing_steps_and_xgboost_load_without_the_workbench(
    trained, builder, unpacker, tmp_path
) -> None:
    bundle = builder(trained("binary", "xgboost"))
    assert {"core.estimators.columns", "core.estimators.xgboost"} <= set(bundle.workbench_modules)
    assert "core.train" not in bundle.workbench_modules  # only what the pickle needs
    root = unpacker(bundle, tmp_path / "bundle")
    modules = {"core.estimators.columns", "core.estimators.xgboost"}
    _assert_self_contained(_run_isolated(root), root, modules)


def test_rule_classifier_loads_without_the_workbench(trained, builder, unpacker, tmp_path):
    model = trained("binary")
    settings = TrainSettings(models=("logreg",), n_jobs=1)
    rule = fit_final(
        model.frame, model.schema, "rule", {"rule": "spend < 40 and plan == 'basic'"}, settings
    )
    bundle = builder(model, pipeline=rule)
    assert bundle.schema.feature_order == ("spend", "plan")  # the rule's own columns
    assert "core.estimators.rules" in bundle.workbench_modules
    root = unpacker(bundle, tmp_path / "bundle")
    _assert_self_contained(_run_isolated(root), root, {"core.estimators.rules"})


#: The light modules a bundle may copy: the estimators and what core.conditions needs.
LIGHT = {"core/__init__.py", "core/conditions.py", "core/coerce.py", "core/exceptions.py"}


def test_every_workbench_step_travels_with_only_the_light_modules(
    trained, builder, unpacker, tmp_path
) -> None:
    """CategoryText, BooleanFlags, DateParts, XGBoostClassifier and RuleClassifier in one
    model: the bundle copies core.estimators and core.conditions, never a stage package."""
    model = trained("binary", "xgboost")
    parsed = parse_rule("spend < 40", model.features)
    rule = Pipeline([("model", RuleClassifier(rule=parsed, positive_class="Yes"))])
    rule.fit(model.X, model.frame["churned"])  # reads every input, decides on spend
    both = make_ensemble({"xgboost": model.pipeline, "rule": rule}, "binary")
    both.fit(model.X, model.frame["churned"])
    used = {
        type(step).__name__
        for _, pipe, _ in model.pipeline.named_steps["prepare"].transformers
        for _, step in pipe.steps
    }
    assert {"CategoryText", "BooleanFlags", "DateParts"} <= used
    bundle = builder(model, pipeline=both)
    with zipfile.ZipFile(io.BytesIO(bundle.zip_bytes)) as archive:
        copied = {name for name in archive.namelist() if name.startswith("core/")}
    estimators = {name for name in copied if name.startswith("core/estimators/")}
    assert {"core/estimators/columns.py", "core/estimators/rules.py"} <= estimators
    assert "core/estimators/xgboost.py" in estimators
    assert copied - estimators <= LIGHT, copied - estimators - LIGHT
    root = unpacker(bundle, tmp_path / "bundle")
    _assert_self_contained(_run_isolated(root), root, {"core.estimators.rules"})


def test_copied_modules_are_verbatim(binary_bundle) -> None:
    import core.estimators.columns

    with zipfile.ZipFile(io.BytesIO(binary_bundle.zip_bytes)) as archive:
        copied = archive.read("core/estimators/columns.py")
    assert copied == Path(core.estimators.columns.__file__).read_bytes()


class ScriptClassifier(ClassifierMixin, BaseEstimator):
    """Stands for a class defined in a notebook or script (module ``__main__``)."""

    def fit(self, X, y):
        self.classes_ = sorted(set(y))
        return self

    def predict_proba(self, X):
        import numpy as np

        return np.full((len(X), 2), 0.5)

    def predict(self, X):
        return [self.classes_[0]] * len(X)


def test_classes_from_a_script_are_refused(trained, builder, monkeypatch) -> None:
    monkeypatch.setattr(ScriptClassifier, "__module__", "__main__")
    monkeypatch.setattr(
        sys.modules["__main__"], "ScriptClassifier", ScriptClassifier, raising=False
    )
    model = trained("binary")
    pipeline = Pipeline([("model", ScriptClassifier())]).fit(model.X, model.frame["churned"])
    with pytest.raises(ExportError) as error:
        builder(model, pipeline=pipeline)
    assert error.value.message == MSG_MAIN_MODULE.format(names="ScriptClassifier")
    assert error.value.field == "pipeline"

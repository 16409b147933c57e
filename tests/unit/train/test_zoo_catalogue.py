"""The catalogue: which models suit a task and data size, their defaults and errors."""

from __future__ import annotations

from dataclasses import replace

import optuna
import pytest

from core.train.zoo import ZOO, ZooError, get_spec, make_pipeline, models_for


def test_zoo_models_for_binary_lists_light_models_first() -> None:
    keys = models_for("binary", rows=5_000)
    assert keys[0] == "dummy"
    assert "logreg" in keys and "ridge" not in keys and "ensemble" not in keys
    assert keys.index("logreg") < keys.index("hgb") < keys.index("rf")


def test_zoo_models_for_regression_uses_ridge_not_logreg() -> None:
    keys = models_for("regression", rows=5_000)
    assert "ridge" in keys and "logreg" not in keys


def test_zoo_quick_preset_keeps_light_models_only() -> None:
    quick = models_for("binary", rows=5_000, preset="quick")
    assert all(ZOO[k].light for k in quick)
    assert set(quick) < set(models_for("binary", rows=5_000, preset="thorough"))


def test_zoo_big_data_drops_models_with_a_row_limit() -> None:
    assert "knn" in models_for("binary", rows=10_000)
    big = models_for("binary", rows=1_000_000)
    assert "knn" not in big and "rf" not in big and "xgboost" in big


def test_zoo_unknown_model_lists_the_known_ones() -> None:
    with pytest.raises(ZooError, match=r"there is no model 'xgb'.*known models: dummy, logreg"):
        get_spec("xgb")


def test_zoo_model_not_for_the_task_is_refused() -> None:
    with pytest.raises(ZooError, match=r"model 'ridge' .* is not for binary tasks"):
        ZOO["ridge"].estimator("binary")


def test_zoo_unknown_parameter_names_the_ones_it_takes() -> None:
    with pytest.raises(ZooError, match=r"model 'tree': unknown parameter.*'depth'.*max_depth"):
        ZOO["tree"].estimator("binary", params={"depth": 3})


def test_zoo_unknown_task_and_preset_are_refused() -> None:
    with pytest.raises(ZooError, match="task must be one of"):
        models_for("ranking", rows=10)
    with pytest.raises(ZooError, match="preset must be"):
        models_for("binary", rows=10, preset="fast")  # type: ignore[arg-type]


def test_zoo_schema_without_task_is_refused(tiny) -> None:
    _, schema = tiny("binary")
    with pytest.raises(ZooError, match="choose a target column"):
        make_pipeline(replace(schema, task=None), "logreg")


@pytest.mark.parametrize("key", [k for k, s in ZOO.items() if s.tunable])
def test_zoo_defaults_lie_inside_the_search_space(key: str) -> None:
    """Tuning starts from the defaults, so each tuned default must be a valid suggestion."""
    spec = ZOO[key]
    for task in sorted(spec.tasks):
        study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
        study.enqueue_trial(dict(spec.defaults))
        trial = study.ask()
        suggested = spec.search_space(trial, task)
        assert suggested, key
        assert {name: spec.defaults[name] for name in suggested} == suggested


@pytest.mark.parametrize("key", list(ZOO))
def test_zoo_estimators_are_seeded(key: str) -> None:
    spec = ZOO[key]
    task = sorted(spec.tasks)[0]
    params = spec.estimator(task, seed=7).get_params()
    if "random_state" in params:
        assert params["random_state"] == 7


def test_zoo_class_weight_reaches_models_that_take_it() -> None:
    assert ZOO["logreg"].estimator("binary", class_weight="balanced").class_weight == "balanced"
    assert ZOO["hgb"].estimator("binary", class_weight="balanced").class_weight == "balanced"
    assert ZOO["xgboost"].estimator("binary", class_weight="balanced").class_weight == "balanced"
    assert (
        "class_weight" not in ZOO["knn"].estimator("binary", class_weight="balanced").get_params()
    )

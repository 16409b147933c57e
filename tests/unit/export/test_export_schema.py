"""schema.json: the input contract is read from the training rows, in the pipeline's order."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from core.data.schema import infer_schema
from core.export import (
    BundleSchema,
    ExportError,
    bundle_schema,
    bundle_schema_from_dict,
    read_bundle_file,
)
from core.export.contract import (
    MAX_ALLOWED_VALUES,
    MSG_FEATURES_MISSING,
    MSG_FRAME_EMPTY,
    MSG_NO_TASK,
    MSG_POSITIVE,
    MSG_THRESHOLD,
)


def test_schema_columns_follow_the_pipeline_order(trained, binary_bundle) -> None:
    model = trained("binary")
    assert binary_bundle.schema.feature_order == tuple(model.pipeline.feature_names_in_)
    assert "customer_id" not in binary_bundle.schema.feature_order  # identifier: left out
    assert "gender" not in binary_bundle.schema.feature_order  # sensitive: left out


def test_schema_types_nullable_and_dtypes_come_from_training(binary_bundle) -> None:
    schema = binary_bundle.schema
    kinds = {c.name: (c.type, c.dtype, c.nullable) for c in schema.columns}
    assert kinds == {
        "signup": ("datetime", "object", False),
        "last_seen": ("datetime", "datetime64[ns]", False),
        "spend": ("numeric", "float64", True),
        "visits": ("numeric", "int64", False),
        "plan": ("categorical", "object", True),
        "region": ("categorical", "int64", False),
        "paperless": ("boolean", "object", False),
        "is_active": ("boolean", "bool", False),
    }


def test_schema_allowed_values_are_the_training_values(binary_bundle) -> None:
    schema = binary_bundle.schema
    assert schema.column("plan").allowed == ("basic", "plus", "pro")
    assert schema.column("region").allowed == (1, 2, 3)  # numbers stay numbers
    assert schema.column("paperless").allowed == ("No", "Yes")
    assert schema.column("is_active").allowed == (False, True)
    assert schema.column("spend").allowed is None


def test_schema_ranges_of_numbers_and_dates(trained, binary_bundle) -> None:
    frame = trained("binary").X
    spend, visits = binary_bundle.schema.column("spend"), binary_bundle.schema.column("visits")
    assert (spend.minimum, spend.maximum) == (frame["spend"].min(), frame["spend"].max())
    assert (visits.minimum, visits.maximum) == (0, 9)
    assert isinstance(visits.minimum, int)
    signup = binary_bundle.schema.column("signup")
    assert signup.minimum.startswith("2023-01-01")


def test_schema_task_classes_positive_and_threshold(binary_bundle, bundles) -> None:
    schema = binary_bundle.schema
    assert (schema.task, schema.target, schema.classes) == ("binary", "churned", ("No", "Yes"))
    assert (schema.positive_class, schema.threshold) == ("Yes", 0.4)
    multiclass = bundles("multiclass").schema
    assert multiclass.classes == ("bronze", "gold", "silver")
    assert (multiclass.positive_class, multiclass.threshold) == (None, None)
    regression = bundles("regression").schema
    assert (regression.classes, regression.threshold) == ((), None)


def test_schema_json_in_the_zip_round_trips(binary_bundle) -> None:
    data = json.loads(read_bundle_file(binary_bundle.zip_bytes, "schema.json"))
    assert data["model_version"] == "churn-7"
    assert data["feature_order"] == list(binary_bundle.schema.feature_order)
    assert bundle_schema_from_dict(data) == binary_bundle.schema
    assert "probability_Yes" in data["outputs"]  # names whose probability it is


def test_schema_identifier_typed_input_is_text() -> None:
    frame = pd.DataFrame({"code": [f"K{i}" for i in range(30)], "y": ["a", "b"] * 15})
    schema = infer_schema(frame, target="y")
    contract = bundle_schema(schema, frame[["code"]], classes=["a", "b"])
    assert contract.column("code").type == "text"
    assert contract.column("code").allowed is None


def test_schema_many_categories_allow_any_value() -> None:
    values = [f"v{i}" for i in range(MAX_ALLOWED_VALUES + 1)]
    frame = pd.DataFrame({"c": values, "y": ["a", "b"] * (len(values) // 2) + ["a"]})
    schema = infer_schema(frame, target="y", types={"c": "categorical"})
    assert bundle_schema(schema, frame[["c"]]).column("c").allowed is None


def test_schema_needs_a_task(trained) -> None:
    model = trained("binary")
    no_task = infer_schema(model.frame)
    with pytest.raises(ExportError) as error:
        bundle_schema(no_task, model.X)
    assert error.value.message == MSG_NO_TASK
    assert error.value.field == "schema"


def test_schema_names_the_missing_columns(trained) -> None:
    model = trained("binary")
    with pytest.raises(ExportError) as error:
        bundle_schema(model.schema, model.X.drop(columns=["plan"]), features=model.features)
    assert error.value.message == MSG_FEATURES_MISSING.format(columns="'plan'")


def test_schema_refuses_an_empty_frame(trained) -> None:
    model = trained("binary")
    with pytest.raises(ExportError) as error:
        bundle_schema(model.schema, model.X.iloc[:0])
    assert error.value.message == MSG_FRAME_EMPTY


@pytest.mark.parametrize("threshold", [-0.1, 1.5, float("nan"), "0.4", True])
def test_schema_refuses_a_bad_threshold(trained, threshold) -> None:
    model = trained("binary")
    with pytest.raises(ExportError) as error:
        bundle_schema(model.schema, model.X, threshold=threshold)
    assert error.value.message == MSG_THRESHOLD.format(value=threshold)
    assert error.value.field == "threshold"


def test_schema_positive_class_must_be_a_class(trained) -> None:
    model = trained("binary")
    with pytest.raises(ExportError) as error:
        bundle_schema(model.schema, model.X, classes=["No", "Maybe"])
    assert error.value.message == MSG_POSITIVE.format(positive="Yes", classes=["No", "Maybe"])


def test_schema_threshold_is_dropped_for_other_tasks(trained) -> None:
    model = trained("multiclass")
    contract = bundle_schema(model.schema, model.X, threshold=0.3)
    assert contract.threshold is None


def test_schema_numpy_scalars_become_plain_json(trained) -> None:
    model = trained("binary")
    contract = bundle_schema(model.schema, model.X, threshold=np.float64(0.25))
    text = json.dumps(contract.to_dict())
    assert isinstance(contract.threshold, float)
    assert json.loads(text)["columns"][5]["allowed"] == [1, 2, 3]


def test_schema_from_dict_names_the_damage() -> None:
    with pytest.raises(ExportError, match=r"schema\.json is not valid"):
        bundle_schema_from_dict({"task": "binary"})
    assert isinstance(bundle_schema_from_dict({"task": "regression", "columns": []}), BundleSchema)

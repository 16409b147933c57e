"""schema_to_dict / schema_from_dict: JSON-safe and lossless; damaged data is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from core.data.inference import SchemaError
from core.data.schema import Schema, infer_schema, schema_from_dict, schema_to_dict

DEMO = Path(__file__).resolve().parents[4] / "assets" / "demo" / "churn.csv"


@pytest.fixture(scope="module")
def schema() -> Schema:
    return infer_schema(pd.read_csv(DEMO), target="churned", types={"age": "categorical"})


def test_schema_round_trips_through_json(schema: Schema) -> None:
    text = json.dumps(schema_to_dict(schema))
    assert schema_from_dict(json.loads(text)) == schema


def test_schema_without_target_round_trips() -> None:
    schema = infer_schema(pd.DataFrame({"a": [1, 2, 3]}))
    assert schema_from_dict(json.loads(json.dumps(schema_to_dict(schema)))) == schema


def test_schema_column_lookup(schema: Schema) -> None:
    assert schema.column("age").type == "categorical"
    with pytest.raises(SchemaError, match="no column 'agee'; did you mean 'age'"):
        schema.column("agee")


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda d: d.update(task="ranking"), "task must be one of"),
        (lambda d: d.update(target="nope"), "target 'nope' is not one of the columns"),
        (lambda d: d.update(extra=1), "extra is not a known field"),
        (lambda d: d["columns"][0].update(role="boss"), r"columns\[0\].role must be one of"),
        (lambda d: d["columns"][1].update(missing=-1), r"columns\[1\]\.missing must be 0 or more"),
        (lambda d: d["columns"][1].pop("dtype"), r"columns\[1\]\.dtype is required"),
        (lambda d: d.update(classes="No,Yes"), "classes must be a list"),
        (lambda d: d["columns"][0].update(missing=True), r"columns\[0\]\.missing must be a whole"),
        (lambda d: d.update(columns=d["columns"] + d["columns"][:1]), "column names repeat"),
    ],
)
def test_damaged_schema_is_refused(schema: Schema, change, match: str) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(json.dumps(schema_to_dict(schema)))
    change(data)
    with pytest.raises(SchemaError, match=match):
        schema_from_dict(data)

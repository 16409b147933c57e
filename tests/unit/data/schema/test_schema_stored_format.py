"""Schemas saved before the pydantic model still load, and are saved the same way."""

from __future__ import annotations

import json

from core.data.schema import ColumnSchema, Schema, schema_from_dict, schema_to_dict

STORED = {  # as schema_to_dict wrote it before: key order included
    "columns": [
        {
            "name": "customer_id",
            "dtype": "object",
            "type": "identifier",
            "role": "identifier",
            "inferred_type": "identifier",
            "missing": 0,
            "distinct": 3,
            "note": "all values unique strings: looks like an ID",
        },
        {
            "name": "churned",
            "dtype": "object",
            "type": "categorical",
            "role": "target",
            "inferred_type": "categorical",
            "missing": 0,
            "distinct": 2,
            "note": "",
        },
    ],
    "target": "churned",
    "task": "binary",
    "task_reason": "2 distinct values ('No', 'Yes'): binary classification",
    "positive_class": "Yes",
    "positive_class_reason": "yes is the usual positive of a yes/no target",
    "classes": ["No", "Yes"],
}


def test_stored_schema_loads_and_saves_identically() -> None:
    schema = schema_from_dict(json.loads(json.dumps(STORED)))
    assert isinstance(schema, Schema)
    assert schema.column("churned") == ColumnSchema(
        "churned", "object", "categorical", "target", "categorical", 0, 2, ""
    )
    assert json.dumps(schema_to_dict(schema)) == json.dumps(STORED)


def test_schema_saved_before_positive_class_reason_existed_loads() -> None:
    old = {k: v for k, v in STORED.items() if k != "positive_class_reason"}
    assert schema_from_dict(old).positive_class_reason == ""

"""suggest_roles and the role part of infer_schema: IDs, sensitive-name suggestions, overrides."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from core.data.inference import SENSITIVE_NAME_WORDS
from core.data.schema import infer_schema, suggest_roles, suggest_sensitive

DEMO = Path(__file__).resolve().parents[4] / "assets" / "demo" / "churn.csv"


@pytest.fixture(scope="module")
def demo() -> pd.DataFrame:
    return pd.read_csv(DEMO)


def test_suggest_roles_on_the_demo(demo: pd.DataFrame) -> None:
    roles = suggest_roles(demo)
    assert roles["customer_id"] == "identifier"
    assert "sensitive" not in roles.values()  # a suggestion only, see suggest_sensitive
    assert set(suggest_sensitive(demo)) == {"gender", "age", "age_band"}
    assert roles["churned"] == "feature"  # the user picks the target
    assert set(roles) == set(demo.columns)


@pytest.mark.parametrize(
    "name",
    ["gender", "Sex", "age", "age_band", "AgeGroup", "race", "ethnicity", "religion",
     "nationality", "disability", "marital_status"],
)  # fmt: skip
def test_suggest_sensitive_names(name: str) -> None:
    frame = pd.DataFrame({name: ["a", "b"] * 5})
    assert name in suggest_sensitive(frame)
    assert suggest_roles(frame)[name] == "feature"  # never applied silently


@pytest.mark.parametrize("name", ["page_views", "usage", "message", "sussex_branch", "racetrack"])
def test_suggest_sensitive_matches_whole_words_only(name: str) -> None:
    assert suggest_sensitive(pd.DataFrame({name: ["a", "b"] * 5})) == {}


def test_sensitive_name_words_are_documented() -> None:
    assert {"gender", "sex", "age", "race", "ethnicity", "religion"} <= set(SENSITIVE_NAME_WORDS)
    assert {"nationality", "disability", "marital"} <= set(SENSITIVE_NAME_WORDS)


def test_infer_schema_roles_override_suggestions(demo: pd.DataFrame) -> None:
    roles = {"gender": "sensitive", "age_band": "sensitive", "region": "ignore"}
    schema = infer_schema(demo, target="churned", roles=roles)
    assert schema.column("age").role == "feature"
    assert schema.column("region").role == "ignore"
    assert schema.column("churned").role == "target"
    assert schema.by_role("sensitive") == ("gender", "age_band")
    assert "region" not in schema.features() and "churned" not in schema.features()
    assert "tenure_months" in schema.features()


def test_infer_schema_target_can_be_given_as_a_role(demo: pd.DataFrame) -> None:
    schema = infer_schema(demo, roles={"churned": "target"})
    assert schema.target == "churned"
    assert schema.task == "binary"


def test_infer_schema_type_override_keeps_the_inferred_type(demo: pd.DataFrame) -> None:
    schema = infer_schema(demo, types={"satisfaction_score": "categorical"})
    col = schema.column("satisfaction_score")
    assert (col.type, col.inferred_type) == ("categorical", "numeric")


def test_infer_schema_identifier_type_makes_the_role_identifier() -> None:
    df = pd.DataFrame({"code": list("abcdefgh") * 3, "x": range(24)})
    schema = infer_schema(df, types={"code": "identifier"})
    assert schema.column("code").role == "identifier"


def test_infer_schema_column_counts(demo: pd.DataFrame) -> None:
    col = infer_schema(demo).column("total_charges")
    assert (col.missing, col.dtype) == (91, "float64")
    assert col.distinct == demo["total_charges"].nunique()


def test_infer_schema_without_target_has_no_task(demo: pd.DataFrame) -> None:
    schema = infer_schema(demo, task="binary", positive_class="Yes")
    assert (schema.target, schema.task, schema.positive_class) == (None, None, None)
    assert schema.task_reason == "no target chosen yet"

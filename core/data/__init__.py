"""Data stage: read a table, say what its columns are, check it and clean it, freeze the split.

    from core.data import ingest, schema, quality, expectations, recipe, cleaning, split

``ingest`` reads files (package: detect, text, json, parquet, excel, columns, sql);
``inference`` and ``schema`` give each column a type and a role and the target a task;
``quality`` (with ``leakage``) and ``expectations`` find problems as ``Finding``s
(``findings``); ``recipe`` holds the cleaning steps and ``cleaning`` applies them; ``split``
freezes the evaluation rows (``split_store`` saves them). Only the data modules are
imported here (pandera and pyarrow load on first use).
"""

from __future__ import annotations

from core.data import (
    cleaning,
    expectations,
    findings,
    inference,
    ingest,
    leakage,
    quality,
    recipe,
    schema,
    split,
    split_store,
)
from core.data.cleaning import apply_recipe, preview_recipe
from core.data.expectations import Expectation, ExpectationError, check_expectations
from core.data.findings import Finding, FixImpact, fix_impact
from core.data.quality import quality_findings
from core.data.recipe import Recipe, RecipeError, Step
from core.data.schema import ColumnSchema, Schema, SchemaError, infer_schema
from core.data.split import Split, SplitError, SplitSpec, make_split

__all__ = [
    "ColumnSchema",
    "Expectation",
    "ExpectationError",
    "Finding",
    "FixImpact",
    "Recipe",
    "RecipeError",
    "Schema",
    "SchemaError",
    "Split",
    "SplitError",
    "SplitSpec",
    "Step",
    "apply_recipe",
    "check_expectations",
    "cleaning",
    "expectations",
    "findings",
    "fix_impact",
    "infer_schema",
    "inference",
    "ingest",
    "leakage",
    "make_split",
    "preview_recipe",
    "quality",
    "quality_findings",
    "recipe",
    "schema",
    "split",
    "split_store",
]

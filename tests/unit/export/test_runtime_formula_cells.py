"""One rule for spreadsheet-formula cells, shipped in the bundle (bundle_runtime.py, from the
unpacked zip) and used by the workbench (core.report): the bundle's predict.py and
`workbench predict` write the same CSV cells.

Text a spreadsheet would run (= + - @, tab, CR first) gets a leading apostrophe (OWASP's
CSV-injection advice); a number, or text that is a plain negative number, is left alone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.report import spreadsheet_safe

CELLS = {  # cell -> is it a formula?
    "=1+1": True,
    "+1": True,
    "-1": False,
    "-0.5": False,
    "-.5": False,
    "-1e5": False,
    "-2.5E-3": False,
    "1e5": False,
    "@SUM(A1)": True,
    "-x": True,
    "-1+1": True,
    "-1 to 0": True,
    "=cmd|' /C calc'!A0": True,
    "\t=1": True,
    "\r1": True,
    " =cmd": False,
    "plain": False,
    "": False,
}


@pytest.fixture(scope="module")
def runtime(unpacked):
    return unpacked("binary").runtime


@pytest.mark.parametrize(("cell", "formula"), list(CELLS.items()), ids=repr)
def test_the_bundle_rule_escapes_formulas_but_not_numbers(runtime, cell, formula) -> None:
    assert runtime.is_formula(cell) is formula


def test_numbers_are_never_formulas(runtime) -> None:
    for value in (-1, -0.5, np.int64(-3), np.float64(-2.5), float("-inf"), True, None):
        assert runtime.is_formula(value) is False, value


def _table() -> pd.DataFrame:
    cells = list(CELLS)
    n = len(cells)
    return pd.DataFrame(
        {
            "text": cells,
            "string": pd.array(cells, dtype="string"),
            "category": pd.Categorical(cells),
            "labels": pd.Series([-1, 1] * (n // 2), dtype=object),  # a -1/1 prediction
            "mixed": pd.Series(([-1, "-x", "=1", 0.5] * n)[:n], dtype=object),
            "number": np.linspace(-1, 1, n),
            "-1": np.arange(n),
            "=evil": np.arange(n),
        }
    )


def test_workbench_and_bundle_write_the_same_cells(runtime) -> None:
    frame = _table()
    workbench, bundle = spreadsheet_safe(frame), runtime.spreadsheet_safe(frame)
    pd.testing.assert_frame_equal(workbench.astype(str), bundle.astype(str))
    assert list(workbench.columns)[-2:] == ["-1", "'=evil"]
    assert workbench["labels"].tolist() == frame["labels"].tolist()  # -1 stays -1
    assert workbench["mixed"].tolist()[:4] == [-1, "'-x", "'=1", 0.5]
    expected = ["'" + c if CELLS[c] else c for c in CELLS]
    for column in ("text", "string", "category"):
        assert workbench[column].astype(str).tolist() == expected, column
    assert frame["text"].iloc[0] == "=1+1"  # the input is not changed


def test_the_bundle_writes_csv_with_formulas_escaped(runtime, tmp_path) -> None:
    path = tmp_path / "scored.csv"
    runtime.write_table(pd.DataFrame({"text": ["=1+1", "-1"], "prediction": [-1, 1]}), path)
    assert path.read_text().splitlines() == ["text,prediction", "'=1+1,-1", "-1,1"]

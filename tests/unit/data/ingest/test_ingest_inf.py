"""±inf is data: it is read, kept and stored, never turned into missing values."""

from __future__ import annotations

import io
import math

import pandas as pd


def test_inf_values_in_csv_are_kept(read) -> None:
    frame, _ = read(b"x,y\n1,inf\n2,-inf\n3,4.5\n", "x.csv")
    assert frame["y"].tolist()[:2] == [math.inf, -math.inf]
    assert pd.api.types.is_float_dtype(frame["y"])


def test_inf_survives_parquet(read) -> None:
    frame, _ = read(b"x;y\n1;inf\n2;-inf\n3;1,5\n", "x.csv")
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    assert pd.read_parquet(buffer)["y"].tolist() == [math.inf, -math.inf, 1.5]

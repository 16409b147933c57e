"""The trust suite's datasets: real public tables that ship inside installed packages
(scikit-learn, statsmodels; nothing is downloaded) and generated edge cases of target encoding.

Each case says which class a careful analyst would call positive (``positive``): the
conventional one for 0/1, −1/1, booleans and yes/no targets, the minority class otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[], pd.DataFrame]
    target: str
    task: str  # binary | multiclass | regression
    positive: str | None = None  # the expected positive class, as text; None unless binary
    suffix: str = ".csv"  # .json keeps a text target as text

    def frame(self) -> pd.DataFrame:
        return self.build()

    def write(self, frame: pd.DataFrame, path: Path) -> Path:
        if self.suffix == ".json":
            frame.to_json(path, orient="records")
        else:
            frame.to_csv(path, index=False)
        return path


def _sklearn(loader: str) -> pd.DataFrame:
    import sklearn.datasets

    frame = getattr(sklearn.datasets, loader)(as_frame=True).frame
    frame.columns = [str(c).replace(" ", "_") for c in frame.columns]
    return frame


def _statsmodels(name: str) -> pd.DataFrame:
    import importlib

    return importlib.import_module(f"statsmodels.datasets.{name}").load_pandas().data.copy()


def breast_cancer() -> pd.DataFrame:
    return _sklearn("load_breast_cancer")  # target 1 = benign (63 %), 0 = malignant


def wine() -> pd.DataFrame:
    return _sklearn("load_wine")  # three cultivars


def wine_named() -> pd.DataFrame:
    frame = _sklearn("load_wine")
    frame["target"] = frame["target"].map({0: "barolo", 1: "grignolino", 2: "barbera"})
    return frame


def diabetes() -> pd.DataFrame:
    return _sklearn("load_diabetes")  # disease progression; has age and sex


def diabetes_binary() -> pd.DataFrame:
    frame = _sklearn("load_diabetes")
    frame["target"] = (frame["target"] > frame["target"].quantile(0.4)).astype(int)  # 60 % ones
    return frame


def spector() -> pd.DataFrame:
    return _statsmodels("spector")  # 32 students, GRADE improved 0/1 (as floats)


def fair() -> pd.DataFrame:
    frame = _statsmodels("fair").sample(2000, random_state=0).reset_index(drop=True)
    frame["affairs"] = (frame["affairs"] > 0).astype(int)
    return frame


def anes96() -> pd.DataFrame:
    return _statsmodels("anes96").drop(columns=["logpopul"])  # vote 0/1 as floats; has age


def star98() -> pd.DataFrame:
    frame = _statsmodels("star98")
    frame["share_above"] = frame["NABOVE"] / (frame["NABOVE"] + frame["NBELOW"])
    return frame.drop(columns=["NABOVE", "NBELOW"])


def _generated(
    labels: tuple[object, object], *, rows: int = 800, positive_share: float = 0.6, seed: int = 0
) -> pd.DataFrame:
    """Two informative numbers, one noise number, a category with 10 % missing, and columns
    named like sensitive attributes (age, sex) that carry signal. ``labels`` is
    (negative, positive); the positive class is the majority unless ``positive_share`` < 0.5,
    so a "minority is positive" rule picks the wrong class."""
    rng = np.random.default_rng(seed)
    age = rng.integers(18, 80, rows)
    sex = rng.choice(["female", "male"], rows)
    x1, x2, noise = rng.normal(size=(3, rows))
    workclass = rng.choice(["private", "public", "self"], rows, p=[0.6, 0.25, 0.15]).astype(object)
    workclass[rng.random(rows) < 0.1] = None
    score = 1.5 * x1 - x2 + 0.03 * (age - 50) + 0.5 * (sex == "male") + rng.logistic(size=rows) / 2
    is_positive = score > np.quantile(score, 1 - positive_share)
    negative, positive = labels
    return pd.DataFrame(
        {
            "x1": x1.round(4), "x2": x2.round(4), "noise": noise.round(4), "age": age,
            "sex": sex, "workclass": workclass,
            "y": np.where(is_positive, positive, negative),
        }
    )  # fmt: skip


REAL = [
    Case("breast_cancer", breast_cancer, "target", "binary", positive="1"),
    Case("wine", wine, "target", "multiclass"),
    Case("wine_named", wine_named, "target", "multiclass"),
    Case("diabetes", diabetes, "target", "regression"),
    Case("diabetes_binary", diabetes_binary, "target", "binary", positive="1"),
    Case("spector", spector, "GRADE", "binary", positive="1"),
    Case("fair", fair, "affairs", "binary", positive="1"),
    Case("anes96", anes96, "vote", "binary", positive="1"),
    Case("star98", star98, "share_above", "regression"),
]

GENERATED = [
    Case("int01", lambda: _generated((0, 1)), "y", "binary", positive="1"),
    Case("float01", lambda: _generated((0.0, 1.0)), "y", "binary", positive="1"),
    Case("text01", lambda: _generated(("0", "1")), "y", "binary", positive="1", suffix=".json"),
    Case("bool", lambda: _generated((False, True)), "y", "binary", positive="True"),
    Case("yes_no", lambda: _generated(("no", "yes")), "y", "binary", positive="yes"),
    Case("minus1_1", lambda: _generated((-1, 1)), "y", "binary", positive="1"),
    Case(
        "two_strings",
        lambda: _generated(("common", "rare"), positive_share=0.3),
        "y",
        "binary",
        positive="rare",
    ),
    Case(
        "two_percent",
        lambda: _generated((0, 1), rows=2000, positive_share=0.02),
        "y",
        "binary",
        positive="1",
    ),
]

CASES = {case.name: case for case in REAL + GENERATED}

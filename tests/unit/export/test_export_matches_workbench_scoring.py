"""The bundle answers exactly what the workbench's own scoring answers for the same rows."""

from __future__ import annotations

import io
import types

import numpy as np
import pandas as pd
import pytest


@pytest.mark.parametrize("task", ["binary", "multiclass", "regression"])
def test_bundle_scores_equal_the_workbench_scores(trained, unpacked, task: str) -> None:
    from app.services import scoring  # the code behind the workbench's Predict page and CLI

    model, bundle = trained(task), unpacked(task)
    run = types.SimpleNamespace(threshold=0.4 if task == "binary" else None)
    workbench = scoring._predict_block(model.pipeline, model.X, model.schema, run)
    runtime = bundle.runtime
    text = io.BytesIO(model.X.to_csv(index=False).encode())  # as a user's file arrives
    frame, _ = runtime.table_to_frame(
        runtime.read_table(text, "rows.csv"), bundle.contract, strict=True
    )
    ours = runtime.score_frame(bundle.loaded.pipeline, bundle.contract, frame)
    assert list(ours.columns) == list(workbench.columns)
    for column in ours.columns:
        mine, theirs = ours[column].to_numpy(), workbench[column].to_numpy()
        if column == "prediction" and task != "regression":
            assert list(mine) == [str(v) for v in theirs]
        else:
            np.testing.assert_array_equal(mine.astype(float), theirs.astype(float))
    assert isinstance(workbench, pd.DataFrame)

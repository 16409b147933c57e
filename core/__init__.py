"""Pure-Python ML library of the workbench: usable on its own, e.g. in a notebook.

One package per stage — ``goal``, ``data`` (with ``data.ingest``), ``explore``, ``train``,
``evaluate``, ``explain``, ``fairness``, ``export``, ``monitor`` — each naming its public API
in its ``__init__``; figures live in each stage's ``figures`` module. Shared once for all:
``metrics`` (the metric registry and the threshold rule), ``conditions`` (row conditions),
``stats`` (bootstrap intervals), ``documents`` (pydantic validation with plain messages),
``estimators`` (the classes a saved pipeline references; light, copied into bundles) and
``persist`` (loading models saved before a class moved).

No Streamlit, no database, no knowledge of where files live: functions take DataFrames
and dataclasses and return dataclasses (or plotly figures).
"""

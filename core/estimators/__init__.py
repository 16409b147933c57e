"""Every class a saved pipeline may reference: the workbench's own pipeline steps and models.

Exported bundles copy these modules verbatim (``core.export``), so this package stays light:
this file imports nothing, and each module here imports only the standard library, numpy,
pandas, scikit-learn (xgboost, fairlearn where that model needs it), ``core.conditions``
(with the ``core.coerce`` it reads values by) and its siblings. Import a step by its module,
e.g. ``from core.estimators.columns import DateParts``.
"""

"""Export stage: one self-contained, reproducible zip that scores like the workbench does.

The bundle holds the fitted pipeline (``model/pipeline.joblib``), its input contract
(``schema.json``), a REST service (``serve.py``), a batch scorer (``predict.py``) sharing one
scoring module (``bundle_runtime.py``), pinned ``requirements.txt``, a ``Dockerfile``, a
``README.md``, the caller's ``model_card.md``, ``golden.csv`` (sample rows with the outputs
the workbench computed for them: synthetic rows drawn from the schema, or training rows only
when the caller passes ``golden_real_rows=True``) and ``manifest.json`` (sha256 and size of
every file). It needs Python and its requirements, never the workbench.

- ``bundle``: the builder (``build_bundle``) and the zip;
- ``contract``: the input contract, ``schema.json`` (``bundle_schema``);
- ``modules``: the workbench modules the pickle needs, copied verbatim;
- ``requirements``: the pinned ``requirements.txt``;
- ``golden``: the golden rows, checked with the bundle's own code;
- ``readme``: the bundle's README;
- ``verify``: checking a zip against its manifest (``verify_bundle``);
- ``layout``: file names, templates (assets/bundle/) and ``bundle_runtime()``.

The workbench's own pipeline steps (``core.estimators``' transformers and classifiers, …)
are kept by name: the modules the pickle refers to, and the ``core`` modules they import,
are copied verbatim into the bundle's ``core/`` folder, so the model unpickles to the very
same code and gives the same numbers. Third-party packages that the pickle or those modules
need are pinned at the installed versions.

Same inputs ⇒ the same zip, byte for byte: files in sorted order with the caller's
``created`` time and fixed permissions, JSON with sorted keys. Pass the stored pipeline
bytes (not the object) for bundles that are identical across processes too: pickling an
object may order sets differently in another process. Pure Python: no Streamlit, no storage.

    bundle = build_bundle(pipeline_bytes, schema=schema, training_frame=train[features],
                          model_card=card, model_version="churn-7", created="2025-01-31",
                          threshold=0.42)
    verify_bundle(bundle.zip_bytes)   # [] when every file matches manifest.json
"""

from __future__ import annotations

from core.export.bundle import Bundle, build_bundle
from core.export.contract import (
    BundleSchema,
    InputColumn,
    InputType,
    bundle_schema,
    bundle_schema_from_dict,
)
from core.export.golden import GOLDEN_ROWS
from core.export.layout import (
    BUNDLE_FORMAT,
    MANIFEST_FILE,
    REQUIRED_FILES,
    ExportError,
    bundle_runtime,
)
from core.export.requirements import SERVICE_PINS
from core.export.verify import read_bundle_file, verify_bundle

__all__ = [
    "BUNDLE_FORMAT",
    "GOLDEN_ROWS",
    "MANIFEST_FILE",
    "REQUIRED_FILES",
    "SERVICE_PINS",
    "Bundle",
    "BundleSchema",
    "ExportError",
    "InputColumn",
    "InputType",
    "build_bundle",
    "bundle_runtime",
    "bundle_schema",
    "bundle_schema_from_dict",
    "read_bundle_file",
    "verify_bundle",
]

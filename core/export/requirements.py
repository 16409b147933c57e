"""``requirements.txt``: the packages scoring and the service need, pinned exactly."""

from __future__ import annotations

import importlib.metadata
import re
import sys
import types
from collections.abc import Mapping

from core.export.layout import ExportError

#: Always pinned: what loading and scoring need, plus pyarrow for Parquet files.
BASE_DISTRIBUTIONS = (
    "joblib",
    "numpy",
    "pandas",
    "pyarrow",
    "python-dateutil",
    "pytz",
    "scikit-learn",
    "scipy",
    "threadpoolctl",
    "tzdata",
)
#: The service's packages; fixed here (tested together), since the workbench need not have them.
SERVICE_PINS: Mapping[str, str] = types.MappingProxyType(
    {"fastapi": "0.142.2", "pydantic": "2.14.4", "starlette": "1.10.0", "uvicorn": "0.54.0"}
)

MSG_UNKNOWN_PACKAGE = (
    "the bundle needs module {module!r}, which belongs to no installed package, so "
    "requirements.txt cannot pin it"
)


def _requirements(packages: set[str]) -> str:
    """Pinned requirements: the base set, the packages the model needs, the service's."""
    owners = importlib.metadata.packages_distributions()
    distributions = set(BASE_DISTRIBUTIONS)
    for top in sorted(packages):
        names = owners.get(top)
        if not names:
            raise ExportError(MSG_UNKNOWN_PACKAGE.format(module=top), field="pipeline")
        distributions.update(names)
    scoring = []
    for name in sorted(distributions, key=str.lower):
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            raise ExportError(MSG_UNKNOWN_PACKAGE.format(module=name), field="pipeline") from None
        scoring.append(f"{_canonical(name)}=={version}")
    service = [f"{name}=={version}" for name, version in sorted(SERVICE_PINS.items())]
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    lines = [
        f"# Exact versions the model was trained and checked with (Python {python}).",
        "# scoring (predict.py, bundle_runtime.py)",
        *[line for line in scoring if line.partition("==")[0] not in SERVICE_PINS],
        "# service (serve.py)",
        *service,
    ]
    return "\n".join(lines) + "\n"


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()

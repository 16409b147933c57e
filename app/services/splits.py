"""The frozen evaluation split of a dataset version: defined once, stored, reused by every run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.context import Workbench
from app.errors import UserError
from app.services import artifacts as artifact_service
from app.services import data_config
from app.services.datasets import VersionInfo, load_frame
from app.services.jsonable import plain
from app.services.team.guard import guarded, note, project_arg
from app.services.team.rights import Right
from core.data.split import Split, SplitSpec, make_split, split_spec_to_dict
from core.data.split_store import split_from_bytes, split_to_bytes
from storage.models import DatasetSplit


@dataclass(frozen=True)
class StoredSplit:
    split: Split
    summary: dict[str, Any]
    created_at: datetime


def has_split(wb: Workbench, version_id: int) -> bool:
    with wb.db.read() as session:
        return session.get(DatasetSplit, version_id) is not None


def get_split(wb: Workbench, version: VersionInfo) -> StoredSplit | None:
    with wb.db.read() as session:
        row = session.get(DatasetSplit, version.id)
        if row is None:
            return None
        summary, sha, created = dict(row.summary), row.artifact_sha256, row.created_at
    result = split_from_bytes(wb.artifacts.read_bytes(sha))
    return StoredSplit(result, summary, created)


@guarded(
    Right.EDIT, "data.split", project=project_arg("version"), summary="Defined the evaluation split"
)
def define_split(
    wb: Workbench, version: VersionInfo, spec: SplitSpec, *, replace: bool = False
) -> StoredSplit:
    """Compute and freeze the split; an existing one is only replaced when asked to."""
    if not replace and has_split(wb, version.id):
        raise UserError(
            f"Dataset v{version.version} already has a frozen split.",
            hint="Replacing it means earlier runs are no longer comparable; confirm to replace.",
        )
    frame = load_frame(wb, version)
    schema = data_config.schema_for(wb, version.project_id, frame)
    result = make_split(frame, spec, target=schema.target, task=schema.task)
    target_values = frame[schema.target] if schema.target else None
    summary = {
        **result.summary(target_values, positive=schema.positive_class),
        "notes": list(result.notes),
        "description": spec.describe(schema.target),
    }
    stored = wb.artifacts.put_bytes(split_to_bytes(result))
    note(f"Evaluation split of version {version.version}: {summary['description']}")
    with wb.db.write() as session:
        artifact_service.register(session, stored, "application/octet-stream")
        row = session.get(DatasetSplit, version.id)
        if row is None:
            row = DatasetSplit(dataset_version_id=version.id)
            session.add(row)
        row.spec = split_spec_to_dict(spec)
        row.summary = plain(summary)
        row.artifact_sha256 = stored.sha256
    found = get_split(wb, version)
    assert found is not None
    return found

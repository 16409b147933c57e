"""Four-eyes promotion: one person asks for a registry version to go to production, with a
reason and the model card attached; another, with the approver right, approves or rejects.

The request and the decision are in the activity trail and in the version's registry history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.context import Workbench
from app.errors import NotFound, PermissionDenied, UserError
from app.services import export, training
from app.services.team.guard import guarded, note, project_arg, project_of
from app.services.team.members import display_names, name_of
from app.services.team.rights import Right
from core.text_limits import check_text
from storage.models import ModelVersion, PromotionRequest, utcnow

STATUSES = ("pending", "approved", "rejected", "withdrawn")


@dataclass(frozen=True)
class PromotionInfo:
    id: int
    project_id: int
    version: int
    run_id: int
    requested_by: str
    requested_by_name: str
    reason: str
    model_card: str
    status: str
    decided_by: str | None
    decided_by_name: str | None
    decision_note: str
    created_at: datetime
    decided_at: datetime | None

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "version": self.version,
            "run_id": self.run_id,
            "requested_by": self.requested_by,
            "reason": self.reason,
            "status": self.status,
            "decided_by": self.decided_by,
            "decision_note": self.decision_note,
            "created_at": self.created_at.isoformat(),
            "decided_at": self.decided_at.isoformat() if self.decided_at else None,
        }


@guarded(
    Right.EDIT,
    "promotion.requested",
    project=project_arg(),
    summary="Requested v{version} for production: {reason}",
)
def request_promotion(wb: Workbench, project_id: int, version: int, reason: str) -> PromotionInfo:
    """Ask for ``version`` to go to production; the model card as it is now goes with it."""
    reason = check_text("promotion reason", (reason or "").strip())
    if not reason:
        raise UserError("Say why this version should go to production.", field="reason")
    entry = export.get_version(wb, project_id, version)
    if entry.stage == "production":
        raise UserError(f"v{version} is already in production.")
    card = export.model_card(wb, training.get_run(wb, entry.run_id))
    with wb.db.write() as session:
        pending = session.scalar(
            select(PromotionRequest).where(
                PromotionRequest.model_version_id == entry.id,
                PromotionRequest.status == "pending",
            )
        )
        if pending is not None:
            raise UserError(
                f"v{version} already has a pending request (#{pending.id}).",
                hint="Wait for its decision, or withdraw it.",
            )
        row = PromotionRequest(
            project_id=project_id, model_version_id=entry.id, requested_by=wb.actor.key,
            reason=reason, model_card=card,
        )  # fmt: skip
        session.add(row)
        version_row = session.get(ModelVersion, entry.id)
        assert version_row is not None
        version_row.history = [
            *version_row.history,
            export.history_event("production requested", wb.actor.label, reason),
        ]
        session.flush()
        note(request_id=row.id)
        request_id = row.id
    return get_request(wb, request_id)


@guarded(Right.APPROVE, "promotion.decided", project=project_of(PromotionRequest, "request_id"))
def decide(wb: Workbench, request_id: int, *, approve: bool, comment: str = "") -> PromotionInfo:
    """Approve (the version goes to production) or reject; never by the person who asked."""
    request = get_request(wb, request_id)
    if request.status != "pending":
        raise UserError(f"Request #{request_id} is already {request.status}.")
    if request.requested_by == wb.actor.key:
        raise PermissionDenied(
            "You asked for this promotion; someone else must decide it (four-eyes).",
            hint="Ask a member with the approver right.",
        )
    comment = check_text("promotion reason", (comment or "").strip())
    verdict = "approved" if approve else "rejected"
    note(
        f"{verdict.capitalize()} v{request.version} for production (request #{request_id})"
        + (f": {comment}" if comment else ""),
        request_id=request_id,
    )
    if approve:
        why = f"approved request #{request_id} by {request.requested_by_name}: {request.reason}"
        export.move_stage(wb, request.project_id, request.version, "production", why=why)
    with wb.db.write() as session:
        row = session.get(PromotionRequest, request_id)
        assert row is not None
        if row.status != "pending":  # decided by someone else meanwhile
            raise UserError(f"Request #{request_id} was {row.status} meanwhile.")
        row.status, row.decided_by, row.decision_note = verdict, wb.actor.key, comment
        row.decided_at = utcnow()
        if not approve:
            version_row = session.get(ModelVersion, row.model_version_id)
            assert version_row is not None
            version_row.history = [
                *version_row.history,
                export.history_event(
                    "production rejected", wb.actor.label, comment or "no reason given"
                ),
            ]
    return get_request(wb, request_id)


@guarded(Right.EDIT, "promotion.withdrawn", project=project_of(PromotionRequest, "request_id"))
def withdraw(wb: Workbench, request_id: int) -> PromotionInfo:
    with wb.db.write() as session:
        row = session.get(PromotionRequest, request_id)
        if row is None:
            raise NotFound(f"There is no promotion request #{request_id}.")
        if row.status != "pending":
            raise UserError(f"Request #{request_id} is already {row.status}.")
        row.status, row.decided_by, row.decided_at = "withdrawn", wb.actor.key, utcnow()
        note(f"Withdrew request #{request_id}")
    return get_request(wb, request_id)


def list_requests(
    wb: Workbench, project_id: int, *, status: str | None = None
) -> list[PromotionInfo]:
    """Newest first."""
    query = select(PromotionRequest).where(PromotionRequest.project_id == project_id)
    if status is not None:
        query = query.where(PromotionRequest.status == status)
    with wb.db.read() as session:
        ids = list(session.scalars(query.with_only_columns(PromotionRequest.id)))
    return sorted((get_request(wb, i) for i in ids), key=lambda r: r.id, reverse=True)


def get_request(wb: Workbench, request_id: int) -> PromotionInfo:
    with wb.db.read() as session:
        row = session.get(PromotionRequest, request_id)
        if row is None:
            raise NotFound(f"There is no promotion request #{request_id}.")
        version = session.get(ModelVersion, row.model_version_id)
        assert version is not None
        names = display_names(wb)
        return PromotionInfo(
            row.id, row.project_id, version.version, version.run_id, row.requested_by,
            name_of(row.requested_by, names), row.reason, row.model_card,
            row.status, row.decided_by,
            name_of(row.decided_by, names) if row.decided_by else None,
            row.decision_note, row.created_at, row.decided_at,
        )  # fmt: skip

"""Comments on a stage: the PM's sign-off on the goal, a reviewer's note on a run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.context import Workbench
from app.errors import UserError
from app.services.team.guard import guarded, note, project_arg
from app.services.team.members import display_names, name_of
from app.services.team.rights import Right
from core.text_limits import check_text
from storage.models import Comment

STAGE_KEYS = ("goal", "data", "explore", "train", "evaluate", "fairness", "export", "monitor")


@dataclass(frozen=True)
class CommentInfo:
    id: int
    project_id: int
    stage: str
    subject: str
    author: str
    author_name: str
    text: str
    created_at: datetime

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "stage": self.stage,
            "subject": self.subject,
            "author": self.author,
            "author_name": self.author_name,
            "text": self.text,
            "created_at": self.created_at.isoformat(),
        }


@guarded(Right.COMMENT, "comment.added", project=project_arg())
def add_comment(
    wb: Workbench, project_id: int, stage: str, text: str, *, subject: str = ""
) -> CommentInfo:
    if stage not in STAGE_KEYS:
        raise UserError(f"Unknown stage {stage!r}; choose one of {', '.join(STAGE_KEYS)}.")
    text = check_text("comment", (text or "").strip())
    if not text:
        raise UserError("The comment is empty.", field="text")
    subject = (subject or "").strip()[:120]
    with wb.db.write() as session:
        row = Comment(
            project_id=project_id, stage=stage, subject=subject, author=wb.actor.key, text=text
        )
        session.add(row)
        on = f" on {subject}" if subject else ""
        note(f"Comment on {stage}{on}: {_first_line(text)}", stage=stage, subject=subject)
        session.flush()
        return _info(row, display_names(wb))


def list_comments(
    wb: Workbench, project_id: int, stage: str | None = None, *, subject: str | None = None
) -> list[CommentInfo]:
    """Oldest first, as a conversation reads."""
    query = select(Comment).where(Comment.project_id == project_id)
    if stage is not None:
        query = query.where(Comment.stage == stage)
    if subject is not None:
        query = query.where(Comment.subject == subject)
    with wb.db.read() as session:
        rows = list(session.scalars(query.order_by(Comment.created_at, Comment.id)))
    names = display_names(wb)
    return [_info(r, names) for r in rows]


def _first_line(text: str, limit: int = 80) -> str:
    line = text.splitlines()[0] if text else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _info(row: Comment, names: dict[str, str]) -> CommentInfo:
    return CommentInfo(
        row.id, row.project_id, row.stage, row.subject, row.author,
        name_of(row.author, names), row.text, row.created_at,
    )  # fmt: skip

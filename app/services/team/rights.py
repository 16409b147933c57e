"""Roles per project and the one check every write goes through.

A right is what an action needs; a role is a set of rights. The approver right is given
on top of any role, so a viewer can be the second pair of eyes without editing anything.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import select

from app.context import Workbench
from app.errors import PermissionDenied
from storage.models import Project, ProjectMember, User


class Role(StrEnum):
    OWNER = "owner"
    EDITOR = "editor"
    VIEWER = "viewer"


class Right(StrEnum):
    #: See the project and everything in it.
    VIEW = "view"
    #: Change its content: goal, data, recipe, training, threshold, champion, fairness,
    #: exports, registry stages short of production, monitoring.
    EDIT = "edit"
    #: Add a comment to a stage.
    COMMENT = "comment"
    #: Members and roles, rename, delete, restore.
    MANAGE = "manage"
    #: Decide a production promotion (four-eyes), or promote directly when no approval is asked.
    APPROVE = "approve"
    #: Create a project (workspace-level: any signed-in person).
    CREATE = "create"
    #: The workspace admin: every project, every membership.
    ADMIN = "admin"


ROLE_RIGHTS: dict[Role, frozenset[Right]] = {
    Role.OWNER: frozenset({Right.VIEW, Right.EDIT, Right.COMMENT, Right.MANAGE}),
    Role.EDITOR: frozenset({Right.VIEW, Right.EDIT, Right.COMMENT}),
    Role.VIEWER: frozenset({Right.VIEW}),
}
#: What the approver right adds to a role.
APPROVER_RIGHTS = frozenset({Right.VIEW, Right.COMMENT, Right.APPROVE})
ALL_RIGHTS = frozenset(Right)
#: What each right lets a person do, for messages and the Members tab.
RIGHT_WORDS: dict[Right, str] = {
    Right.VIEW: "see this project",
    Right.EDIT: "change this project",
    Right.COMMENT: "comment on this project",
    Right.MANAGE: "manage this project's members, name and trash",
    Right.APPROVE: "approve promotions to production",
    Right.CREATE: "create projects",
    Right.ADMIN: "administer the workspace",
}


def is_admin(wb: Workbench) -> bool:
    """The local user, the CLI and the system always; a user when marked admin or configured."""
    actor = wb.actor
    if actor.is_admin_by_kind:
        return True
    if actor.kind != "user":
        return False
    if actor.key in wb.settings.admins:
        return True
    with wb.db.read() as session:
        user = session.get(User, actor.key)
        return bool(user and user.is_admin)


def membership(wb: Workbench, project_id: int) -> ProjectMember | None:
    if wb.actor.kind != "user":
        return None
    with wb.db.read() as session:
        return session.get(ProjectMember, (project_id, wb.actor.key))


def rights_of(wb: Workbench, project_id: int | None) -> frozenset[Right]:
    """What the acting person may do in ``project_id`` (``None``: at workspace level)."""
    if wb.actor.kind == "nobody":
        return frozenset()
    if is_admin(wb):
        return ALL_RIGHTS
    if project_id is None:
        return frozenset({Right.CREATE})
    member = membership(wb, project_id)
    if member is None:
        return frozenset()
    rights = ROLE_RIGHTS[Role(member.role)]
    return rights | APPROVER_RIGHTS if member.can_approve else rights


def can(wb: Workbench, project_id: int | None, right: Right) -> bool:
    return right in rights_of(wb, project_id)


def require(wb: Workbench, project_id: int | None, right: Right) -> None:
    """Raise :class:`PermissionDenied` unless the actor holds ``right`` in the project."""
    if can(wb, project_id, right):
        return
    actor = wb.actor
    if actor.kind == "nobody":
        raise PermissionDenied("Sign in first: nobody may change anything before signing in.")
    member = membership(wb, project_id) if project_id is not None else None
    where = _project_name(wb, project_id)
    if member is None:
        raise PermissionDenied(
            f"{actor.label} is not a member of {where} and may not {RIGHT_WORDS[right]}.",
            hint="Ask one of its owners to invite you.",
        )
    raise PermissionDenied(
        f"{actor.label} is {member.role} of {where} and may not {RIGHT_WORDS[right]}.",
        hint="Ask one of its owners to change your role.",
    )


def _project_name(wb: Workbench, project_id: int | None) -> str:
    if project_id is None:
        return "this workspace"
    with wb.db.read() as session:
        name = session.scalar(select(Project.name).where(Project.id == project_id))
    return f"project '{name}'" if name else f"project {project_id}"

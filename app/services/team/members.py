"""People: who signed in, who is the workspace admin, and who holds which role in a project.

An owner invites by e-mail; the invitation is a membership row that applies as soon as that
person signs in. A project always keeps at least one owner.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.actors import LOCAL, Actor
from app.context import Workbench
from app.errors import NotFound, UserError
from app.permits import system_write
from app.services.team.guard import guarded, note, project_arg, unchanged
from app.services.team.rights import Right, Role, is_admin
from core.text_limits import check_text
from storage.models import ProjectMember, User, utcnow

#: Good enough to catch typos; the identity provider is the judge of real addresses.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class UserInfo:
    email: str
    name: str
    is_admin: bool
    created_at: datetime
    last_seen_at: datetime


@dataclass(frozen=True)
class MemberInfo:
    email: str
    name: str
    role: str
    can_approve: bool
    added_by: str
    added_at: datetime
    #: False for an invitation not yet used (the person has not signed in).
    has_signed_in: bool

    def to_json(self) -> dict[str, object]:
        return {
            "email": self.email,
            "name": self.name,
            "role": self.role,
            "can_approve": self.can_approve,
            "added_by": self.added_by,
            "added_at": self.added_at.isoformat(),
            "has_signed_in": self.has_signed_in,
        }


def clean_email(email: str) -> str:
    cleaned = check_text("e-mail", (email or "").strip().lower())
    if not _EMAIL.match(cleaned):
        raise UserError(
            f"'{cleaned}' is not an e-mail address.",
            hint="Type it as name@example.com.",
            field="email",
        )
    return cleaned


def signed_in(wb: Workbench, actor: Actor) -> UserInfo:
    """Record a sign-in; the first person to sign in is the admin unless the config names admins."""
    if actor.kind != "user":
        raise UserError("Only a signed-in person is recorded as a user.")
    with system_write("a sign-in"), wb.db.write() as session:
        user = session.get(User, actor.key)
        if user is None:
            nobody_yet = not wb.settings.admins and not session.scalar(
                select(func.count()).select_from(User).where(User.is_admin.is_(True))
            )
            user = User(email=actor.key, name=actor.name, is_admin=bool(nobody_yet))
            session.add(user)
        user.name = actor.name or user.name
        user.last_seen_at = utcnow()
        if actor.key in wb.settings.admins:
            user.is_admin = True
        session.flush()
        return _user_info(user)


def list_users(wb: Workbench) -> list[UserInfo]:
    with wb.db.read() as session:
        return [_user_info(u) for u in session.scalars(select(User).order_by(User.email))]


def display_names(wb: Workbench) -> dict[str, str]:
    """Actor key → the name people read, for the trail, goal versions and the registry."""
    with wb.db.read() as session:
        return {
            email: name or email for email, name in session.execute(select(User.email, User.name))
        }


def name_of(key: str, names: dict[str, str]) -> str:
    """The name to show for an actor key (``names`` from :func:`display_names`)."""
    if key == LOCAL.key:
        return LOCAL.name
    return names.get(key, key)


def list_members(wb: Workbench, project_id: int) -> list[MemberInfo]:
    """Owners first, then editors, then viewers; by e-mail within a role."""
    order = {Role.OWNER: 0, Role.EDITOR: 1, Role.VIEWER: 2}
    with wb.db.read() as session:
        rows = session.execute(
            select(ProjectMember, User)
            .outerjoin(User, User.email == ProjectMember.email)
            .where(ProjectMember.project_id == project_id)
        ).all()
        members = [_member_info(m, u) for m, u in rows]
    return sorted(members, key=lambda m: (order[Role(m.role)], m.email))


def visible_project_ids(wb: Workbench) -> set[int] | None:
    """The projects the actor may see: ``None`` means all (admin, local user, CLI)."""
    if is_admin(wb):
        return None
    if wb.actor.kind != "user":
        return set()
    with wb.db.read() as session:
        return set(
            session.scalars(
                select(ProjectMember.project_id).where(ProjectMember.email == wb.actor.key)
            )
        )


def add_owner(session: Session, project_id: int, actor: Actor) -> None:
    """Inside the create-project transaction: a signed-in creator becomes its owner."""
    if actor.kind == "user":
        session.add(
            ProjectMember(
                project_id=project_id, email=actor.key, role=Role.OWNER, added_by=actor.key
            )
        )


@guarded(Right.MANAGE, "member.invited", project=project_arg())
def invite(
    wb: Workbench, project_id: int, email: str, role: str, *, can_approve: bool = False
) -> MemberInfo:
    """Give ``email`` a role in the project (an invitation until that person signs in)."""
    email, role = clean_email(email), _role(role)
    with wb.db.write() as session:
        if session.get(ProjectMember, (project_id, email)) is not None:
            raise UserError(
                f"{email} is already a member of this project.",
                hint="Change their role instead.",
            )
        member = ProjectMember(
            project_id=project_id,
            email=email,
            role=role,
            can_approve=can_approve,
            added_by=wb.actor.key,
        )
        session.add(member)
        note(f"Invited {email} as {role}" + (" with the approver right" if can_approve else ""))
        session.flush()
        return _member_info(member, session.get(User, email))


@guarded(Right.MANAGE, "member.changed", project=project_arg())
def change_member(
    wb: Workbench,
    project_id: int,
    email: str,
    *,
    role: str | None = None,
    can_approve: bool | None = None,
) -> MemberInfo:
    """Change a member's role and/or approver right; the last owner cannot step down."""
    email = clean_email(email)
    with wb.db.write() as session:
        member = _member(session, project_id, email)
        changes = []
        if role is not None and _role(role) != member.role:
            if member.role == Role.OWNER:
                _keep_an_owner(session, project_id, email)
            changes.append(f"role {member.role} → {_role(role)}")
            member.role = _role(role)
        if can_approve is not None and can_approve != member.can_approve:
            changes.append("approver right " + ("given" if can_approve else "taken away"))
            member.can_approve = can_approve
        if not changes:
            unchanged()
        note(f"{email}: " + "; ".join(changes))
        session.flush()
        return _member_info(member, session.get(User, email))


@guarded(Right.MANAGE, "member.removed", project=project_arg())
def remove_member(wb: Workbench, project_id: int, email: str) -> None:
    email = clean_email(email)
    with wb.db.write() as session:
        member = _member(session, project_id, email)
        if member.role == Role.OWNER:
            _keep_an_owner(session, project_id, email)
        note(f"Removed {email} ({member.role})")
        session.delete(member)


def _member(session: Session, project_id: int, email: str) -> ProjectMember:
    member = session.get(ProjectMember, (project_id, email))
    if member is None:
        raise NotFound(f"{email} is not a member of this project.")
    return member


def _keep_an_owner(session: Session, project_id: int, leaving: str) -> None:
    others = session.scalar(
        select(func.count())
        .select_from(ProjectMember)
        .where(
            ProjectMember.project_id == project_id,
            ProjectMember.role == Role.OWNER,
            ProjectMember.email != leaving,
        )
    )
    if not others:
        raise UserError(
            f"{leaving} is the project's only owner.",
            hint="Make someone else an owner first.",
        )


def _role(role: str) -> Role:
    try:
        return Role(str(role).strip().lower())
    except ValueError:
        raise UserError(
            f"Unknown role {role!r}; choose one of {', '.join(r.value for r in Role)}.",
            field="role",
        ) from None


def _user_info(user: User) -> UserInfo:
    return UserInfo(user.email, user.name, user.is_admin, user.created_at, user.last_seen_at)


def _member_info(member: ProjectMember, user: User | None) -> MemberInfo:
    return MemberInfo(
        member.email, (user.name if user else "") or member.email, member.role,
        member.can_approve, member.added_by, member.added_at, user is not None,
    )  # fmt: skip

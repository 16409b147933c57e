"""Who is acting: every service call carries one, so writes can be checked and recorded.

Local mode has one implicit person (``LOCAL``); team mode a signed-in user per browser
session; the CLI on the server machine is a named local admin; the worker acts for the
person who submitted the job.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ActorKind = Literal["local", "user", "cli", "system", "nobody"]


@dataclass(frozen=True)
class Actor:
    #: The identity recorded in the trail: an e-mail (lowercased) for a user, else a name.
    key: str
    #: What people read ("Ana Lima"); the key when the provider gave no name.
    name: str
    kind: ActorKind

    @property
    def is_admin_by_kind(self) -> bool:
        """The local user, the CLI and the system may do everything; users are looked up."""
        return self.kind in ("local", "cli", "system")

    @property
    def label(self) -> str:
        """Name and key, as the trail and the registry show it."""
        if self.kind == "user" and self.name and self.name != self.key:
            return f"{self.name} <{self.key}>"
        return self.name or self.key


#: The one person of local mode (laptop, localhost, no sign-in).
LOCAL = Actor("local", "local user", "local")
#: The workbench itself (migrations, the worker's bookkeeping, purging the trash).
SYSTEM = Actor("system", "workbench", "system")
#: No one signed in (team mode before sign-in): may change nothing.
NOBODY = Actor("nobody", "not signed in", "nobody")


def user_actor(email: str, name: str | None = None) -> Actor:
    """A signed-in person; the e-mail is the identity (lowercased, trimmed)."""
    key = email.strip().lower()
    return Actor(key, (name or "").strip() or key, "user")


def cli_actor(name: str) -> Actor:
    return Actor(name, name, "cli")


def actor_from_key(key: str | None) -> Actor:
    """Rebuild an actor from a stored key (a job's ``submitted_by``)."""
    if not key or key == LOCAL.key:
        return LOCAL
    if key == SYSTEM.key:
        return SYSTEM
    if key.startswith("cli:"):
        return cli_actor(key)
    if "@" in key:
        return user_actor(key)
    return NOBODY

"""Staff accounts, sessions, coach assignments and the audit log, on the store.

Plain functions over a :class:`relscale.store.engine.Store`, used by the page and by
``relscale serve --create-user``; none of them knows HTTP.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from relscale.errors import RelscaleError
from relscale.i18n import _
from relscale.store.web_tables import (
    COACH,
    COORDINATOR,
    ROLES,
    AuditEntry,
    CoachAssignment,
    User,
    WebSession,
)
from relscale.web.security import (
    MIN_PASSWORD,
    digest,
    hash_password,
    new_session_id,
    password_problem,
    verify_password,
)

if TYPE_CHECKING:
    from relscale.store.engine import Store

MAX_USER_TEXT = 100
"""Longest user name or name of an account (the store's columns hold 200)."""
SESSION_HOURS = 12
"""A staff session ends this long after sign-in, whatever happens."""


class AccountError(RelscaleError):
    """A user that cannot be made or changed (name taken, short password, unknown role)."""


@dataclass(frozen=True)
class StaffUser:
    id: int
    username: str
    name: str
    role: str

    @property
    def is_coordinator(self) -> bool:
        return self.role == COORDINATOR


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def aware(value: dt.datetime) -> dt.datetime:
    """SQLite gives naive datetimes back; every stored time is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def create_user(store: Store, username: str, name: str, role: str, password: str) -> StaffUser:
    """Make a staff account. :raises AccountError: a taken user name, an unknown role or a
    password the page refuses."""
    from sqlalchemy import insert, select

    username, name = username.strip(), name.strip()
    if not username:
        raise AccountError(_("a user name is needed"))
    for text in (username, name):
        if len(text) > MAX_USER_TEXT or any(c in text for c in "\r\n\t\x00"):
            raise AccountError(_("a user name or name is one line of at most {n} characters")
                               .format(n=MAX_USER_TEXT))
    if role not in ROLES:
        raise AccountError(_("unknown role {role!r}; choose one of {choices}").format(
            role=role, choices=", ".join(ROLES)))
    problem = password_problem(password)
    if problem:
        raise AccountError(_(problem).format(n=MIN_PASSWORD))
    with store.write() as conn:
        taken = conn.execute(select(User.id).where(User.username == username)).first()
        if taken:
            raise AccountError(_("the user name {name!r} is taken").format(name=username))
        new_id = conn.execute(insert(User).values(
            username=username, name=name or username, role=role,
            password_hash=hash_password(password), created_at=now()).returning(User.id)
        ).scalar_one()
    return StaffUser(int(new_id), username, name or username, role)


def list_users(store: Store) -> list[StaffUser]:
    from sqlalchemy import select

    with store.read() as conn:
        rows = conn.execute(select(User.id, User.username, User.name, User.role)
                            .where(User.disabled_at.is_(None)).order_by(User.username))
        return [StaffUser(*row) for row in rows]


def count_coordinators(store: Store) -> int:
    from sqlalchemy import func, select

    with store.read() as conn:
        return int(conn.execute(select(func.count()).select_from(User).where(
            User.role == COORDINATOR, User.disabled_at.is_(None))).scalar_one())


def authenticate(store: Store, username: str, password: str) -> StaffUser | None:
    """The user with this name and password, or None (in the same time either way)."""
    from sqlalchemy import select

    with store.read() as conn:
        row = conn.execute(select(User.id, User.username, User.name, User.role,
                                  User.password_hash)
                           .where(User.username == username.strip(),
                                  User.disabled_at.is_(None))).first()
    if not verify_password(row.password_hash if row else None, password) or row is None:
        return None
    return StaffUser(row.id, row.username, row.name, row.role)


def start_session(store: Store, user: StaffUser) -> str:
    """A new session for ``user``; returns the id for the cookie (stored as its digest)."""
    from sqlalchemy import delete, insert

    session_id = new_session_id()
    moment = now()
    with store.write() as conn:
        conn.execute(delete(WebSession).where(WebSession.expires_at < moment))
        conn.execute(insert(WebSession).values(
            id_sha256=digest(session_id), user_id=user.id, created_at=moment,
            expires_at=moment + dt.timedelta(hours=SESSION_HOURS)))
    return session_id


def session_user(store: Store, session_id: str | None) -> StaffUser | None:
    """The user of a live session, or None."""
    if not session_id or len(session_id) > 100:
        return None
    from sqlalchemy import select

    with store.read() as conn:
        row = conn.execute(select(User.id, User.username, User.name, User.role,
                                  WebSession.expires_at)
                           .join(WebSession, WebSession.user_id == User.id)
                           .where(WebSession.id_sha256 == digest(session_id),
                                  User.disabled_at.is_(None))).first()
    if row is None or aware(row.expires_at) <= now():
        return None
    return StaffUser(row.id, row.username, row.name, row.role)


def end_session(store: Store, session_id: str | None) -> None:
    from sqlalchemy import delete

    if session_id:
        with store.write() as conn:
            conn.execute(delete(WebSession).where(WebSession.id_sha256 == digest(session_id)))


def disable_user(store: Store, user_id: int, by: StaffUser) -> str:
    """Close an account (someone who left): it can no longer sign in, and its sessions
    end now. Returns the user name. :raises AccountError: one's own account, or no such
    account."""
    from sqlalchemy import delete, select, update

    if user_id == by.id:
        raise AccountError(_("you cannot close your own account"))
    with store.write() as conn:
        name = conn.execute(select(User.username).where(
            User.id == user_id, User.disabled_at.is_(None))).scalar_one_or_none()
        if name is None:
            raise AccountError(_("no such account"))
        conn.execute(update(User).where(User.id == user_id).values(disabled_at=now()))
        conn.execute(delete(WebSession).where(WebSession.user_id == user_id))
    return str(name)


# --- coaches -----------------------------------------------------------------------------


def assigned_codes(store: Store, user_id: int) -> set[str]:
    """The professional codes a coach may see."""
    from sqlalchemy import select

    with store.read() as conn:
        return set(conn.execute(select(CoachAssignment.professional_code)
                                .where(CoachAssignment.user_id == user_id)).scalars())


def assignments(store: Store) -> dict[int, set[str]]:
    """Every coach's professional codes."""
    from sqlalchemy import select

    found: dict[int, set[str]] = {}
    with store.read() as conn:
        for user_id, code in conn.execute(select(CoachAssignment.user_id,
                                                 CoachAssignment.professional_code)):
            found.setdefault(user_id, set()).add(code)
    return found


def set_assignments(store: Store, user_id: int, codes: set[str]) -> None:
    """Make ``codes`` the professionals a coach sees (a coordinator's decision)."""
    from sqlalchemy import delete, insert, select

    with store.write() as conn:
        role = conn.execute(select(User.role).where(User.id == user_id)).scalar_one_or_none()
        if role != COACH:
            raise AccountError(_("only a coach can be assigned professionals"))
        conn.execute(delete(CoachAssignment).where(CoachAssignment.user_id == user_id))
        if codes:
            conn.execute(insert(CoachAssignment), [
                {"user_id": user_id, "professional_code": code} for code in sorted(codes)])


# --- audit -------------------------------------------------------------------------------


def audit(store: Store, user: StaffUser | None, action: str, *, round_name: str | None = None,
          detail: str | None = None, client: str | None = None) -> None:
    """Record that ``user`` viewed, exported or changed something identifiable."""
    from sqlalchemy import insert

    with store.write() as conn:
        conn.execute(insert(AuditEntry).values(
            at=now(), username=user.username if user else None, action=action,
            round_name=round_name, detail=detail, client=client))


@dataclass(frozen=True)
class AuditRecord:
    at: dt.datetime
    username: str | None
    action: str
    round_name: str | None
    detail: str | None
    client: str | None
    id: int = 0


def audit_log(store: Store, limit: int = 500, before: int | None = None) -> list[AuditRecord]:
    """The latest entries of the audit log, newest first (``before``: older than the
    entry with that id, for the next page)."""
    from sqlalchemy import select

    query = select(AuditEntry.at, AuditEntry.username, AuditEntry.action,
                   AuditEntry.round_name, AuditEntry.detail, AuditEntry.client, AuditEntry.id)
    if before is not None:
        query = query.where(AuditEntry.id < before)
    with store.read() as conn:
        rows = conn.execute(query.order_by(AuditEntry.id.desc()).limit(limit))
        return [AuditRecord(aware(r[0]), *r[1:]) for r in rows]

"""The page's own tables (``relscale serve``): staff accounts, sessions, coach
assignments, respondent links, answers given online before they are sent, and the audit
log. They hang off the rounds tables (:mod:`relscale.store.models`) and add no second
data model: a sent online questionnaire is a submission like a collected form.

Secrets are stored as SHA-256 digests only (session ids, respondent tokens and codes) and
passwords as argon2 hashes, so a copy of the database lets no one sign in or open a link;
the short codes (40 bits) can be found from their digests by trying them all.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from relscale.store.models import CODE, NAME, Base

COORDINATOR = "coordinator"
COACH = "coach"
ROLES = (COORDINATOR, COACH)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


class User(Base):
    """A staff account: a coordinator runs rounds, a coach sees assigned professionals."""

    __tablename__ = "web_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(NAME), unique=True)
    name: Mapped[str] = mapped_column(String(NAME))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    disabled_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class WebSession(Base):
    """A signed-in browser: the cookie holds a random id, this row its digest."""

    __tablename__ = "web_sessions"

    id_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_users.id", ondelete="CASCADE"),
                                         index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class CoachAssignment(Base):
    """A professional (by code, across rounds) whose profiles a coach may see."""

    __tablename__ = "web_coach_assignments"

    user_id: Mapped[int] = mapped_column(ForeignKey("web_users.id", ondelete="CASCADE"),
                                         primary_key=True)
    professional_code: Mapped[str] = mapped_column(String(CODE), primary_key=True)


class RespondentLink(Base):
    """A link ``/r/TOKEN`` and a short code for one form: valid for that form only, for
    one submission, until it expires or is revoked."""

    __tablename__ = "web_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("forms.id", ondelete="CASCADE"),
                                         index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    code_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class OnlineAnswer(Base):
    """An answer given online, saved the moment it is given; the latest per item counts.
    Sending the questionnaire turns them into a submission (``submissions``/``answers``)."""

    __tablename__ = "web_answers"

    link_id: Mapped[int] = mapped_column(ForeignKey("web_links.id", ondelete="CASCADE"),
                                         primary_key=True)
    item: Mapped[str] = mapped_column(String(NAME), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)
    answered_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class AuditEntry(Base):
    """Who viewed or exported identifiable data, or changed what, and when."""

    __tablename__ = "web_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now, index=True)
    username: Mapped[str | None] = mapped_column(String(NAME))
    action: Mapped[str] = mapped_column(String(40))
    round_name: Mapped[str | None] = mapped_column(String(NAME))
    detail: Mapped[str | None] = mapped_column(Text)
    client: Mapped[str | None] = mapped_column(String(64))

"""The tables of a relscale store, as SQLAlchemy 2 declarative models.

One store holds any number of measurement rounds. Everything of a round hangs off its
``rounds`` row and is deleted with it (``ON DELETE CASCADE``); names live in ``names``
only, so forgetting them is one ``DELETE``. See ``docs/rounds.md`` for what each table
holds and why.

The migrations in :mod:`relscale.store.migrations` create exactly these tables
(``tests/test_store.py`` compares the two); a change here is a new migration there.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
"""Constraint names, so migrations can name what they change on every database."""

CODE = 100
"""Longest professional or client code (characters)."""
NAME = 200
"""Longest name (characters)."""

# answer states: a skipped item is not a 'does not apply'
ANSWERED = "answered"
NOT_APPLICABLE = "not_applicable"
SKIPPED = "skipped"
ANSWER_STATES = (ANSWERED, NOT_APPLICABLE, SKIPPED)

PROFESSIONAL = "professional"
CLIENT = "client"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


class Round(Base):
    """A measurement round: a roster of pairs, the instruments, the forms issued."""

    __tablename__ = "rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(32), unique=True)
    """Random id written on every form of the round (a form names its round by it)."""
    name: Mapped[str] = mapped_column(String(NAME), unique=True)
    sector: Mapped[str] = mapped_column(String(NAME))
    """The default sector (a roster row may name another)."""
    locale: Mapped[str] = mapped_column(String(35))
    """The default form language (a roster row may name another)."""
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    relscale_version: Mapped[str] = mapped_column(String(40))
    roster_file: Mapped[str | None] = mapped_column(String(NAME))
    """The roster's file name (no folder)."""
    roster_sha256: Mapped[str | None] = mapped_column(String(64))


class RoundInstrument(Base):
    """An instrument perspective a round uses: the professional's report and, where the
    sector offers one, the client's report on the same relationship."""

    __tablename__ = "round_instruments"
    __table_args__ = (UniqueConstraint("round_id", "instrument", "perspective"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"),
                                          index=True)
    instrument: Mapped[str] = mapped_column(String(NAME))
    perspective: Mapped[str] = mapped_column(String(20))
    version: Mapped[str] = mapped_column(String(40))
    """The instrument version when the round was made (forms carry it too)."""
    report_of: Mapped[str] = mapped_column(String(NAME))
    """The professional instrument this one belongs to (itself for the professional's)."""
    position: Mapped[int] = mapped_column(Integer)


class NormTableRecord(Base):
    """A norm table as used: the whole table (JSON), so a score can always be traced to
    the very table, SD and reliability it was placed with."""

    __tablename__ = "norm_tables"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    instrument: Mapped[str] = mapped_column(String(NAME))
    sector: Mapped[str] = mapped_column(String(NAME))
    perspective: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    content: Mapped[str] = mapped_column(Text)
    """:class:`relscale.model.models.NormTable` as JSON."""


class RoundNorm(Base):
    """Norm tables given for a round (``round new --norms``): used before registered ones."""

    __tablename__ = "round_norms"

    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"),
                                          primary_key=True)
    norm_table_id: Mapped[int] = mapped_column(ForeignKey("norm_tables.id"), primary_key=True)


class Pair(Base):
    """One row of the roster: a professional and a client (codes only)."""

    __tablename__ = "pairs"
    __table_args__ = (UniqueConstraint("round_id", "professional_code", "client_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"),
                                          index=True)
    professional_code: Mapped[str] = mapped_column(String(CODE))
    client_code: Mapped[str] = mapped_column(String(CODE))
    group_name: Mapped[str | None] = mapped_column(String(NAME))
    sector: Mapped[str] = mapped_column(String(NAME))
    locale: Mapped[str] = mapped_column(String(35))
    roster_row: Mapped[int | None] = mapped_column(Integer)


class Name(Base):
    """A name for a code, kept apart so that ``forget-names`` removes every one."""

    __tablename__ = "names"
    __table_args__ = (UniqueConstraint("round_id", "role", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"),
                                          index=True)
    role: Mapped[str] = mapped_column(String(20))
    """``professional`` or ``client``."""
    code: Mapped[str] = mapped_column(String(CODE))
    name: Mapped[str] = mapped_column(String(NAME))


class Form(Base):
    """A form issued: one pair x instrument perspective, with the key its file carries."""

    __tablename__ = "forms"
    __table_args__ = (UniqueConstraint("pair_id", "round_instrument_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    """Random id in the form's metadata: reading the form back finds this row."""
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"),
                                          index=True)
    pair_id: Mapped[int] = mapped_column(ForeignKey("pairs.id", ondelete="CASCADE"),
                                         index=True)
    round_instrument_id: Mapped[int] = mapped_column(
        ForeignKey("round_instruments.id", ondelete="CASCADE"))
    instrument: Mapped[str] = mapped_column(String(NAME))
    perspective: Mapped[str] = mapped_column(String(20))
    sector: Mapped[str] = mapped_column(String(NAME))
    locale: Mapped[str] = mapped_column(String(35))
    file: Mapped[str | None] = mapped_column(String(500))
    """Where ``round forms`` wrote it, relative to its output folder (codes only)."""
    issued_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Submission(Base):
    """One version of a form's answers. A changed re-submission is a new version; the
    highest version is the current one, earlier ones are kept."""

    __tablename__ = "submissions"
    __table_args__ = (UniqueConstraint("form_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("forms.id", ondelete="CASCADE"),
                                         index=True)
    version: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    """Of the answers as given and the date: the same content is not stored twice."""
    source: Mapped[str] = mapped_column(String(500))
    """File name (and row, for a table) it was read from, or ``web``."""
    source_kind: Mapped[str] = mapped_column(String(20))
    """``form``, ``scoring_sheet``, ``platform``, ``table`` or ``web``."""
    filled_on: Mapped[str | None] = mapped_column(String(40))
    """The date on the form, as given."""
    instrument_version: Mapped[str] = mapped_column(String(40))
    locale: Mapped[str | None] = mapped_column(String(35))
    status: Mapped[str] = mapped_column(String(20))
    """``scored``, ``incomplete`` or ``rejected`` (as ``relscale score``)."""
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class Answer(Base):
    """One answer as given: a value, 'does not apply' (its code kept), or skipped."""

    __tablename__ = "answers"

    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True)
    item: Mapped[str] = mapped_column(String(NAME), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    value: Mapped[int | None] = mapped_column(Integer)
    """The answer code as given (the 'does not apply' code too); NULL when skipped."""
    state: Mapped[str] = mapped_column(String(20))
    """``answered``, ``not_applicable`` or ``skipped``."""


class Score(Base):
    """A scale score of a submission, placed in the norm table it was placed with."""

    __tablename__ = "scores"

    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True)
    dimension: Mapped[str] = mapped_column(String(NAME), primary_key=True)
    raw: Mapped[float | None] = mapped_column(Float)
    answered: Mapped[int] = mapped_column(Integer)
    percentile: Mapped[float | None] = mapped_column(Float)
    t: Mapped[float | None] = mapped_column(Float)
    band: Mapped[str | None] = mapped_column(String(NAME))
    """The band label as in the norm table (English; translated when shown)."""
    norm_table_id: Mapped[int | None] = mapped_column(ForeignKey("norm_tables.id"))

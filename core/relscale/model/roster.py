"""The roster of a measurement round: one row per professional-client pair.

A roster is a CSV or xlsx table with these columns (a header row, names as below):

==================== ========= ===========================================================
column               required  holds
==================== ========= ===========================================================
professional_code    yes       the professional's code (teacher, foster-home parent, ...)
client_code          yes       the child's or client's code
professional_name    no        the professional's name, printed on the forms
client_name          no        the child's or client's name, printed on the forms
group                no        class, home or team, for the status and the summary
sector               no        the pair's sector id (default: the round's ``--sector``)
locale               no        the pair's form language (default: the round's ``--locale``)
==================== ========= ===========================================================

:class:`RosterRow` is one row; :func:`relscale.rounds.roster.read_roster` reads a file and
checks it (duplicates, unknown sectors and locales, a code with two names).
``relscale schema roster`` prints the JSON Schema of a roster as rows of these objects.
"""

from __future__ import annotations

from pydantic import Field, RootModel

from relscale.model.base import Model

CODE_PATTERN = r"^[^\s<>=+@\-\t\r\n][^\t\r\n]*$"
"""A code: one line, no leading blank, not starting like a formula (``= + - @``) or markup."""

ROSTER_COLUMNS = ("professional_code", "client_code", "professional_name", "client_name",
                  "group", "sector", "locale")
REQUIRED_COLUMNS = ("professional_code", "client_code")


class RosterRow(Model):
    """One professional-client pair of a round."""

    professional_code: str = Field(min_length=1, max_length=100, pattern=CODE_PATTERN,
                                   description="The professional's code (no name needed).")
    client_code: str = Field(min_length=1, max_length=100, pattern=CODE_PATTERN,
                             description="The child's or client's code.")
    professional_name: str | None = Field(
        default=None, max_length=200, description="Printed on the forms; stored apart from "
        "the codes and removable (relscale round forget-names).")
    client_name: str | None = Field(default=None, max_length=200,
                                    description="Printed on the forms; stored apart, removable.")
    group: str | None = Field(default=None, max_length=200,
                              description="Class, home or team.")
    sector: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$",
                               description="Sector id; default the round's sector.")
    locale: str | None = Field(default=None, pattern=r"^[A-Za-z]{2,3}([_-][A-Za-z0-9]+)*$",
                               description="Form language, e.g. nl or en; default the "
                               "round's locale.")


class RosterRows(RootModel[list[RosterRow]]):
    """A roster: its rows (the file's header names the fields)."""

"""One problem a plugin check found: the file, the entry in it, and what is wrong."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """A problem in a plugin, in plain words.

    ``file`` is the path of the file at fault (``sector.toml``, a PO file, a norm table,
    ``pyproject.toml``), ``entry`` the thing in it (an item ``working_alliance/client:
    wac03``, a message context ``wac03|rationale``, a field), ``message`` what is wrong.
    """

    file: str
    entry: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.entry}: {self.message}"

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

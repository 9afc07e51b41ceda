"""Reading and writing a plugin's PO files with babel.

The plugin kit needs only this much of the translation tooling; it uses babel directly so
that it depends on nothing above :mod:`relscale.i18n` (``relscale i18n update`` adds the
translators' notes and source lines to a catalog written here).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from relscale.errors import RelscaleError
from relscale.i18n import _
from relscale.model.messages import sector_messages

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

    from relscale.model.models import Sector


def sector_entries(sector: Sector) -> list[tuple[str, str]]:
    """(context, English source) of every message of the sector, once each."""
    return list(dict.fromkeys(sector_messages(sector)))


def new_po(domain: str, locale: str, project: str) -> Catalog:
    from babel.messages.catalog import Catalog

    return Catalog(locale=locale, domain=domain, project=project, version="0.1.0",
                   copyright_holder=project, fuzzy=False)


def read_po(path: Path) -> Catalog:
    """A PO file; a syntax error is one line naming the file and line."""
    from babel.messages.pofile import PoFileError
    from babel.messages.pofile import read_po as babel_read_po

    try:
        with open(path, "rb") as fh:
            return babel_read_po(fh, abort_invalid=True)
    except PoFileError as exc:
        raise RelscaleError(_("{path}, line {line}").format(path=path, line=exc.lineno + 1)
                            + f": {exc}") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise RelscaleError(f"{path}: {exc}") from None


def write_po(catalog: Catalog, path: Path) -> None:
    from babel.messages.pofile import write_po as babel_write_po

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        babel_write_po(fh, catalog, width=96)

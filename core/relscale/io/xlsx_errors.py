"""Why a workbook cannot be opened, in words a user can act on.

openpyxl reports an encrypted (password-protected) workbook as ``BadZipFile``: Excel
saves those as an OLE compound file, not a zip. :func:`unreadable_reason` looks at the
file's first bytes and says so.
"""

from __future__ import annotations

from pathlib import Path

from relscale.i18n import _

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""The first bytes of an OLE compound file: an encrypted .xlsx, or an old .xls."""


def unreadable_reason(path: Path | str, exc: BaseException) -> str:
    """The reason to show for a workbook openpyxl could not open."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(OLE_MAGIC))
    except OSError:
        head = b""
    if head == OLE_MAGIC:
        return _("an encrypted/password-protected workbook or an old .xls file: save it "
                 "without a password as .xlsx")
    text = str(exc).splitlines()[0] if str(exc) else ""
    return text or type(exc).__name__

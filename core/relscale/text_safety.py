"""Characters that are no wording: control, format (bidi overrides and isolates,
zero-width marks), line and paragraph separators, private use.

A code from the data can hold a right-to-left override: ``exe<U+202E>gnp.png`` shows as
``exepng.exe``... on a printed profile. Where such text is shown to a reader (a profile
page, a comment in a generated script) these characters are written as ``<U+202E>``;
where a format has an escape (an R string) they are escaped; data columns keep them.
A sheet name made from a code (:func:`sheet_name_from`) drops them, with whatever else a
sheet name cannot hold.
"""

from __future__ import annotations

import unicodedata

INVISIBLE_CATEGORIES = ("Cc", "Cf", "Cs", "Co", "Zl", "Zp")


def invisible(ch: str) -> bool:
    """A character of :data:`INVISIBLE_CATEGORIES` (tab and line feed excepted): R refuses
    the bidi ones in a script ("bidi formatting not allowed"), and none is wording a
    reader sees."""
    return ch not in "\t\n" and unicodedata.category(ch) in INVISIBLE_CATEGORIES


def shown_code_points(text: str) -> str:
    """``text`` with each :func:`invisible` character written as ``<U+202E>``."""
    if text.isascii() and text.isprintable():
        return text
    return "".join(f"<U+{ord(ch):04X}>" if invisible(ch) else ch for ch in text)


def sheet_name_from(text: str, used: set[str], fallback: str = "sheet") -> str:
    """A sheet name made from data, valid and unique: NFC (``José`` typed two ways is one
    name), control and direction characters dropped, ``[ ] : * ? / \\`` as ``_``, no
    quote or space at either end, at most 31 characters, and not among ``used``
    (casefolded names: sheet names ignore case) nor Excel's reserved ``History``; a
    repeat gets `` (2)``, `` (3)``, ... The name is added to ``used``."""
    text = unicodedata.normalize("NFC", text)
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in text
                    if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co"))
    clean = clean.strip(" '") or fallback
    name = clean[:31].strip(" '") or fallback
    k = 2
    while name.casefold() in used or name.casefold() == "history":
        suffix = f" ({k})"
        name = clean[: 31 - len(suffix)].rstrip(" '") + suffix
        k += 1
    used.add(name.casefold())
    return name

"""Characters that are no wording: control, format (bidi overrides and isolates,
zero-width marks), line and paragraph separators, private use.

A code from the data can hold a right-to-left override: ``exe<U+202E>gnp.png`` shows as
``exepng.exe``... on a printed profile. Where such text is shown to a reader (a profile
page, a comment in a generated script) these characters are written as ``<U+202E>``;
where a format has an escape (an R string) they are escaped; data columns keep them.
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

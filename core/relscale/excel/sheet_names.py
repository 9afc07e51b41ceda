"""Sheet names made from data (a pair's codes), valid and unique.

Sheet names from catalogs are checked by :meth:`relscale.excel.sheet.Workbook.add_sheet`
(a bad one is the catalog's fault, reported); a name made from a respondent's code is
made valid instead: ``a1`` and ``A1`` are one name to Excel, a code may end in a quote.
"""

from __future__ import annotations


def sheet_name_from(text: str, used: set[str], fallback: str = "sheet") -> str:
    """A sheet name made from data, valid and unique: NFC (``José`` typed two ways is one
    name), control and direction characters dropped, ``[ ] : * ? / \\`` as ``_``, no
    quote or space at either end, at most 31 characters, and not among ``used``
    (casefolded names: sheet names ignore case) nor Excel's reserved ``History``; a
    repeat gets `` (2)``, `` (3)``, ... The name is added to ``used``."""
    import unicodedata

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

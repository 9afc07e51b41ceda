"""How wide text prints: advance widths of the font LibreOffice falls back on.

relscale's workbooks name Arial; LibreOffice prints it as Liberation Sans where that is
installed and otherwise as DejaVu Sans, whose letters are about 14 % wider (a fresh
Debian with ``libreoffice-calc-nogui``, as in CI, has only DejaVu). Row heights and font
sizes measured with DejaVu Sans therefore fit under every font a printout gets: a line
that fits in DejaVu Sans fits in Arial and Liberation Sans.

The widths are DejaVu Sans' ``hmtx`` advances (units of 1/2048 em) for U+0020-007E and
U+00A0-017F, regular and bold, and a few punctuation marks and shapes; anything else counts
as one em. Column widths convert at 7 points per unit of Excel's column width, as
LibreOffice prints them (measured), less the cell's padding.
"""

from __future__ import annotations

from functools import lru_cache

UNITS_PER_EM = 2048
POINTS_PER_COLUMN_UNIT = 7.0
"""A column ``w`` units wide prints ``7 w`` points wide (LibreOffice, measured on the PDF)."""
CELL_PADDING_PT = 4.0
"""Room a cell keeps free beside its text (both sides together), with a small reserve."""
LINE_HEIGHT_EM = 1.2
"""A line of wrapped text: DejaVu Sans' ascent and descent (1.164 em), rounded up."""
_RANGES = ((32, 127), (160, 384))

_REGULAR = (
    "651 821 942 1716 1303 1946 1597 563 799 799 1024 1716 651 739 651 690 1303 1303 1303 "
    "1303 1303 1303 1303 1303 1303 1303 690 690 1716 1716 1716 1087 2048 1401 1405 1430 1577 "
    "1294 1178 1587 1540 604 604 1343 1141 1767 1532 1612 1235 1612 1423 1300 1251 1499 1401 "
    "2025 1403 1251 1403 799 690 799 1716 1024 1024 1255 1300 1126 1300 1260 721 1300 1298 "
    "569 569 1186 569 1995 1298 1253 1300 1300 842 1067 803 1298 1212 1675 1212 1212 1075 "
    "1303 690 1303 1716 "
    "651 821 1303 1303 1303 1303 690 1024 1024 2048 965 1253 1716 739 2048 1024 1024 1716 821 "
    "821 1024 1303 1303 651 1024 821 965 1253 1985 1985 1985 1087 1401 1401 1401 1401 1401 "
    "1401 1995 1430 1294 1294 1294 1294 604 604 604 604 1587 1532 1612 1612 1612 1612 1612 "
    "1716 1612 1499 1499 1499 1499 1251 1239 1290 1255 1255 1255 1255 1255 1255 2011 1126 "
    "1260 1260 1260 1260 569 569 569 569 1253 1298 1253 1253 1253 1253 1253 1716 1253 1298 "
    "1298 1298 1298 1212 1300 1212 1401 1255 1401 1255 1401 1255 1430 1126 1430 1126 1430 "
    "1126 1430 1126 1577 1300 1587 1300 1294 1260 1294 1260 1294 1260 1294 1260 1294 1260 "
    "1587 1300 1587 1300 1587 1300 1587 1300 1540 1298 1876 1423 604 569 604 569 604 569 604 "
    "569 604 569 1208 1138 604 569 1343 1186 1186 1141 569 1141 569 1141 768 1141 700 1151 "
    "582 1532 1298 1532 1298 1532 1298 1666 1532 1298 1612 1253 1612 1253 1612 1253 2191 2095 "
    "1423 842 1423 842 1423 842 1300 1067 1300 1067 1300 1067 1300 1067 1251 803 1251 803 "
    "1251 803 1499 1298 1499 1298 1499 1298 1499 1298 1499 1298 1499 1298 2025 1675 1251 1212 "
    "1251 1403 1075 1403 1075 1403 1075 721 "
)
_REGULAR_EXTRA = {
    '–': 1024, '—': 2048, '‘': 651, '’': 651, '“': 1061, '”': 1061, '„': 1061, '‚': 651,
    '…': 2048, '•': 1208, '●': 1787, '○': 1787, '▲': 1575, '△': 1575, '■': 1935, '□': 1935,
    '€': 1303, '\u2060': 0, '\u2009': 409, '\u202f': 409, '\u200b': 0,
}
_BOLD = (
    "713 934 1067 1716 1425 2052 1786 627 936 936 1071 1716 778 850 778 748 1425 1425 1425 "
    "1425 1425 1425 1425 1425 1425 1425 819 819 1716 1716 1716 1188 2048 1585 1561 1503 1700 "
    "1399 1399 1681 1714 762 762 1587 1305 2038 1714 1741 1501 1741 1577 1475 1397 1663 1585 "
    "2259 1579 1483 1485 936 748 936 1716 1024 1024 1382 1466 1214 1466 1389 891 1466 1458 "
    "702 702 1362 702 2134 1458 1407 1466 1466 1010 1219 979 1458 1335 1892 1321 1335 1192 "
    "1458 748 1458 1716 "
    "713 934 1425 1425 1303 1425 748 1024 1024 2048 1155 1323 1716 850 2048 1024 1024 1716 "
    "897 897 1024 1507 1303 778 1024 897 1155 1323 2120 2120 2120 1188 1585 1585 1585 1585 "
    "1585 1585 2222 1503 1399 1399 1399 1399 762 762 762 762 1716 1714 1741 1741 1741 1741 "
    "1741 1716 1741 1663 1663 1663 1663 1483 1511 1473 1382 1382 1382 1382 1382 1382 2146 "
    "1214 1389 1389 1389 1389 702 702 702 702 1407 1458 1407 1407 1407 1407 1407 1716 1407 "
    "1458 1458 1458 1458 1335 1466 1335 1585 1382 1585 1382 1585 1382 1503 1214 1503 1214 "
    "1503 1214 1503 1214 1700 1466 1716 1466 1399 1389 1399 1389 1399 1389 1399 1389 1399 "
    "1389 1681 1466 1681 1466 1681 1466 1681 1466 1714 1458 1994 1618 762 702 762 702 762 702 "
    "762 702 762 702 1524 1404 762 702 1587 1362 1362 1305 702 1305 702 1305 982 1305 1140 "
    "1315 760 1714 1458 1714 1458 1714 1458 2013 1714 1458 1741 1407 1741 1407 1741 1407 2390 "
    "2241 1577 1010 1577 1010 1577 1010 1475 1219 1475 1219 1475 1219 1475 1219 1397 979 1397 "
    "979 1397 979 1663 1458 1663 1458 1663 1458 1663 1458 1663 1458 1663 1458 2259 1892 1483 "
    "1335 1483 1485 1192 1485 1192 1485 1192 891 "
)
_BOLD_EXTRA = {
    '–': 1024, '—': 2048, '‘': 778, '’': 778, '“': 1346, '”': 1346, '„': 1346, '‚': 778,
    '…': 2048, '•': 1309, '●': 1787, '○': 1787, '▲': 1575, '△': 1575, '■': 1935, '□': 1935,
    '€': 1425, '\u2060': 0, '\u2009': 409, '\u202f': 409, '\u200b': 0,
}


@lru_cache(maxsize=2)
def _widths(bold: bool) -> dict[str, int]:
    table = (_BOLD if bold else _REGULAR)
    values = [int(x) for x in "".join(table).split()]
    widths: dict[str, int] = {}
    k = 0
    for lo, hi in _RANGES:
        for code in range(lo, hi):
            widths[chr(code)] = values[k]
            k += 1
    widths.update(_BOLD_EXTRA if bold else _REGULAR_EXTRA)
    return widths


MONOSPACED = frozenset({"Consolas", "Courier New", "Courier", "DejaVu Sans Mono",
                        "Liberation Mono"})
MONOSPACE_EM = 1233 / UNITS_PER_EM
"""Every character of DejaVu Sans Mono (the fallback for Consolas and Courier New)."""


def text_width(text: str, size: float, *, bold: bool = False, font: str | None = None) -> float:
    """Printed width of ``text`` (one line) in points at ``size`` points (``font``: a
    monospaced one counts every character alike)."""
    if font in MONOSPACED:
        return len(text) * MONOSPACE_EM * size
    widths = _widths(bold)
    return sum(widths.get(ch, UNITS_PER_EM) for ch in text) * size / UNITS_PER_EM


def column_points(units: float) -> float:
    """The room for text in a column (or merged columns) ``units`` wide, in points."""
    return max(1.0, units * POINTS_PER_COLUMN_UNIT - CELL_PADDING_PT)


def line_count(text: str, width_pt: float, size: float, *, bold: bool = False,
               font: str | None = None) -> int:
    """Lines ``text`` takes wrapped greedily at spaces into ``width_pt`` points, as the
    spreadsheet wraps (a no-break space holds words together; a word wider than the line
    is broken, and takes as many lines as it needs)."""
    space = text_width(" ", size, bold=bold, font=font)
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        used = 0.0
        for word in (w for w in paragraph.split(" ") if w):
            w = text_width(word, size, bold=bold, font=font)
            if used and used + space + w <= width_pt:
                used += space + w
                continue
            if used:
                lines += 1
            while w > width_pt:  # a word wider than a line breaks
                lines += 1
                w -= width_pt
            used = w
    return max(1, lines)


def fits_on_a_line(text: str, width_pt: float, size: float, *, bold: bool = False) -> bool:
    return text_width(text, size, bold=bold) <= width_pt


def widest_word(texts: list[str] | tuple[str, ...], size: float, *, bold: bool = False,
                font: str | None = None) -> float:
    """The widest single word of ``texts`` in points: what a column must hold unbroken."""
    return max((text_width(w, size, bold=bold, font=font) for t in texts for w in t.split()),
               default=0.0)

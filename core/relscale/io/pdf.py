"""A small PDF writer for vector pages: rectangles, lines and text in Helvetica.

relscale draws its printable answer cards (:mod:`relscale.workbooks.answer_cards`) with
this writer instead of going through LibreOffice: the cards need no office suite on the
machine that prints them, the bytes are the same on every run (no dates, fixed object
order), and a page is a few kilobytes of drawing operators that any PDF viewer or printer
renders in black and white.

What it supports is what the cards need: pages of any size (points, origin bottom left),
filled or stroked rectangles, lines (optionally dashed), grey levels, and single-line text
in the PDF standard fonts Helvetica and Helvetica-Bold (not embedded: every PDF reader
has them, or a metric-compatible substitute) with the characters of Windows-1252, which
covers Dutch and the other Western European languages; other characters print as ``?``.
:func:`text_width` measures a string with the fonts' published metrics.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

A4_PORTRAIT = (595.28, 841.89)
A4_LANDSCAPE = (841.89, 595.28)

# Advance widths (1/1000 em) of ASCII 32..126 in the standard Helvetica fonts (Adobe AFM).
_REGULAR = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
)
_BOLD = (
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
)
FONTS = {"regular": ("F1", "Helvetica", _REGULAR), "bold": ("F2", "Helvetica-Bold", _BOLD)}


def _width_of(char: str, widths: tuple[int, ...]) -> int:
    code = ord(char)
    if 32 <= code <= 126:
        return widths[code - 32]
    base = unicodedata.normalize("NFKD", char)[:1]  # é -> e: accents take the base width
    if base and 32 <= ord(base) <= 126:
        return widths[ord(base) - 32]
    return widths[ord("?") - 32]


def text_width(text: str, size: float, font: str = "regular") -> float:
    """The width of ``text`` in points at ``size`` in ``font`` (``regular`` or ``bold``)."""
    widths = FONTS[font][2]
    return sum(_width_of(c, widths) for c in text) * size / 1000.0


def _number(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


@dataclass
class Page:
    """One page; draw on it with the methods below (coordinates in points, y upwards)."""

    width: float
    height: float
    ops: list[bytes] = field(default_factory=list)

    def rect(self, x: float, y: float, w: float, h: float, *, fill: float | None = None,
             stroke: float | None = None, line_width: float = 1.0) -> None:
        """A rectangle, filled with grey level ``fill`` (0 black .. 1 white) and/or
        outlined in grey level ``stroke``."""
        ops = [f"q {_number(line_width)} w"]
        if fill is not None:
            ops.append(f"{_number(fill)} g")
        if stroke is not None:
            ops.append(f"{_number(stroke)} G")
        paint = "B" if fill is not None and stroke is not None else "f" if fill is not None else "S"
        ops.append(f"{_number(x)} {_number(y)} {_number(w)} {_number(h)} re {paint} Q")
        self.ops.append(" ".join(ops).encode("ascii"))

    def line(self, x1: float, y1: float, x2: float, y2: float, *, grey: float = 0.0,
             line_width: float = 1.0, dash: tuple[float, float] | None = None) -> None:
        """A straight line; ``dash`` = (on, off) lengths for a dashed one."""
        pattern = f"[{_number(dash[0])} {_number(dash[1])}] 0 d " if dash else ""
        self.ops.append(
            f"q {_number(line_width)} w {_number(grey)} G {pattern}{_number(x1)} {_number(y1)} m "
            f"{_number(x2)} {_number(y2)} l S Q".encode("ascii"))

    def text(self, x: float, y: float, text: str, *, size: float, font: str = "regular",
             grey: float = 0.0, align: str = "left") -> None:
        """One line of text with its baseline at ``y``; ``align`` left, center or right
        of ``x``."""
        name = FONTS[font][0]
        if align != "left":
            shift = text_width(text, size, font)
            x -= shift / 2 if align == "center" else shift
        self.ops.append(
            f"BT /{name} {_number(size)} Tf {_number(grey)} g {_number(x)} {_number(y)} Td ".encode(
                "ascii") + _pdf_string(text) + b" Tj ET")


@dataclass
class Document:
    """A PDF document: :meth:`page` adds pages, :meth:`to_bytes` writes it."""

    title: str = ""
    producer: str = "relscale"
    pages: list[Page] = field(default_factory=list)

    def page(self, size: tuple[float, float] = A4_PORTRAIT) -> Page:
        new = Page(*size)
        self.pages.append(new)
        return new

    def to_bytes(self) -> bytes:
        """The PDF file (version 1.4): catalog, page tree, fonts, pages, info, xref."""
        objects: list[bytes] = []

        def add(body: bytes) -> int:
            objects.append(body)
            return len(objects)

        catalog = add(b"")  # filled in below, once the page tree's number is known
        pages_id = add(b"")
        fonts = {key: add(f"<< /Type /Font /Subtype /Type1 /BaseFont /{base} "
                          "/Encoding /WinAnsiEncoding >>".encode("ascii"))
                 for key, (_n, base, _w) in FONTS.items()}
        resources = ("<< /Font << " + " ".join(
            f"/{FONTS[k][0]} {n} 0 R" for k, n in fonts.items()) + " >> >>")
        kids = []
        for page in self.pages:
            content = b"\n".join(page.ops)
            stream = add(b"<< /Length %d >>\nstream\n" % len(content) + content
                         + b"\nendstream")
            kids.append(add(
                f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 {_number(page.width)} "
                f"{_number(page.height)}] /Resources {resources} /Contents {stream} 0 R >>"
                .encode("ascii")))
        objects[catalog - 1] = f"<< /Type /Catalog /Pages {pages_id} 0 R >>".encode("ascii")
        objects[pages_id - 1] = (f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] "
                                 f"/Count {len(kids)} >>").encode("ascii")
        info = add(b"<< /Title " + _pdf_string(self.title) + b" /Producer "
                   + _pdf_string(self.producer) + b" >>")
        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, body in enumerate(objects, start=1):
            offsets.append(len(out))
            out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
        out += (b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
                % (len(objects) + 1, catalog, info, xref))
        return bytes(out)

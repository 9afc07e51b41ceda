"""The style table (``xl/styles.xml``) of the workbook writer, :mod:`relscale.excel.xlsx`.

A :class:`StyleTable` turns a named :class:`relscale.excel.sheet.Style` (plus the cell's
``locked`` flag, and the border a merged range gives its covered cells) into a cell-format
index, adding fonts, fills, borders and number formats once each: the default font, fills
and cell style spreadsheets expect, colours as ``00RRGGBB``. No openpyxl here.
"""

from __future__ import annotations

from relscale.excel.sheet import Style

BorderSides = tuple[tuple[str, str | None] | None, ...]
"""Left, right, top, bottom: ``(style, colour)`` or None for no line."""
NO_BORDER: BorderSides = (None, None, None, None)
_SIDES = ("left", "right", "top", "bottom")

# Excel's built-in number formats that relscale's styles use (any other is a custom one)
_BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9,
                    "0.00%": 10, "0.00E+00": 11, "mm-dd-yy": 14, "h:mm": 20, "h:mm:ss": 21,
                    "@": 49}
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd h:mm:ss"
_DEFAULT_FONT = ('<font><name val="Calibri"/><family val="2"/><color theme="1"/>'
                 '<sz val="11"/><scheme val="minor"/></font>')
_DEFAULT_FILLS = ('<fill><patternFill/></fill>',
                  '<fill><patternFill patternType="gray125"/></fill>')


def escape_text(text: str) -> str:
    """Text for an XML element (a carriage return kept as a character reference)."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", "&#13;"))


def escape_attr(text: str) -> str:
    """Text for a double-quoted XML attribute (line breaks and tabs kept)."""
    return (escape_text(text).replace('"', "&quot;").replace("\n", "&#10;")
            .replace("\t", "&#9;"))


def number(x: float) -> str:
    """``18.0`` -> ``18``, ``9.6`` -> ``9.6``: 16 significant digits, as openpyxl writes."""
    return str(int(x)) if float(x).is_integer() else f"{x:.16g}"


def color(rgb: str) -> str:
    """``RRGGBB`` -> ``00RRGGBB`` (as openpyxl writes it); an ``AARRGGBB`` stays."""
    return rgb if len(rgb) == 8 else "00" + rgb


def style_border(style: Style | None) -> BorderSides:
    """The four sides a named style draws."""
    if style is None or not (style.border or style.border_bottom):
        return NO_BORDER
    line = style.border or style.border_bottom
    assert line is not None
    side = (line, style.border_color)
    return (side, side, side, side) if style.border else (None, None, None, side)


class StyleTable:
    """Cell formats by (named style, locked, border), indexes from 0 (the default)."""

    def __init__(self, styles: dict[str, Style]) -> None:
        self.styles = styles
        self.fonts: dict[str, int] = {_DEFAULT_FONT: 0}
        self.fills: dict[str, int] = {f: i for i, f in enumerate(_DEFAULT_FILLS)}
        self.borders: dict[BorderSides, int] = {NO_BORDER: 0}
        self.formats: dict[str, int] = {}
        self.xfs: dict[str, int] = {'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" '
                                    'xfId="0"/>': 0}
        self._by_key: dict[tuple[str | None, bool, BorderSides | None, str | None], int] = {}

    def index(self, name: str | None, locked: bool = True, border: BorderSides | None = None,
              implied_format: str | None = None) -> int:
        """The cell-format index of style ``name`` (None: the default style); ``border``
        replaces the style's border; ``implied_format`` is the number format of a date
        value in a style without one."""
        key = (name, locked, border, implied_format)
        found = self._by_key.get(key)
        if found is None:
            found = self._by_key[key] = self._add(
                None if name is None else self.styles[name], locked, border, implied_format)
        return found

    def _add(self, style: Style | None, locked: bool, border: BorderSides | None,
             implied_format: str | None) -> int:
        sides = style_border(style) if border is None else border
        font = fill = 0
        fmt_code = None
        alignment = ""
        if style is not None:
            font = self._font(style)
            if style.fill:
                rgb = color(style.fill)
                fill = self._id(self.fills, '<fill><patternFill patternType="solid">'
                                f'<fgColor rgb="{rgb}"/><bgColor rgb="{rgb}"/>'
                                "</patternFill></fill>")
            fmt_code = style.number_format
            alignment = _alignment(style)
        fmt_code = fmt_code or implied_format
        fmt = 0 if fmt_code is None else self._format(fmt_code)
        border_id = self._id(self.borders, sides)
        attrs = f'numFmtId="{fmt}" fontId="{font}" fillId="{fill}" borderId="{border_id}"'
        inner = ""
        if alignment:
            attrs += ' applyAlignment="1"'
            inner += alignment
        if not locked:
            attrs += ' applyProtection="1"'
            inner += '<protection locked="0" hidden="0"/>'
        xml = f'<xf {attrs} xfId="0">{inner}</xf>' if inner else f'<xf {attrs} xfId="0"/>'
        return self._id(self.xfs, xml)

    def _font(self, style: Style) -> int:
        parts = []
        if style.font:
            parts.append(f'<name val="{escape_attr(style.font)}"/>')
        if style.bold:
            parts.append('<b val="1"/>')
        if style.italic:
            parts.append('<i val="1"/>')
        if style.color:
            parts.append(f'<color rgb="{color(style.color)}"/>')
        if style.size:
            parts.append(f'<sz val="{number(style.size)}"/>')
        if not parts:
            return 0
        return self._id(self.fonts, "<font>" + "".join(parts) + "</font>")

    def _format(self, code: str) -> int:
        builtin = _BUILTIN_FORMATS.get(code)
        if builtin is not None:
            return builtin
        return self.formats.setdefault(code, 164 + len(self.formats))

    @staticmethod
    def _id(table: dict, item: object) -> int:  # type: ignore[type-arg]
        return table.setdefault(item, len(table))

    def xml(self) -> str:
        """The whole ``xl/styles.xml``."""
        formats = "".join(f'<numFmt numFmtId="{i}" formatCode="{escape_attr(code)}"/>'
                          for code, i in self.formats.items())
        borders = "".join(_border_xml(sides) for sides in self.borders)
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + (f'<numFmts count="{len(self.formats)}">{formats}</numFmts>' if formats else "")
            + f'<fonts count="{len(self.fonts)}">{"".join(self.fonts)}</fonts>'
            + f'<fills count="{len(self.fills)}">{"".join(self.fills)}</fills>'
            + f'<borders count="{len(self.borders)}">{borders}</borders>'
            + '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
            "</cellStyleXfs>"
            + f'<cellXfs count="{len(self.xfs)}">{"".join(self.xfs)}</cellXfs>'
            + '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
            '</cellStyles><dxfs count="0"/>'
            '<tableStyles count="0" defaultTableStyle="TableStyleMedium9" '
            'defaultPivotStyle="PivotStyleLight16"/></styleSheet>'
        )


def _alignment(style: Style) -> str:
    if not (style.horizontal or style.vertical or style.wrap or style.shrink or style.indent):
        return ""
    attrs = ""
    if style.horizontal:
        attrs += f' horizontal="{style.horizontal}"'
    if style.vertical:
        attrs += f' vertical="{style.vertical}"'
    if style.wrap:
        attrs += ' wrapText="1"'
    if style.shrink:
        attrs += ' shrinkToFit="1"'
    if style.indent:
        attrs += f' indent="{int(style.indent)}"'
    return f"<alignment{attrs}/>"


def _border_xml(sides: BorderSides) -> str:
    parts = []
    for name, side in zip(_SIDES, sides, strict=True):
        if side is None:
            parts.append(f"<{name}/>")
        elif side[1]:
            parts.append(f'<{name} style="{side[0]}"><color rgb="{color(side[1])}"/></{name}>')
        else:
            parts.append(f'<{name} style="{side[0]}"/>')
    return "<border>" + "".join(parts) + "<diagonal/></border>"

"""SPSS: scored results as a ``.sav`` file, and the codebook as ``.sps`` syntax.

:func:`write_sav` takes the table ``relscale score`` builds and writes it with pyreadstat
(the optional extra ``relscale[spss]``): variable labels, value labels (the response
anchors on item variables, the status values), missing values (numeric: system-missing;
empty text: user-missing) and measurement levels (items ordinal, scores scale, codes and
texts nominal).

:func:`codebook_syntax` writes the same metadata as SPSS syntax to run on the scored CSV:
``VARIABLE LABELS``, ``VALUE LABELS``, ``MISSING VALUES``, ``VARIABLE LEVEL``. Strings are
quoted with ``'`` (a ``'`` inside doubled), long ones split into ``'...' +`` pieces so no
line is longer than 80 characters.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relscale.errors import RelscaleError
from relscale.exporters.variables import Variable, describe_variables
from relscale.i18n import _
from relscale.text_safety import invisible, shown_code_points

if TYPE_CHECKING:
    from relscale.model.models import AdaptedInstrument
    from relscale.scoring.results import ScoredTable

LINE = 80
PIECE_BYTES = 60
VARIABLE_LABEL_BYTES = 255
VALUE_LABEL_BYTES = 120
FILE_LABEL_BYTES = 64
INSTALL_HINT = 'pip install "relscale[spss]"'
"""The hint for an install from the package index (:func:`sav_install_hint` says it the way
relscale was installed)."""


def sav_install_hint() -> str:
    """How to install the ``spss`` extra into this relscale."""
    from relscale.install_hints import install_hint

    return install_hint("spss", ("pyreadstat", "pandas"))


def clip_bytes(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` UTF-8 bytes, never inside a character."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", errors="ignore")


# --- .sav -------------------------------------------------------------------------------


def _pyreadstat() -> Any:
    try:
        import pandas  # noqa: F401  (pyreadstat writes a pandas DataFrame)
        import pyreadstat
    except ImportError:
        raise RelscaleError(
            _("writing .sav files needs pyreadstat: {command}").format(
                command=sav_install_hint())
        ) from None
    return pyreadstat


def write_sav(
    table: ScoredTable, adapted: AdaptedInstrument, path: Path, *, overwrite: bool = False
) -> None:
    """Write a scored table (:func:`relscale.scoring.results.build_scored_table`) as an SPSS
    ``.sav`` file with labels, value labels, missing values and measurement levels.

    :raises RelscaleError: pyreadstat is not installed, a column name breaks SPSS's
        rules, or the file cannot be written.
    """
    pyreadstat = _pyreadstat()
    import numpy as np
    import pandas as pd

    from relscale.io.atomic import atomic_write

    variables = describe_variables(adapted, table.columns, table.kinds)
    frame: dict[str, Any] = {}
    for v in variables:
        values = table.data[v.name]
        if v.numeric:
            frame[v.name] = np.asarray(values, dtype=np.float64)
        else:
            frame[v.name] = ["" if x is None else str(x) for x in values]
    df = pd.DataFrame(frame, columns=[v.name for v in variables])
    formats = {}
    for v in variables:
        if v.kind == "item":
            codes = [adapted.scale.max, *(float(m) for m in v.missing)]
            formats[v.name] = f"F{max(len(str(int(c))) for c in codes)}.0"
        elif v.kind in ("flag", "count"):
            formats[v.name] = "F1.0" if v.kind == "flag" else "F3.0"
        elif v.numeric:
            formats[v.name] = "F8.2"
    with atomic_write(path, overwrite=overwrite) as tmp:
        _write_sav(
            pyreadstat,
            path,
            df,
            str(tmp),
            file_label=clip_bytes(f"{adapted.title} — {adapted.sector_label}", FILE_LABEL_BYTES),
            note=textwrap.wrap(adapted.notice, LINE) or None,
            column_labels={v.name: clip_bytes(v.label, VARIABLE_LABEL_BYTES) for v in variables},
            variable_value_labels={
                v.name: {k: clip_bytes(lab, VALUE_LABEL_BYTES) for k, lab in
                         v.value_labels.items()}
                for v in variables if v.value_labels
            },
            missing_ranges={v.name: list(v.missing) for v in variables if v.missing},
            variable_measure={v.name: v.measure for v in variables},
            variable_format=formats,
        )


def _write_sav(pyreadstat: Any, path: Path, *args: Any, **kwargs: Any) -> None:
    """pyreadstat.write_sav, its refusals as one-line errors naming the file."""
    try:
        pyreadstat.write_sav(*args, **kwargs)
    except pyreadstat.ReadstatError as exc:
        raise RelscaleError(
            _("{path}: cannot write the .sav file ({reason})").format(path=path, reason=exc)
        ) from None


# --- .sps -------------------------------------------------------------------------------


def spss_string(text: str, indent: str = "  ") -> str:
    """``text`` as an SPSS string literal: ``'`` doubled, split into ``'a' +`` pieces of
    at most 60 bytes each (at a space where there is one) on their own lines, so every
    line stays within 80 characters. Control and format characters (a right-to-left
    override, bidi isolates) are dropped: SPSS syntax has no escape for them."""
    text = " ".join("".join(ch for ch in text if not invisible(ch)).split())
    pieces: list[str] = []
    current = ""
    for ch in text:
        escaped = "''" if ch == "'" else ch
        if len((current + escaped).encode("utf-8")) > PIECE_BYTES:
            cut = current.rfind(" ") + 1  # a doubled quote is added whole: never split
            if cut <= 0 or cut == len(current):
                cut = len(current)
            pieces.append(current[:cut])
            current = current[cut:]
        current += escaped
    pieces.append(current)
    return (" +\n" + indent).join(f"'{p}'" for p in pieces)


def _value(key: float | str) -> str:
    if isinstance(key, str):
        return spss_string(key)
    return str(int(key)) if float(key).is_integer() else repr(float(key))


def _name_lines(names: Sequence[str], first: str, indent: str = "  ") -> list[str]:
    """``first`` followed by the names, wrapped at 80 characters."""
    return textwrap.wrap(
        " ".join(names), width=LINE, initial_indent=first, subsequent_indent=indent,
        break_long_words=False, break_on_hyphens=False,
    )


def _comment(text: str) -> list[str]:
    """A comment: every line starts with ``*`` (a new comment if the line above ended in
    a period), and the last one ends the comment with a period."""
    lines = textwrap.wrap(" ".join(shown_code_points(text).split()), width=LINE - 1,
                          initial_indent="* ",
                          subsequent_indent="* ")
    lines[-1] = lines[-1].rstrip(".") + "."
    return lines


def syntax_blocks(variables: Sequence[Variable]) -> list[str]:
    """The metadata commands for ``variables`` (labels, value labels, missing, level)."""
    lines: list[str] = []
    if variables:
        lines.append("VARIABLE LABELS")
        for k, v in enumerate(variables):
            lead = "  " if k == 0 else "  /"
            lines.append(f"{lead}{v.name}")
            lines.append("    " + spss_string(clip_bytes(v.label, VARIABLE_LABEL_BYTES),
                                              indent="    "))
        lines[-1] += "."
    groups: dict[tuple[tuple[float | str, str], ...], list[str]] = {}
    for v in variables:
        if v.value_labels:
            groups.setdefault(tuple(v.value_labels.items()), []).append(v.name)
    if groups:
        lines.append("VALUE LABELS")
        for k, (labels, names) in enumerate(groups.items()):
            lines += _name_lines(names, "  " if k == 0 else "  /", indent="   ")
            for key, label in labels:
                lines.append(f"    {_value(key)} "
                             + spss_string(clip_bytes(label, VALUE_LABEL_BYTES), indent="    "))
        lines[-1] += "."
    missing = [v.name for v in variables if v.missing and not v.numeric]
    if missing:
        lines += _name_lines([*missing, "('')."], "MISSING VALUES ")
    coded: dict[tuple[float | str, ...], list[str]] = {}
    for v in variables:
        if v.missing and v.numeric:
            coded.setdefault(v.missing, []).append(v.name)
    for codes, names in coded.items():  # 'does not apply': a missing value of its own
        lines += _name_lines([*names, "(" + ", ".join(_value(c) for c in codes) + ")."],
                             "MISSING VALUES ")
    levels: dict[str, list[str]] = {}
    for v in variables:
        levels.setdefault(v.measure, []).append(v.name)
    if levels:
        lines.append("VARIABLE LEVEL")
        for k, (measure, names) in enumerate(levels.items()):
            last = k == len(levels) - 1
            lines += _name_lines([*names, f"({measure.upper()}){'.' if last else ''}"],
                                 "  " if k == 0 else "  /", indent="   ")
    return lines


def codebook_syntax(adapted: AdaptedInstrument, variables: Sequence[Variable] | None = None
                    ) -> str:
    """SPSS syntax that labels the scored data of ``adapted`` (run it after opening the
    CSV that ``relscale score`` wrote). ``straightlining`` comes last, on its own:
    it exists only with ``--flag-straightlining``.

    :raises RelscaleError: a variable name breaks SPSS's rules.
    """
    from relscale.scoring.engine import STRAIGHTLINING

    variables = list(variables if variables is not None else describe_variables(adapted))
    main = [v for v in variables if v.name != STRAIGHTLINING]
    optional = [v for v in variables if v.name == STRAIGHTLINING]
    lines = ["* Encoding: UTF-8."]
    lines += _comment(f"relscale codebook: {adapted.title} — {adapted.sector_label} "
                      f"({adapted.perspective}, version {adapted.version}, {adapted.locale})")
    lines += _comment(adapted.notice)
    lines += _comment("Open the scored data first (relscale score -o scores.csv), "
                      "then run this syntax")
    lines += syntax_blocks(main)
    if optional:
        lines += _comment("Only for data scored with --flag-straightlining")
        lines += syntax_blocks(optional)
    lines.append("EXECUTE.")
    text = "\n".join(lines) + "\n"
    for line in text.splitlines():
        if len(line) > LINE:  # a single name longer than a line: SPSS caps names at 64 bytes
            raise RelscaleError(_("SPSS syntax line longer than 80 characters: {line}").format(
                line=line))
    return text


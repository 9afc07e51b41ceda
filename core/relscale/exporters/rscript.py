"""R: a script that labels the scored data the way haven and labelled expect.

The script defines ``relscale_label(data)``: variable labels as the ``label`` attribute
(what ``labelled::var_label()`` sets and reads), value labels with ``haven::labelled()``,
and empty texts as ``NA``. It touches only the columns the data has, so it fits data
scored with or without norms or ``--flag-straightlining``::

    scores <- read.csv("scores.csv", fileEncoding = "UTF-8")
    source("codebook.R", encoding = "UTF-8")
    scores <- relscale_label(scores)

Every label is an R string literal with ``\\``, ``"`` and control characters escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from relscale.exporters.variables import Variable, describe_variables
from relscale.text_safety import invisible, shown_code_points

if TYPE_CHECKING:
    from relscale.model.models import AdaptedInstrument

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def r_string(text: str) -> str:
    """``text`` as a double-quoted R string literal: ``\\`` and ``"`` escaped, control
    and format characters (a right-to-left override, an isolate around Hebrew or Arabic
    wording) as ``\\u{202e}``, which R reads back as the same character but does not
    refuse as "bidi formatting" in the script."""
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 32 or ord(ch) == 127:
            out.append(f"\\x{ord(ch):02x}")
        elif invisible(ch):
            out.append(f"\\u{{{ord(ch):x}}}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _r_value(key: float | str) -> str:
    if isinstance(key, str):
        return r_string(key)
    return str(int(key)) if float(key).is_integer() else repr(float(key))


def _comment(text: str) -> str:
    return "# " + " ".join(shown_code_points(text).split())


def codebook_script(
    adapted: AdaptedInstrument, variables: Sequence[Variable] | None = None
) -> str:
    """The R script for ``adapted``'s scored data (see the module docstring)."""
    variables = list(variables if variables is not None else describe_variables(adapted))
    lines = [
        _comment(f"relscale codebook: {adapted.title} — {adapted.sector_label} "
                 f"({adapted.perspective}, version {adapted.version}, {adapted.locale})"),
        _comment(adapted.notice),
        '# scores <- read.csv("scores.csv", fileEncoding = "UTF-8")',
        '# source("codebook.R", encoding = "UTF-8")',
        "# scores <- relscale_label(scores)",
        "",
        "relscale_label <- function(data) {",
        "  var_labels <- c(",
    ]
    lines += [f"    `{v.name}` = {r_string(v.label)}," for v in variables]
    lines[-1] = lines[-1].rstrip(",")
    lines += ["  )", "  value_labels <- list("]
    labelled = [v for v in variables if v.value_labels]
    for v in labelled:
        pairs = ", ".join(f"{r_string(label)} = {_r_value(key)}"
                          for key, label in v.value_labels.items())
        lines.append(f"    `{v.name}` = c({pairs}),")
    if labelled:
        lines[-1] = lines[-1].rstrip(",")
    coded = [v for v in variables if v.numeric and v.missing]
    lines += ["  )", "  na_values <- list("]
    lines += [f"    `{v.name}` = c({', '.join(_r_value(m) for m in v.missing)})," for v in coded]
    if coded:
        lines[-1] = lines[-1].rstrip(",")
    numeric = [v.name for v in variables if v.numeric]
    text = [v.name for v in variables if not v.numeric]
    lines += [
        "  )",
        "  numeric <- c(" + ", ".join(r_string(n) for n in numeric) + ")",
        "  text <- c(" + ", ".join(r_string(n) for n in text) + ")",
        "  for (v in intersect(numeric, names(data))) data[[v]] <- as.numeric(data[[v]])",
        "  for (v in intersect(text, names(data))) {",
        "    x <- as.character(data[[v]])",
        '    x[!is.na(x) & x == ""] <- NA',
        "    data[[v]] <- x",
        "  }",
        "  for (v in intersect(names(value_labels), names(data))) {",
        "    if (v %in% names(na_values)) {",
        "      # 'does not apply': a missing value of its own, as SPSS's user-missing",
        "      data[[v]] <- haven::labelled_spss(data[[v]], value_labels[[v]],",
        "                                        na_values = na_values[[v]])",
        "    } else {",
        "      data[[v]] <- haven::labelled(data[[v]], value_labels[[v]])",
        "    }",
        "  }",
        "  for (v in intersect(names(var_labels), names(data))) {",
        '    attr(data[[v]], "label") <- var_labels[[v]]',
        "  }",
        "  data",
        "}",
    ]
    return "\n".join(lines) + "\n"

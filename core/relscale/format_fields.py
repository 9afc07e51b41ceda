"""What a translation may put in braces: the named fields of its English text, nothing more.

relscale fills translated messages with ``str.format``, which obeys whatever the braces
say: ``{path.__class__.__init__.__globals__[os].environ[HOME]}`` reads the environment,
``{n:>300000000}`` pads to 300 MB. A catalog is content from others, so every form of an
entry (``msgstr``, and each ``msgstr[k]`` of a plural entry) is checked before it is used
(:func:`relscale.i18n` drops an entry that fails, with one warning) and by
``relscale i18n check`` (an error):

- each field is a plain name (no attribute or index access, no positional field);
- the name is one of the English text's fields (``msgid`` and, for a plural entry,
  ``msgid_plural``);
- the field is bare (``{name}``), or exactly as the English text writes that field
  (``{value!r}``, ``{upper:g}``): no conversion and no format spec of the translator's own.

This leaf module imports nothing from relscale.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

PROBLEMS = {
    "braces": "unbalanced braces",
    "name": "field {{{field}}} is not a plain name",
    "unknown": "field {{{field}}} is not in the English text",
    "nested": "field {{{field}}} has a nested format",
    "conversion": "field {{{field}}} has a conversion the English text does not use",
    "spec": "field {{{field}}} has a format the English text does not use",
}
"""Problem code -> English description (translated by :mod:`relscale.i18n`, which marks
the same strings for extraction)."""

_SIMPLE_FIELD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

Field = tuple[str, str | None, str | None]
"""(name, format spec, conversion) of one replacement field."""


def fields(text: str) -> list[Field] | None:
    """``(field, format_spec, conversion)`` of each replacement field; None if unparsable."""
    import string  # here: importing it costs `relscale --help` 4 ms

    try:
        return [
            (name, spec or None, conv)
            for _lit, name, spec, conv in string.Formatter().parse(text)
            if name is not None
        ]
    except ValueError:
        return None


def placeholder_problem(msgid: str | Iterable[str], msgstr: str) -> tuple[str, str] | None:
    """Why ``msgstr`` may not stand in for ``msgid`` in ``str.format`` (a problem code of
    :data:`PROBLEMS` and the field), or None if it may.

    ``msgid``: the English text, or several (a plural entry's ``msgid`` and
    ``msgid_plural``: a form may use the fields of either). A msgid that is no format
    string (unbalanced braces) admits a translation without fields only.
    """
    sources = [msgid] if isinstance(msgid, str) else list(msgid)
    parsed = [fields(text) for text in sources]
    target = fields(msgstr)
    if target is None:
        return ("braces", "") if any(p is not None for p in parsed) else None
    allowed: dict[str, set[tuple[str | None, str | None]]] = {}
    for found in parsed:
        for name, spec, conv in found or []:
            allowed.setdefault(name, {(None, None)}).add((spec, conv))
    for name, spec, conv in target:
        if not _SIMPLE_FIELD.match(name):
            return ("name", name)
        if name not in allowed:
            return ("unknown", name)
        if spec and ("{" in spec or "}" in spec):
            return ("nested", name)
        if (spec, conv) in allowed[name]:
            continue
        if conv not in {c for _s, c in allowed[name]}:
            return ("conversion", name)
        return ("spec", name)
    return None


def forms_problem(msgids: Iterable[str], msgstrs: Iterable[str]) -> tuple[str, str] | None:
    """:func:`placeholder_problem` of every non-empty form of an entry (the first found)."""
    sources = [m for m in msgids if m]
    for form in msgstrs:
        if form:
            problem = placeholder_problem(sources, form)
            if problem is not None:
                return problem
    return None

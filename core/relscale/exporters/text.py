"""Text going into platform files: always data, never code.

Item wording, role terms and labels come from catalogs and user content files. Each
target has characters it would read as markup or expressions; these functions make such
text inert while keeping what the respondent reads the same.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable

from relscale.workbooks.codebook import render_text

WORD_JOINER = "\u2060"
"""Invisible, zero-width: splits ``${`` so ODK does not read a field reference."""


def item_label(text: str, subject: str | None = None) -> str:
    """Item wording with ``{subject}`` filled: the given name, or the form's blank line."""
    return render_text(text, subject)


_PIPE = "\x00subject\x00"
"""Where the name goes, through a platform's escaping untouched (no markup in it)."""


def piped_label(text: str, subject: str | None, escape: Callable[[str], str],
                pipe: str) -> str:
    """Item wording for a platform, escaped with ``escape``: the given name, or else the
    platform's reference ``pipe`` to the answer naming the other person (on a screen there
    is no blank line to write on, so the sentence shows the name the respondent typed)."""
    if subject:
        return escape(render_text(text, subject))
    return escape(text.replace("{subject}", _PIPE)).replace(_PIPE, pipe)


def names_someone(texts: Iterable[str]) -> bool:
    """Whether any of ``texts`` refers to the other person (``{subject}``)."""
    return any("{subject}" in t for t in texts)


def one_line(text: str) -> str:
    """Whitespace runs (tabs, line breaks) as single spaces: for tab-separated cells."""
    return re.sub(r"\s+", " ", text).strip()


# --- ODK / XLSForm -------------------------------------------------------------------

_ODK_MARKDOWN = re.compile(r"([\\*_#])")


def odk_label(text: str) -> str:
    """A label or hint for an XLSForm: no ``${field}`` references, no markdown.

    ODK Collect and Enketo render labels as a markdown subset, so ``*``, ``_`` and ``#``
    are escaped with a backslash (the blank line ``______`` would otherwise become
    emphasis); ``${`` is split with a word joiner so pyxform does not read a reference.
    """
    text = _ODK_MARKDOWN.sub(r"\\\1", text)
    return text.replace("${", "$" + WORD_JOINER + "{")


# --- HTML-based platforms: REDCap, LimeSurvey --------------------------------------


def redcap_label(text: str) -> str:
    """A REDCap label: HTML-escaped, and ``[``/``]`` as entities so no ``[field]`` or
    smart variable is piped, and ``|`` so it cannot end a choice."""
    text = html.escape(text, quote=False)
    return text.replace("[", "&#91;").replace("]", "&#93;").replace("|", "&#124;")


def limesurvey_html(text: str) -> str:
    """A LimeSurvey question, subquestion or answer text (HTML): escaped, and ``{``/``}``
    as entities so ExpressionScript evaluates nothing; one line for the TSV file."""
    text = html.escape(one_line(text), quote=False)
    return text.replace("{", "&#123;").replace("}", "&#125;")


def limesurvey_plain(text: str) -> str:
    """A LimeSurvey plain-text setting (group name, title): one line; a brace followed or
    preceded by a space is not an expression to ExpressionScript."""
    return one_line(text).replace("{", "{ ").replace("}", " }")


# --- names ----------------------------------------------------------------------------


def alphanumeric_code(name: str) -> str:
    """``name`` without the characters a LimeSurvey code may not hold (``rq_01`` -> ``rq01``)."""
    return re.sub(r"[^A-Za-z0-9]", "", name)

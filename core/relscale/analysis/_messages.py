"""Wording shared by the analysis messages: where a problem is, numbers in the user's
language, and warnings that say what they are about.

Every message of the analysis layer is built with :func:`relscale.i18n._` where it is
raised or returned, so it is in the locale current at that moment (English is the source
language; Dutch numbers get a decimal comma). Code that acts on a warning (keeps the
improper-solution ones, adds keying advice to a negative loading) never reads its words:
it reads the :class:`Tagged` warning's ``kind`` and ``item``.
"""

from __future__ import annotations

from relscale.i18n import N_, _
from relscale.messages import number_text

__all__ = ["Tagged", "did_not_converge", "group_prefix", "in_group", "model_name",
           "not_identified", "num", "retag", "tag_of", "too_many_parameters"]

num = number_text
"""``num(0.4575, ".3f")`` -> ``0.458`` in English, ``0,458`` in Dutch."""


class Tagged(str):
    """A warning line that carries what it is about: ``kind`` (``"improper"``,
    ``"negative_loading"``, ...) and the ``item`` it names, if any."""

    kind: str
    item: str | None

    def __new__(cls, text: str, kind: str, item: str | None = None) -> Tagged:
        obj = super().__new__(cls, text)
        obj.kind = kind
        obj.item = item
        return obj


def retag(text: str, like: str) -> str:
    """``text`` (e.g. ``like`` with a prefix) tagged as ``like`` is, when it is."""
    if isinstance(like, Tagged):
        return Tagged(text, like.kind, like.item)
    return text


def tag_of(text: str) -> str | None:
    """The kind of a tagged warning, None for a plain line."""
    return text.kind if isinstance(text, Tagged) else None


def group_prefix(name: str, single: str | None = "sample") -> str:
    """``group 'B': `` before a message about one group; nothing for a single sample."""
    if name == single:
        return ""
    return _("group {group!r}: ").format(group=name)


def in_group(name: str) -> str:
    """`` in group 'B'`` after the thing it is about."""
    return _(" in group {group!r}").format(group=name)


MODEL_NAMES = {
    "configural": N_("the configural model"),
    "thresholds": N_("the thresholds model"),
    "metric": N_("the metric model"),
    "scalar": N_("the scalar model"),
    "strict": N_("the strict model"),
}


def model_name(level: str, partial: bool = False) -> str:
    """``the metric model``, ``the scalar model (partial)``."""
    text = _(MODEL_NAMES[level]) if level in MODEL_NAMES else \
        _("the {level} model").format(level=level)
    return text + (_(" (partial)") if partial else "")


def did_not_converge(what: str, iterations: int) -> str:
    return _("{what} did not converge in {n} iterations").format(what=what, n=iterations)


def not_identified(what: str | None = None) -> str:
    """The model (or ``what``) is not identified: its information matrix is singular."""
    if what is None:
        return _("the model is not identified with these data (singular information matrix)")
    return _("{what} is not identified with these data (singular information matrix)").format(
        what=what)


def too_many_parameters(df: int) -> str:
    return _("the model has more parameters than data points (df = {df})").format(df=df)


def listwise_left_out(group: str, n: int) -> str:
    """One group's respondents left out by listwise deletion."""
    return _("group {group!r}: {n} respondent(s) with missing answers left out (listwise "
             "deletion)").format(group=group, n=n)


def implied_not_positive_definite() -> str:
    return _("the model-implied covariance matrix is not positive definite")


def start_not_positive_definite() -> str:
    return _("the starting values give a non-positive-definite model matrix")


def too_few_categories(what: str) -> str:
    return _("{what}: needs at least 2 used response categories, coded 0..K-1").format(
        what=what)


def regression_not_converged(what: str) -> str:
    return _("{what}: the ordinal logistic regression did not converge (perfect separation? "
             "a category used by one group only)").format(what=what)


def wrong_shape(where: str, k: int, shape: tuple[int, ...]) -> str:
    return _("{where}expected a respondents x items table with {k} item columns, got shape "
             "{shape}").format(where=where, k=k, shape=shape)


def infinite_value(where: str, item: str) -> str:
    return _("{where}item {item!r} has an infinite value").format(where=where, item=item)


def not_numbers(where: str, error: object) -> str:
    return _("{where}item data must be numbers (NaN for missing): {error}").format(
        where=where, error=error)


def item_pair(first: str, second: str, where: str = "") -> str:
    """``'x1' and 'x2'`` (with `` in group 'B'``)."""
    return _("{first!r} and {second!r}{where}").format(first=first, second=second,
                                                      where=where)


MODEL_LABELS = {
    "configural": N_("configural model"),
    "thresholds": N_("thresholds model"),
    "metric": N_("metric model"),
    "scalar": N_("scalar model"),
    "strict": N_("strict model"),
}


def model_label(level: str) -> str:
    """``configural model``, ``scalar model``: the label before a model's own warning."""
    return _(MODEL_LABELS[level]) if level in MODEL_LABELS else f"{level} model"

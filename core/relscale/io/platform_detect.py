"""Which survey platform exported a table, from its header: several columns, never one.

:func:`platform_signals` gives the platform and the columns that recognised it (the
note on stderr names them), :func:`check_platform` a platform named with ``--from``.
:mod:`relscale.io.platforms` maps and reads the export.
"""

from __future__ import annotations

from collections.abc import Sequence

from relscale.errors import DataError
from relscale.i18n import _

PLATFORMS = ("odk", "redcap", "limesurvey")
REDCAP_METADATA = frozenset((
    "redcap_event_name", "redcap_repeat_instrument", "redcap_repeat_instance",
    "redcap_data_access_group", "redcap_survey_identifier",
))
"""REDCap's own columns: any one recognises an export."""
REDCAP_ROWS = frozenset(("redcap_event_name", "redcap_repeat_instrument",
                         "redcap_repeat_instance"))
"""Those that tell a record's rows apart: kept (the event as the wave)."""


ODK_SIGNALS = ("_uuid", "_submission_time", "_id", "_index", "_validation_status",
               "__version__", "formhub/uuid", "_xform_id_string", "SubmissionDate", "KEY",
               "meta-instanceID", "meta/instanceID", "ReviewState", "SubmitterID")
"""Columns only ODK / KoboToolbox exports write; two of them recognise one."""


def platform_signals(header: Sequence[str]) -> tuple[str | None, tuple[str, ...]]:
    """The platform whose export has this header (None: a plain table) and the columns
    that say so. One column is never enough, since a plain table may have an
    ``intake_complete`` or an ``id`` column: ODK / Kobo needs two of its own columns,
    LimeSurvey ``submitdate``, ``lastpage`` and ``startlanguage``, REDCap one of its
    ``redcap_*`` columns, or a ``<form>_complete`` column with the record id first
    (``record_id``), a ``<form>_timestamp``, or a form named as relscale's REDCap
    dictionary names it (an instrument's id)."""
    stripped = [h.strip() for h in header]
    names = set(stripped)
    odk = [n for n in ODK_SIGNALS if n in names]
    if len(odk) >= 2:
        return "odk", tuple(odk)
    lime = ("submitdate", "lastpage", "startlanguage")
    if set(lime) <= names:
        return "limesurvey", lime
    redcap = [n for n in stripped if n in REDCAP_METADATA]
    if redcap:
        return "redcap", tuple(redcap)
    complete = [n for n in stripped if n.endswith("_complete")]
    if not complete:
        return None, ()
    first = stripped[0]
    stamps = [n for n in stripped if n.endswith("_timestamp")]
    if first == "record_id" or stamps:
        return "redcap", tuple(([first] if first == "record_id" else stamps[:1]) + complete)
    ours = [n for n in complete if n.removesuffix("_complete") in _instrument_forms()]
    if ours:  # the form relscale's REDCap dictionary makes: the instrument's own name
        return "redcap", tuple(ours)
    return None, ()


def _instrument_forms() -> set[str]:
    """The REDCap form names relscale's dictionaries use: each instrument's id, and with
    ``_client`` (:func:`relscale.exporters.redcap.form_name`)."""
    from relscale.errors import RelscaleError

    try:
        from relscale.plugins import get_registry

        ids = list(get_registry().instruments)
    except RelscaleError:
        return set()
    return {*ids, *(f"{i}_client" for i in ids)}


def detect_platform(header: Sequence[str]) -> str | None:
    """The platform whose export has this header, or None for a plain table
    (:func:`platform_signals`)."""
    return platform_signals(header)[0]


def check_platform(platform: str | None) -> str | None:
    """``platform`` lower-cased, or an error naming the known ones."""
    if platform is None:
        return None
    name = platform.strip().lower()
    if name in ("kobo", "kobotoolbox", "xlsform"):
        name = "odk"
    if name not in PLATFORMS:
        raise DataError(_("unknown platform {name!r}; choose one of {names}").format(
            name=platform, names=", ".join(PLATFORMS)))
    return name

"""Errors relscale reports to its users.

A :class:`RelscaleError` carries a message fit to show as one line, naming the file,
row and column (or plugin, object and field) at fault. The CLI prints it without a
traceback and exits non-zero.
"""

from __future__ import annotations


class RelscaleError(Exception):
    """A problem with the user's input or a plugin's content, explained in one line."""

    exit_code = 1


class PluginError(RelscaleError):
    """A plugin registered something invalid or conflicting."""


class ContentError(RelscaleError):
    """A content file (instrument, sector, norms) is malformed."""


class DataError(RelscaleError):
    """A data file (responses, forms, reference sample) has a bad value or shape."""


class LocaleError(RelscaleError):
    """A locale that cannot be parsed or has no catalog."""


class StoreError(RelscaleError):
    """A store (``relscale round``) that cannot be opened or used: missing, made by a newer
    relscale, not a relscale store, a server that cannot be reached."""

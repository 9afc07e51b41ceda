"""Size limits on what relscale reads whole into memory (content files: TOML, PO).

``--content /dev/zero`` or a runaway file must not be read forever: a content file past
``RELSCALE_MAX_CONTENT_MB`` (default 16 MB) is refused. The translated message is
:func:`relscale.i18n.read_content`'s; this leaf module only measures.

Every limit set in the environment is read by :func:`env_limit`: a positive, finite
number, or :class:`BadLimit` (``inf``, ``nan``, ``-1``, ``0`` or a word are refused, not
taken for "no limit"); docs/security.md lists the limits.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_MAX_CONTENT = "RELSCALE_MAX_CONTENT_MB"
DEFAULT_MAX_CONTENT_MB = 16


class BadLimit(Exception):
    """An environment variable that should hold a limit holds no positive, finite number."""

    def __init__(self, env: str, value: str) -> None:
        super().__init__(env, value)
        self.env = env
        self.value = value


def env_limit(env: str, default: float) -> float:
    """The limit set in ``env`` (``default`` when unset or empty).

    :raises BadLimit: not a positive, finite number (``inf``, ``nan``, ``-1``, ``abc``).
    """
    import math

    text = os.environ.get(env, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        raise BadLimit(env, text) from None
    if not math.isfinite(value) or value <= 0 or value > 2**40:
        raise BadLimit(env, text)
    return value


class TooLarge(Exception):
    """A file over the limit of ``limit_mb`` MB (``env`` raises it)."""

    def __init__(self, limit_mb: int, env: str) -> None:
        super().__init__(limit_mb, env)
        self.limit_mb = limit_mb
        self.env = env


def content_limit() -> int:
    """The most bytes a content file may have. :raises BadLimit: see :func:`env_limit`."""
    return max(1, int(env_limit(ENV_MAX_CONTENT, DEFAULT_MAX_CONTENT_MB) * 2**20))


def read_limited(path: str | Path) -> bytes:
    """The file's bytes; :class:`TooLarge` past :func:`content_limit` (read no further)."""
    limit = content_limit()
    with open(path, "rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(round(limit / 2**20), ENV_MAX_CONTENT)
    return data

"""Size limits on what relscale reads whole into memory (content files: TOML, PO).

``--content /dev/zero`` or a runaway file must not be read forever: a content file past
``RELSCALE_MAX_CONTENT_MB`` (default 16 MB) is refused. The translated message is
:func:`relscale.i18n.read_content`'s; this leaf module only measures.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_MAX_CONTENT = "RELSCALE_MAX_CONTENT_MB"
DEFAULT_MAX_CONTENT_MB = 16


class TooLarge(Exception):
    """A file over the limit of ``limit_mb`` MB (``env`` raises it)."""

    def __init__(self, limit_mb: int, env: str) -> None:
        super().__init__(limit_mb, env)
        self.limit_mb = limit_mb
        self.env = env


def content_limit() -> int:
    """The most bytes a content file may have."""
    try:
        return int(float(os.environ.get(ENV_MAX_CONTENT) or DEFAULT_MAX_CONTENT_MB) * 2**20)
    except ValueError:
        return DEFAULT_MAX_CONTENT_MB * 2**20


def read_limited(path: str | Path) -> bytes:
    """The file's bytes; :class:`TooLarge` past :func:`content_limit` (read no further)."""
    limit = content_limit()
    with open(path, "rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(round(limit / 2**20), ENV_MAX_CONTENT)
    return data

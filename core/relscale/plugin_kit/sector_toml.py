"""Writing a sector file as TOML a person edits: comments above tables and items.

tomli-w writes no comments; the scaffold wants the item's dimension and keying, and the
education wording, beside each item. A sector file is a few string keys and arrays of
tables, so it is written here directly.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field


def toml_string(value: str | int | bool | list[str]) -> str:
    """A TOML basic string (JSON's escapes are TOML's), integer, boolean or array of strings."""
    return json.dumps(value, ensure_ascii=False)


@dataclass
class Block:
    """One table (``[client]``) or array-of-tables entry (``[[offerings.items]]``)."""

    header: str
    keys: dict[str, str | int | bool | list[str] | None]
    comments: list[str] = field(default_factory=list)
    """Lines written above the header, without the ``#``."""


def _comment_lines(lines: Iterable[str]) -> list[str]:
    return [f"# {line}".rstrip() for line in lines]


def render(top_comments: Iterable[str], keys: dict[str, str], blocks: Iterable[Block]) -> str:
    """The file: comment lines, top-level keys, then each block; ``None`` values are left
    out (TOML has no null)."""
    out = [*(c if c.startswith("#:") else f"# {c}".rstrip() for c in top_comments), ""]
    out += [f"{k} = {toml_string(v)}" for k, v in keys.items()]
    for block in blocks:
        out.append("")
        out += _comment_lines(block.comments)
        out.append(block.header)
        out += [f"{k} = {toml_string(v)}" for k, v in block.keys.items() if v is not None]
    return "\n".join(out) + "\n"

"""The base of every domain model: frozen, strict pydantic models with identifier ids."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

IDENTIFIER = r"^[a-z][a-z0-9_]*$"
"""Ids are lower-case identifiers: they become variable names in data files."""


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


Perspective = Literal["professional", "client"]
"""Who answers: the professional about one client, or the client about the professional."""

PERSPECTIVES: tuple[Perspective, ...] = ("professional", "client")

NormStatus = Literal["published", "local", "illustrative"]


def _no_duplicates(kind: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise ValueError(f"duplicate {kind} id {i!r}")
        seen.add(i)

"""The base of every domain model: frozen, strict pydantic models with identifier ids."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

IDENTIFIER = r"^[a-z][a-z0-9_]*$"
"""Ids are lower-case identifiers: they become variable names in data files."""


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

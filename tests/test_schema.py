"""The JSON Schemas shipped in relscale/schemas equal the ones the models generate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import runner
from relscale.cli.main import app
from relscale.errors import RelscaleError
from relscale.model.schema import (
    CONTENT_KINDS,
    content_schema,
    schema_text,
    shipped_schema_path,
    write_schema,
)


@pytest.mark.parametrize("kind", sorted(CONTENT_KINDS))
def test_shipped_schema_is_the_generated_one(kind: str) -> None:
    shipped = shipped_schema_path(kind)
    assert shipped.read_text(encoding="utf-8") == schema_text(kind), (
        f"{shipped} is stale: relscale schema {kind} -o {shipped} --force"
    )


def test_sector_files_may_leave_out_the_domain() -> None:
    schema = content_schema("sector")
    assert "domain" in schema["properties"] and "domain" not in schema["required"]
    assert schema["additionalProperties"] is False
    assert schema["$schema"].endswith("2020-12/schema")


def test_schema_command_prints_and_writes(tmp_path: Path) -> None:
    result = runner().invoke(app, ["schema", "norm_table"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["title"] == "NormTable"
    out = tmp_path / "norm_table.schema.json"
    assert runner().invoke(app, ["schema", "norm_table", "-o", str(out)]).exit_code == 0
    assert out.read_text(encoding="utf-8") == schema_text("norm_table")
    again = runner().invoke(app, ["schema", "norm_table", "-o", str(out)])
    assert again.exit_code == 1 and "already exists" in again.stderr
    assert runner().invoke(app, ["schema", "norm_table", "-o", str(out), "--force"]).exit_code == 0


def test_unknown_kind_names_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(RelscaleError, match="known: instrument, sector, norm_table"):
        write_schema("norms", tmp_path / "x.json")
    result = runner().invoke(app, ["schema", "norms"])
    assert result.exit_code == 1 and "unknown content kind 'norms'" in result.stderr

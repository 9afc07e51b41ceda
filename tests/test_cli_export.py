"""`relscale export` drives every registered exporter, built-in or from a plugin."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from relscale import Exporter, adapt, hookimpl
from relscale.cli.main import app

runner = CliRunner()


def test_builtin_exporters_listed() -> None:
    result = runner.invoke(app, ["exporters"])
    assert result.exit_code == 0
    for name in ("form", "scoring-sheet", "codebook-csv", "codebook-md", "codebook-xlsx"):
        assert name in result.stdout


def test_export_codebook_matches_adapted_items(tmp_path: Path) -> None:
    out = tmp_path / "codebook.csv"
    result = runner.invoke(app, ["export", "relationship_quality", "--sector", "foster_homes",
                                 "-F", "codebook-csv", "-o", str(out), "--locale", "nl"])
    assert result.exit_code == 0, result.stderr
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    names = [r[0] for r in rows[1:]]
    adapted = adapt("relationship_quality", "foster_homes", locale="nl")
    assert names[: len(adapted.items)] == list(adapted.item_ids)


def test_plugin_exporter_is_used(tmp_path: Path, register_plugin: Any) -> None:
    def write_ids(adapted: Any, path: Path, *, overwrite: bool = False) -> None:
        Path(path).write_text("\n".join(adapted.item_ids))

    class TextExport:
        @hookimpl
        def register_exporters(self, register: Callable[[Any], None]) -> None:
            register(Exporter("ids", ".txt", "Item ids", write_ids))

    register_plugin(TextExport(), "text_export")
    out = tmp_path / "ids.txt"
    result = runner.invoke(app, ["export", "working_alliance", "--sector", "youth_care",
                                 "-p", "client", "-F", "ids", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert out.read_text().splitlines() == list(adapt("working_alliance", "youth_care",
                                                      "client").item_ids)


def test_unknown_format_is_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", "relationship_quality", "--sector", "education",
                                 "-F", "pdf", "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 1
    assert "unknown export format 'pdf'" in result.stderr
    assert not (tmp_path / "x.pdf").exists()

"""`--content FILE`: a user's own instrument, sector and norms, without writing a plugin."""

from __future__ import annotations

from pathlib import Path

import pytest
import tomli_w
from typer.testing import CliRunner

from fixtures_content import instrument_dict, mini_sector_dict
from relscale import plugins
from relscale.cli.main import app
from relscale.user_content import ENV_CONTENT, clear_content_files

runner = CliRunner()


@pytest.fixture
def content_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    instrument = tmp_path / "mini.toml"
    instrument.write_text(tomli_w.dumps(instrument_dict()))
    sector = tmp_path / "licensed sector.toml"
    data = mini_sector_dict()
    del data["domain"]  # the loader derives it, as for any sector file
    sector.write_text(tomli_w.dumps(data))
    monkeypatch.delenv(ENV_CONTENT, raising=False)
    plugins.reset_registry()
    yield instrument, sector
    # --content adds the files for the rest of the process: leave no trace.
    clear_content_files()
    plugins.reset_registry()


def test_content_files_register_and_adapt(content_files: tuple[Path, Path]) -> None:
    instrument, sector = content_files
    result = runner.invoke(app, ["--content", str(instrument), "--content", str(sector),
                                 "show", "mini", "--sector", "test_sector", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert '"I enjoy time with {subject}."' in result.stdout
    assert plugins.get_registry().origin[("sector", "test_sector")] == "relscale.user_content"


def test_same_file_twice_loads_once(content_files: tuple[Path, Path],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    instrument, sector = content_files
    monkeypatch.setenv(ENV_CONTENT, str(instrument))
    result = runner.invoke(app, ["--content", str(instrument), "--content", str(sector),
                                 "sectors"])
    assert result.exit_code == 0, result.stderr
    assert "test_sector" in result.stdout


def test_bad_content_file_names_file_and_field(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "bad.toml"
    data = instrument_dict()
    data["items"][0]["keying"] = "x"
    bad.write_text(tomli_w.dumps(data))
    monkeypatch.delenv(ENV_CONTENT, raising=False)
    plugins.reset_registry()
    try:
        result = runner.invoke(app, ["--content", str(bad), "instruments"])
    finally:
        clear_content_files()
        plugins.reset_registry()
    assert result.exit_code == 1
    assert str(bad) in result.stderr and "items.0.keying" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1

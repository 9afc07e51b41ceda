"""The listing cache of ``relscale sectors`` / ``instruments`` (relscale.catalog_cache):
the same records as from a registry built and validated afresh, and never stale."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import tomli_w

import relscale
from fixtures_content import instrument_dict, mini_sector_dict
from relscale import catalog_cache, plugins
from relscale.catalog import instrument_records, sector_records
from relscale.data_plugin import DataPlugin
from relscale.model.hookspecs import hookimpl
from relscale.plugins import get_plugin_manager, make_plugin_manager
from relscale.registry import build_registry
from relscale.user_content import add_content_files, clear_content_files

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty cache folder and no process-wide registry; both forgotten afterwards."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(catalog_cache.ENV_CACHE_DIR, str(folder))
    plugins.reset_registry()
    yield folder
    clear_content_files()
    plugins.reset_registry()


def _fresh() -> tuple[list[Any], list[Any], list[Any], list[Any]]:
    """Records from a registry built and validated now, from every plugin loaded now."""
    reg = build_registry(get_plugin_manager())
    return (sector_records("en", registry=reg), sector_records("nl", registry=reg),
            instrument_records("en", registry=reg), instrument_records("nl", registry=reg))


def _listed() -> tuple[list[Any], list[Any], list[Any], list[Any]]:
    plugins.reset_registry()
    return sector_records("en"), sector_records("nl"), instrument_records("en"), \
        instrument_records("nl")


def _cached_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on, building the process-wide registry fails the test."""
    def no_registry() -> None:
        raise AssertionError("the registry was built")

    monkeypatch.setattr(plugins, "get_registry", no_registry)


def _copied_plugin(tmp_path: Path) -> DataPlugin:
    """A third-party data plugin: youth care copied as sector ``youth_care_copy``, with its
    Dutch catalog."""
    folder = tmp_path / "relscale_youth_care_copy"
    shutil.copytree(ROOT / "plugins" / "youth_care" / "relscale_youth_care", folder)
    shutil.rmtree(folder / "norms")  # norm tables name the sector they were built for
    sector = folder / "sector.toml"
    text = sector.read_text(encoding="utf-8")
    sector.write_text(text.replace('id = "youth_care"', 'id = "youth_care_copy"', 1),
                      encoding="utf-8")
    for po in folder.glob("locale/*/LC_MESSAGES/relscale_youth_care.po"):
        po.rename(po.with_name("relscale_youth_care_copy.po"))
    return relscale.data_plugin(folder / "__init__.py")


def test_cached_records_equal_the_validated_ones(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh = _fresh()
    assert _listed() == fresh  # builds and validates, then keeps the listing fields
    assert len(list(cache.glob("catalog-*.json"))) == 1
    _cached_only(monkeypatch)
    assert _listed() == fresh
    assert fresh[1] != fresh[0] and fresh[3] != fresh[2]  # Dutch is really translated
    assert [r["sector"] for r in fresh[0]] == ["disability_care", "education",
                                                "foster_homes", "youth_care"]


def test_third_party_data_plugin_and_content_files_are_listed_the_same(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    register_plugin: Callable[[Any, str], None],
) -> None:
    register_plugin(_copied_plugin(tmp_path), "copy")
    instrument, sector = tmp_path / "mini.toml", tmp_path / "sector.toml"
    instrument.write_text(tomli_w.dumps(instrument_dict()))
    data = mini_sector_dict()
    del data["domain"]
    sector.write_text(tomli_w.dumps(data))
    add_content_files([instrument, sector])
    fresh = _fresh()
    assert {"youth_care_copy", "test_sector"} <= {r["sector"] for r in fresh[0]}
    copy_nl = next(r for r in fresh[1] if r["sector"] == "youth_care_copy")
    original_nl = next(r for r in fresh[1] if r["sector"] == "youth_care")
    assert copy_nl["name"] == original_nl["name"] != "Youth care"  # its own Dutch catalog
    assert _listed() == fresh
    _cached_only(monkeypatch)
    assert _listed() == fresh


def test_an_edited_content_file_is_validated_again(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "mini.toml"
    path.write_text(tomli_w.dumps(instrument_dict()))
    add_content_files([path])
    assert "mini" in [r["instrument"] for r in _listed()[2]]
    stat = path.stat()
    # the same size and modification time, one letter different: still seen
    path.write_text(tomli_w.dumps(instrument_dict()).replace('"+"', '"x"', 1))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size
    plugins.reset_registry()
    with pytest.raises(relscale.ContentError, match=r"mini\.toml: .*keying"):
        sector_records("en")


def test_a_plugin_with_content_from_code_is_never_cached(
    cache: Path, register_plugin: Callable[[Any, str], None]
) -> None:
    calls: list[int] = []

    class CodePlugin:
        @hookimpl
        def register_instruments(self, register: Callable[[Any], None]) -> None:
            calls.append(1)
            register(instrument_dict(id=f"made_{len(calls)}"))

    register_plugin(CodePlugin(), "code")
    assert catalog_cache.slot(get_plugin_manager()) is None
    assert "made_1" in [r["instrument"] for r in _listed()[2]]
    assert "made_2" in [r["instrument"] for r in _listed()[2]]  # asked again
    assert not cache.exists()


def test_a_corrupt_or_foreign_cache_file_is_ignored(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh = _fresh()
    _listed()
    (path,) = cache.glob("catalog-*.json")
    for text in ("{not json", json.dumps({"fingerprint": "other", "entries": {}}), "[]"):
        path.write_text(text)
        assert _listed() == fresh
        assert json.loads(path.read_text())["fingerprint"] != "other"  # written again
    stored = json.loads(path.read_text())
    stored["entries"]["sectors"][0]["label"] = "Tampered"
    path.write_text(json.dumps(stored))
    # a file written by this fingerprint is trusted: shown as kept (what the cache is for)
    assert _listed()[0][0]["name"] == "Tampered"


def test_content_that_warns_warns_every_time_and_is_not_kept(
    cache: Path, tmp_path: Path
) -> None:
    instrument, sector = tmp_path / "mini.toml", tmp_path / "sector.toml"
    instrument.write_text(tomli_w.dumps(instrument_dict()))
    data = mini_sector_dict()
    data["offerings"][0]["items"][2]["provenance"] = "verbatim"  # the deprecated name
    sector.write_text(tomli_w.dumps(data))
    add_content_files([instrument, sector])
    for _ in range(2):
        plugins.reset_registry()
        with pytest.warns(FutureWarning, match="verbatim"):
            assert "test_sector" in [r["sector"] for r in sector_records("en")]
    assert not list(cache.glob("catalog-*.json"))


def test_empty_cache_dir_setting_caches_nothing(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(catalog_cache.ENV_CACHE_DIR, "")
    assert catalog_cache.cache_dir() is None
    assert _listed() == _fresh()
    assert not cache.exists()


def test_unwritable_cache_dir_is_no_error(cache: Path) -> None:
    cache.parent.mkdir(exist_ok=True)
    cache.write_text("a file where the folder should be")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _listed() == _fresh()


def test_listing_a_registry_given_does_not_touch_the_cache(cache: Path) -> None:
    reg = build_registry(make_plugin_manager())
    assert sector_records("en", registry=reg)
    assert not cache.exists()


# --- the command line, as whole processes -----------------------------------------------

PROBE = (
    "import sys\nsys.argv = ['relscale', *sys.argv[1:]]\n"
    "from relscale.cli.main import main\n"
    "try:\n    main()\nexcept SystemExit as exc:\n    code = exc.code\nelse:\n    code = 0\n"
    "print('MODULES', ' '.join(m for m in ('pydantic', 'babel', 'relscale.registry')"
    " if m in sys.modules), file=sys.stderr)\nsys.exit(code)\n"
)


def _cli(cache: Path, *args: str) -> tuple[int, str, str, str]:
    env = {**os.environ, catalog_cache.ENV_CACHE_DIR: str(cache)}
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True,
                          text=True, env=env, check=False)
    err, _, modules = done.stderr.rpartition("MODULES")
    return done.returncode, done.stdout, err, modules.strip()


@pytest.mark.parametrize("command", ["sectors", "instruments"])
def test_cli_listing_twice_same_output_and_nothing_heavy_the_second_time(
    cache: Path, command: str
) -> None:
    first = _cli(cache, command)
    second = _cli(cache, command)
    dutch = _cli(cache, "--locale", "nl", command)
    assert first[0] == second[0] == dutch[0] == 0, first[2] + second[2] + dutch[2]
    assert first[1] == second[1] and first[2] == second[2] == ""
    assert "relscale.registry" in first[3] and "pydantic" in first[3]  # validated
    assert second[3] == ""  # from the cache, typer's coercion not built, no babel
    uncached = _cli(cache.parent / "other", "--locale", "nl", command)
    assert dutch[:3] == uncached[:3] and dutch[1] != first[1]


def test_cli_broken_content_file_is_still_one_line(cache: Path, tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(tomli_w.dumps(instrument_dict()))
    assert _cli(cache, "--content", str(path), "instruments")[0] == 0
    # cached (typer coerces the --content value with pydantic, but nothing is validated)
    assert "relscale.registry" not in _cli(cache, "--content", str(path), "instruments")[3]
    path.write_text(tomli_w.dumps(instrument_dict(perspectives=[])))
    code, out, err, _ = _cli(cache, "--content", str(path), "instruments")
    assert code != 0 and out == ""
    assert err.startswith(f"relscale: error: {path}: ") and err.count("\n") == 1
    assert "Traceback" not in err


def test_a_content_file_past_the_size_limit_is_refused_as_before(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.toml"
    path.write_text(tomli_w.dumps(instrument_dict()) + "#" * 2**20)
    add_content_files([path])
    monkeypatch.setenv("RELSCALE_MAX_CONTENT_MB", "1")
    assert catalog_cache.slot(get_plugin_manager()) is None  # read no further than that
    plugins.reset_registry()
    with pytest.raises(relscale.ContentError, match="larger than 1 MB"):
        sector_records("en")

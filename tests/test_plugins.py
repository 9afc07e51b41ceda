"""Plugin loading, isolation, and validation of what plugins register."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Callable
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest

from fixtures_content import instrument_dict, mini_sector_dict, sector_dict
from relscale import PluginError, adapt, hookimpl
from relscale.plugins import get_registry, make_plugin_manager
from relscale.registry import build_registry

ROOT = Path(__file__).resolve().parents[1]
BUILTIN_SECTORS = {"education", "foster_homes", "disability_care", "youth_care"}


class MiniPlugin:
    @hookimpl
    def register_instruments(self, register: Callable[[Any], None]) -> None:
        register(instrument_dict())

    @hookimpl
    def register_sectors(self, register: Callable[[Any], None]) -> None:
        register(mini_sector_dict())


def test_builtin_sectors_register_through_entry_points() -> None:
    names = {ep.name: ep.value for ep in entry_points(group="relscale")}
    for sector in BUILTIN_SECTORS:  # each a data plugin: the object `plugin` in its package
        assert names.get(sector) == f"relscale_{sector}:plugin"
    assert set(get_registry().sectors) == BUILTIN_SECTORS


def test_inline_plugin_registers_and_unregisters(register_plugin: Any) -> None:
    register_plugin(MiniPlugin(), "mini")
    reg = get_registry()
    assert "mini" in reg.instruments and "test_sector" in reg.sectors
    assert reg.origin[("sector", "test_sector")] == "mini"
    adapted = adapt("mini", "test_sector")
    assert [i.id for i in adapted.items] == ["m1", "m2", "m3", "x1"]
    assert [i.id for i in adapted.dropped] == ["m4"]
    assert adapted.items[1].keying == "-"
    assert adapted.items[3].dimension == "friction"


def test_fixture_leaves_nothing_behind() -> None:
    assert "mini" not in get_registry().instruments


def test_allow_list_limits_installed_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELSCALE_PLUGINS", "education")
    reg = build_registry(make_plugin_manager())
    assert set(reg.sectors) == {"education"}
    monkeypatch.setenv("RELSCALE_PLUGINS", "")
    reg = build_registry(make_plugin_manager())
    assert reg.sectors == {} and len(reg.instruments) == 3


def _registry_with(*plugins: Any) -> Any:
    pm = make_plugin_manager(entrypoints=False)
    for i, plugin in enumerate(plugins):
        pm.register(plugin, name=f"plugin{i}")
    return build_registry(pm)


def test_duplicate_instrument_names_both_plugins() -> None:
    class Again:
        @hookimpl
        def register_instruments(self, register: Callable[[Any], None]) -> None:
            register(instrument_dict())

    with pytest.raises(PluginError, match="plugin 'plugin1': instrument 'mini' is already "
                                         "registered by plugin 'plugin0'"):
        _registry_with(MiniPlugin(), Again())


def test_invalid_registration_names_plugin_object_and_field() -> None:
    class Broken:
        @hookimpl
        def register_instruments(self, register: Callable[[Any], None]) -> None:
            register(instrument_dict(id="broken", scale={"id": "s", "points": []}))

    with pytest.raises(PluginError, match=r"plugin 'plugin0': instrument 'broken': scale\.points"):
        _registry_with(Broken())


def test_sector_must_cover_every_slot() -> None:
    class Partial(MiniPlugin):
        @hookimpl
        def register_sectors(self, register: Callable[[Any], None]) -> None:
            register(sector_dict(offerings=[{
                "instrument": "mini", "perspective": "professional", "instructions": "x",
                "items": [{"item": "m1", "text": "t", "provenance": "unchanged",
                           "rationale": "r"}]}]))

    with pytest.raises(PluginError, match="neither worded nor dropped: m2, m3, m4"):
        _registry_with(Partial())


def test_sector_for_unknown_instrument() -> None:
    class Orphan:
        @hookimpl
        def register_sectors(self, register: Callable[[Any], None]) -> None:
            register(mini_sector_dict())

    with pytest.raises(PluginError, match="unknown instrument 'mini'"):
        _registry_with(Orphan())


def test_plugin_bug_is_reported_with_its_name() -> None:
    class Buggy:
        @hookimpl
        def register_norms(self, register: Callable[[Any], None]) -> None:
            raise ZeroDivisionError("oops")

    with pytest.raises(PluginError, match="plugin 'plugin0' failed in register_norms"):
        _registry_with(Buggy())


def _imports(folder: Path) -> set[str]:
    found = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module)
    return found


def test_core_imports_no_plugin() -> None:
    assert not {m for m in _imports(ROOT / "core") if m.startswith("relscale_")}


def test_plugins_use_only_public_api() -> None:
    for folder in (ROOT / "plugins").iterdir():
        if not folder.is_dir():
            continue
        imports = _imports(folder)
        me = next(folder.glob("relscale_*")).name
        others = {m for m in imports if m.startswith("relscale_") and m.split(".")[0] != me}
        private = {m for m in imports if m.startswith("relscale.")}
        assert not others, f"{me} imports another plugin: {others}"
        assert not private, f"{me} reaches past the public API: {private}"


@pytest.mark.parametrize(("args", "allowed"), [
    (["--help"], ""),
    (["--locale", "en", "show", "--help"], ""),
    (["--locale", "nl", "--help"], "babel"),  # Dutch help reads the PO file with babel
], ids=str)
def test_help_does_not_import_heavy_modules(args: list[str], allowed: str) -> None:
    code = (
        f"import sys\nfrom relscale.cli.main import main\nsys.argv = ['relscale', *{args!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('openpyxl', 'numpy', 'babel') if m in sys.modules]\n"
        "print('HEAVY:' + ','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert ("Gebruik" if "nl" in args else "Usage") in out.stdout
    assert out.stdout.strip().splitlines()[-1] == "HEAVY:" + allowed


def test_register_commands_adds_a_working_command(register_plugin: Any) -> None:
    import typer
    from typer.testing import CliRunner

    from relscale.plugins import get_plugin_manager

    class Hello:
        @hookimpl
        def register_commands(self, cli: typer.Typer) -> None:
            @cli.command()
            def hello(name: str) -> None:
                """Greet."""
                typer.echo(f"hello {name}, {len(get_registry().sectors)} sectors")

    register_plugin(Hello(), "hello")
    cli = typer.Typer()

    @cli.command()
    def other() -> None:  # a second command, so typer keeps subcommand names
        pass

    get_plugin_manager().hook.register_commands(cli=cli)
    result = CliRunner().invoke(cli, ["hello", "ada"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "hello ada, 4 sectors"


def _entry_points(monkeypatch: pytest.MonkeyPatch, **modules: Any) -> None:
    """Installed plugins for make_plugin_manager: name -> module object (or a missing name)."""
    import types
    from importlib.metadata import EntryPoint

    from relscale import plugins

    eps = []
    for name, module in modules.items():
        if isinstance(module, types.ModuleType):
            monkeypatch.setitem(sys.modules, module.__name__, module)
            eps.append(EntryPoint(name, module.__name__, "relscale"))
        else:
            eps.append(EntryPoint(name, str(module), "relscale"))
    monkeypatch.setattr(plugins, "entry_points", lambda group: eps)
    monkeypatch.delenv("RELSCALE_PLUGINS")


def _module(name: str, **functions: Any) -> Any:
    import types

    module = types.ModuleType(name)
    for fname, fn in functions.items():
        fn.__name__ = fname
        setattr(module, fname, hookimpl(fn))
    return module


def test_misspelt_hook_is_an_error_not_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    def register_sector(register: Callable[[Any], None]) -> None:
        register(mini_sector_dict())

    _entry_points(monkeypatch, typo=_module("relscale_typo", register_sector=register_sector))
    with pytest.raises(PluginError, match="plugin 'typo': unknown hook 'register_sector' "
                                         r"\(relscale's hooks: .*register_sectors"):
        make_plugin_manager()


def test_hook_argument_misnamed_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    def register_sectors(reg: Callable[[Any], None]) -> None:
        reg(mini_sector_dict())

    _entry_points(monkeypatch, argname=_module("relscale_argname",
                                               register_sectors=register_sectors))
    with pytest.raises(PluginError, match=r"plugin 'argname': .*\{'reg'\}") as info:
        make_plugin_manager()
    assert "\n" not in str(info.value)


def test_plugin_import_error_names_the_plugin(monkeypatch: pytest.MonkeyPatch) -> None:
    _entry_points(monkeypatch, broken="relscale_no_such_plugin_module")
    with pytest.raises(PluginError, match="plugin 'broken' could not be loaded: "
                                         r"ModuleNotFoundError: .*RELSCALE_PLUGINS"):
        make_plugin_manager()


def test_cli_reports_a_broken_plugin_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from relscale.cli import main as cli_main

    def broken() -> None:
        raise PluginError("plugin 'broken' could not be loaded: ImportError: x")

    monkeypatch.setattr(cli_main, "load_plugin_commands", broken)
    with pytest.raises(SystemExit) as info:
        cli_main.main()
    assert info.value.code == 1
    assert capsys.readouterr().err == (
        "relscale: error: plugin 'broken' could not be loaded: ImportError: x\n"
    )


def test_unknown_sector_names_plugins_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    from relscale import RelscaleError

    reg = get_registry()
    monkeypatch.setenv("RELSCALE_PLUGINS", "education,foster_homes")
    with pytest.raises(RelscaleError, match=r"unknown sector 'nope' \(known: .*\) \(not loaded "
                                            "because of RELSCALE_PLUGINS: disability_care, "
                                            "youth_care\\)"):
        reg.sector("nope")
    monkeypatch.delenv("RELSCALE_PLUGINS")
    with pytest.raises(RelscaleError) as info:
        reg.sector("nope")
    assert "RELSCALE_PLUGINS" not in str(info.value)


def _norm_table(sector: str, perspective: str) -> dict[str, Any]:
    return {
        "instrument": "mini", "sector": sector, "perspective": perspective,
        "population": {"n": 200, "year": 2026, "source": "test", "status": "local"},
        "banding": "one", "bands": [{"label": "all", "lower": 0, "upper": 100}],
        "dimensions": [{"dimension": "warmth", "mean": 3, "sd": 1, "n": 200,
                        "percentiles": [{"raw": 1, "percentile": 0}]}],
    }


@pytest.mark.parametrize(
    ("sector", "perspective", "problem"),
    [
        ("test_sectr", "professional", "unknown sector 'test_sectr'"),
        ("test_sector", "client", "the instrument has no 'client' perspective"),
    ],
)
def test_norm_table_must_fit_a_registered_sector(
    sector: str, perspective: str, problem: str
) -> None:
    """A table for a sector that is not there (a typo) was accepted and never used."""
    table = _norm_table(sector, perspective)

    class Norms(MiniPlugin):
        @hookimpl
        def register_norms(self, register: Callable[[Any], None]) -> None:
            register(table)

    with pytest.raises(PluginError, match=problem):
        _registry_with(Norms())


def test_norm_table_for_a_declined_perspective_is_an_error() -> None:
    two = instrument_dict(perspectives=["professional", "client"], items=[
        *instrument_dict()["items"],
        {"id": "c1", "perspective": "client", "dimension": "warmth", "keying": "+",
         "intent": "Client warmth."},
    ])
    sector = mini_sector_dict()
    sector["offerings"].append({"instrument": "mini", "perspective": "client",
                                "declined": "Not for this sector, for good reasons."})
    table = _norm_table("test_sector", "client")

    class Declined:
        @hookimpl
        def register_instruments(self, register: Callable[[Any], None]) -> None:
            register(two)

        @hookimpl
        def register_sectors(self, register: Callable[[Any], None]) -> None:
            register(sector)

        @hookimpl
        def register_norms(self, register: Callable[[Any], None]) -> None:
            register(table)

    with pytest.raises(PluginError, match="does not offer this instrument perspective"):
        _registry_with(Declined())

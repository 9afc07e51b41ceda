"""``--help`` in the requested language (msgctxt "help" in the ``relscale`` domain).

End to end through ``python -m relscale`` (``main()`` reads the locale from the command
line before typer runs); the argument scanning and the merge rule in-process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import typer

from relscale import translation as tools
from relscale.cli.help_i18n import (
    help_texts,
    mentioned_locales,
    requested_locale,
)
from relscale.cli.main import app, cli_command
from relscale.i18n import Translator, available_locales
from relscale.translation import HELP_CONTEXT

pytestmark = pytest.mark.skipif("nl" not in available_locales(), reason="no nl catalog")

ENGLISH_MARKER = "Show this message and exit."


Run = tuple[tuple[str, ...], tuple[tuple[str, str], ...]]
RUNS: list[Run] = [  # the end-to-end runs below, started together (see _run_all)
    (("--locale", "nl", "--help"), ()),
    (("--locale", "nl", "show", "--help"), ()),
    (("show", "--help", "--locale=nl"), ()),
    (("form", "--help"), (("RELSCALE_LOCALE", "nl_BE"),)),
    (("score", "--help", "--locale", "nl"), ()),
    (("-l", "nl", "i18n", "--help"), ()),
    (("show", "--help"), ()),
    (("--locale", "en", "show", "--help"), ()),
    (("show", "--help", "--locale", "xx"), ()),
    (("--locale", "xx", "sectors"), ()),
]
_done: dict[Run, subprocess.CompletedProcess[str]] = {}


def _python_m_relscale(run: Run) -> subprocess.CompletedProcess[str]:
    args, env = run
    environ = {k: v for k, v in os.environ.items() if k != "RELSCALE_LOCALE"}
    environ.update(dict(env))
    return subprocess.run([sys.executable, "-m", "relscale", *args], capture_output=True,
                          text=True, env=environ, timeout=60)


@pytest.fixture(scope="module", autouse=True)
def _run_all() -> None:
    """Start the end-to-end runs in parallel: each is a fresh interpreter (~0.3 s)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=4) as pool:
        _done.update(zip(RUNS, pool.map(_python_m_relscale, RUNS), strict=True))


def relscale(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m relscale ARGS`` (without ``$RELSCALE_LOCALE`` unless in ``env``)."""
    run: Run = (args, tuple(sorted((env or {}).items())))
    if run not in _done:
        _done[run] = _python_m_relscale(run)
    return _done[run]


def squeeze(text: str) -> str:
    """Without whitespace: click rewraps and indents help texts."""
    return "".join(text.split())


def texts_of(*path: str) -> list[str]:
    """English help texts of one command (its own and its parameters')."""
    command = typer.main.get_command(app)
    return [h.text for h in help_texts(command) if h.path == ("relscale", *path)]


def dutch(text: str) -> str:
    return Translator("nl").lookup(text, context=HELP_CONTEXT)


def assert_dutch(output: str, *path: str) -> None:
    flat = squeeze(output)
    for text in texts_of(*path):
        assert dutch(text) != text, f"no Dutch for {text!r}"
        assert squeeze(dutch(text)) in flat, dutch(text)
        assert squeeze(text) not in flat, text


def assert_english(output: str, *path: str) -> None:
    flat = squeeze(output)
    for text in texts_of(*path):
        assert squeeze(text) in flat, text


# --- Dutch help ------------------------------------------------------------------------


@pytest.fixture
def run_main(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    """``relscale ARGS`` in-process through ``main()``: (exit code, stdout, stderr)."""
    from relscale.cli import common, main

    def run(*args: str, env: str | None = None) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["relscale", *args])
        monkeypatch.setattr(common.state, "locale", None)
        if env is None:
            monkeypatch.delenv("RELSCALE_LOCALE", raising=False)
        else:
            monkeypatch.setenv("RELSCALE_LOCALE", env)
        capsys.readouterr()
        try:
            main.main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_root_help_in_dutch() -> None:
    result = relscale("--locale", "nl", "--help")
    assert result.returncode == 0, result.stderr
    assert_dutch(result.stdout)
    # the command list shows the start of each command's translated help
    show = dutch(texts_of("show")[0])
    assert squeeze(" ".join(show.split()[:4])) in squeeze(result.stdout)
    assert result.stderr == ""


@pytest.mark.parametrize("args", [
    ["--locale", "nl", "show", "--help"],
    ["show", "--help", "--locale=nl"],
], ids=" ".join)
def test_show_help_in_dutch(args: list[str]) -> None:
    result = relscale(*args)
    assert result.returncode == 0, result.stderr
    assert_dutch(result.stdout, "show")
    assert result.stderr == ""


def test_environment_locale_gives_dutch_help() -> None:
    result = relscale("form", "--help", env={"RELSCALE_LOCALE": "nl_BE"})
    assert result.returncode == 0, result.stderr
    assert_dutch(result.stdout, "form")


def test_score_and_the_i18n_group_in_dutch() -> None:
    score = relscale("score", "--help", "--locale", "nl")
    assert score.returncode == 0
    assert_dutch(score.stdout, "score")
    group = relscale("-l", "nl", "i18n", "--help")
    assert group.returncode == 0
    assert_dutch(group.stdout, "i18n")


@pytest.mark.parametrize(("args", "env"), [
    (["--locale", "nl", "show", "--help"], None),
    (["show", "--help", "--locale", "nl"], None),
    (["-l", "nl", "show", "--help"], None),
    (["show", "-l", "nl", "--help"], None),
    (["show", "-lnl", "--help"], None),
    (["--locale=nl", "show", "--help"], None),
    (["show", "--help", "--locale=nl_BE"], None),
    (["show", "--help"], "nl"),
    (["show", "--help"], "nl-be"),
    (["--locale", "de", "show", "--help", "-l", "nl"], None),
], ids=str)
def test_every_way_of_asking_for_dutch(run_main: Any, args: list[str], env: str | None) -> None:
    code, out, err = run_main(*args, env=env)
    assert code == 0, err
    assert_dutch(out, "show")
    assert err == ""


@pytest.mark.parametrize("path", [("forms",), ("i18n", "status"), ("norms", "build")], ids=str)
def test_more_commands_in_dutch(run_main: Any, path: tuple[str, ...]) -> None:
    code, out, _ = run_main("--locale", "nl", *path, "--help")
    assert code == 0
    assert_dutch(out, *path)


def test_a_group_without_arguments_shows_dutch_help(run_main: Any) -> None:
    code, out, err = run_main("--locale", "nl", "norms")  # no_args_is_help: on stderr
    assert code == run_main("norms")[0]
    assert_dutch(out + err, "norms")


def test_catalog_locale_of_the_i18n_commands_does_not_choose_the_language(
    run_main: Any,
) -> None:
    # here --locale names the catalog to work on; the output follows relscale --locale
    code, out, _ = run_main("i18n", "status", "--locale", "nl", "--help")
    assert code == 0
    assert_english(out, "i18n", "status")
    _, out, _ = run_main("--locale", "nl", "i18n", "status", "--locale", "de", "--help")
    assert_dutch(out, "i18n", "status")


# --- English and invalid locales -------------------------------------------------------


def test_english_help_is_unchanged(run_main: Any) -> None:
    plain = relscale("show", "--help")
    assert plain.returncode == 0
    assert_english(plain.stdout, "show")
    assert ENGLISH_MARKER in plain.stdout
    assert relscale("--locale", "en", "show", "--help").stdout == plain.stdout
    code, english, _ = run_main("show", "--help")
    assert code == 0
    for args, env in ((["--locale", "en", "show", "--help"], None),
                      (["show", "--help", "-l", "en_GB"], None),
                      (["show", "--help"], "en")):
        assert run_main(*args, env=env)[1] == english, args
    assert run_main("--help")[1] == run_main("--locale", "en", "--help")[1]


def test_invalid_locale_with_help_shows_english_help() -> None:
    # Help needs no locale: it is shown in English, as before; the locale is
    # validated (one error line) when a command uses it.
    result = relscale("show", "--help", "--locale", "xx")
    assert result.returncode == 0, result.stderr
    assert_english(result.stdout, "show")
    assert result.stderr == ""


@pytest.mark.parametrize("args", [
    ["--locale", "xx", "--help"],
    ["--locale", "fi", "show", "--help"],  # known to babel, no catalog
    ["show", "--help", "-l", "nl_XX"],
], ids=" ".join)
def test_invalid_locales_with_help(run_main: Any, args: list[str]) -> None:
    code, out, err = run_main(*args)
    assert code == 0
    assert ENGLISH_MARKER in out
    assert err == ""


def test_invalid_locale_without_help_is_one_error_line() -> None:
    result = relscale("--locale", "xx", "sectors")
    assert result.returncode != 0
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "relscale: error: unknown locale 'xx' (available: en (English), nl (Nederlands))"]


def test_errors_keep_their_one_line_form_and_exit_codes_in_dutch(run_main: Any) -> None:
    args = ("show", "no_such_instrument", "--sector", "foster_homes")
    code_en, _, _ = run_main(*args)
    code_nl, _, err_nl = run_main("--locale", "nl", *args)
    assert code_nl == code_en != 0
    assert err_nl.startswith("relscale: fout: onbekend instrument")
    assert len(err_nl.splitlines()) == 1
    code_en, _, err_en = run_main("show")
    code_nl, _, err_nl = run_main("--locale", "nl", "show")
    assert code_nl == code_en == 2
    # click's usage errors in the user's language too, with the same lines
    assert err_en.startswith("Usage: relscale show [OPTIONS] {INSTRUMENT}")
    assert err_nl.startswith("Gebruik: relscale show [OPTIES] {INSTRUMENT}")
    assert "Fout: Argument 'INSTRUMENT' ontbreekt." in err_nl
    assert len(err_nl.splitlines()) == len(err_en.splitlines())
    # and only while that run lasts: the next English run is English again
    code_en, _, again = run_main("show")
    assert again == err_en


# --- reading the locale from the command line ------------------------------------------


@pytest.mark.parametrize(("args", "env", "expected"), [
    (["--help"], None, None),
    (["--help"], "nl", "nl"),
    (["--locale", "de", "show", "--help"], "nl", "de"),
    (["-l", "de", "show", "-l", "nl"], None, "nl"),  # the command's wins over the root's
    (["--locale", "nl", "--locale", "de"], None, "de"),  # click keeps the last
    (["forms", "-l", "en", "-l", "nl"], None, "en"),  # forms: messages use the first
    (["i18n", "status", "-l", "nl"], None, None),  # a catalog locale
    (["--content", "-l", "show"], None, None),  # -l is the value of --content
    (["show", "-fl", "nl"], None, None),  # --format l, then an argument
    (["show", "--", "--locale", "nl"], None, None),
], ids=str)
def test_requested_locale(args: list[str], env: str | None, expected: str | None) -> None:
    command = typer.main.get_command(app)
    assert requested_locale(command, args, env) == expected


def test_mentioned_locales_over_matches_but_never_misses() -> None:
    assert mentioned_locales(["--help"], None) == []
    assert mentioned_locales(["show", "-fl", "nl"], "en") == ["en", "nl"]
    assert mentioned_locales(["--locale=nl_BE"], None) == ["nl_BE"]


# --- extraction ------------------------------------------------------------------------


def test_template_holds_every_help_text_with_context_and_location() -> None:
    tmpl = tools.template(tools.select_domains(tools.domains(), ["relscale"])[0],
                          help_messages=help_texts(cli_command()))
    texts = [h.text for h in help_texts(typer.main.get_command(app))]
    assert len(texts) > 100
    for text in texts:
        assert tmpl.get(text, HELP_CONTEXT) is not None, text
    show = tmpl.get(texts_of("show")[0], HELP_CONTEXT)
    assert show.locations == [("relscale/cli/catalog.py", show.locations[0][1])]
    assert show.auto_comments == ["--help of `relscale show`"]
    shared = tmpl.get("Sector id, e.g. foster_homes.", HELP_CONTEXT)
    assert shared.locations[0][0] == "relscale/cli/common.py"


def test_extract_writes_help_texts_into_the_pot(run_main: Any, tmp_path: Path) -> None:
    code, _, err = run_main("i18n", "extract", "-d", "relscale", "-o", str(tmp_path))
    assert code == 0, err
    pot = (tmp_path / "relscale.pot").read_text(encoding="utf-8")
    assert 'msgctxt "help"\nmsgid "Show this message and exit."' in pot
    assert "#. --help of `relscale show`\n" in pot


def test_plugin_commands_are_extracted_and_shown(tmp_path: Path) -> None:
    script = textwrap.dedent('''
        import sys
        from relscale import hookimpl
        from relscale import translation as tools
        from relscale.cli.help_i18n import help_texts
        from relscale.cli.main import cli_command, main
        from relscale.plugins import get_plugin_manager

        class Hello:
            @hookimpl
            def register_commands(self, cli):
                @cli.command()
                def hello() -> None:
                    """Greet the world from a plugin."""

        get_plugin_manager().register(Hello(), name="hello")
        domain = tools.select_domains(tools.domains(), ["relscale"])[0]
        message = tools.template(domain, help_messages=help_texts(cli_command())).get(
            "Greet the world from a plugin.", "help")
        print(message.auto_comments)
        sys.argv = ["relscale", "--locale", "nl", "hello", "--help"]
        main()
    ''')
    path = tmp_path / "hello.py"
    path.write_text(script, encoding="utf-8")
    shown = subprocess.run([sys.executable, str(path)], capture_output=True, text=True)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.splitlines()[0] == "['--help of `relscale hello`']"
    # no Dutch for it in core's catalog: English, beside Dutch for the rest
    assert "Greet the world from a plugin." in shown.stdout
    assert dutch(ENGLISH_MARKER) in shown.stdout


def test_a_reworded_help_text_keeps_only_a_similar_translation() -> None:
    from babel.messages.catalog import Catalog

    old = Catalog(locale="nl", fuzzy=False)
    old.add("Overwrite output files that exist.", "Overschrijf bestaande uitvoerbestanden.",
            context=HELP_CONTEXT)
    new = Catalog(fuzzy=False)
    new.add("Overwrite output files that already exist.", context=HELP_CONTEXT)
    new.add("Number of simulated respondents.", context=HELP_CONTEXT)
    result = tools.merge(old, new, contexts_name_objects=False)
    assert result.fuzzy == 1
    reworded = old.get("Overwrite output files that already exist.", HELP_CONTEXT)
    assert reworded.fuzzy and reworded.string == "Overschrijf bestaande uitvoerbestanden."
    assert not old.get("Number of simulated respondents.", HELP_CONTEXT).string

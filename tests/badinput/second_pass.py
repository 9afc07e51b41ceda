"""The bad-input corpus, second pass (issue 25): what an attacker and a careless day still
got through after the first pass. Each case fails on the code before issue 25's fixes
(the report in benchmarks/RESULTS-fuzz.md says how that was checked) and names its
finding in its docstring.
"""

from __future__ import annotations

from pathlib import Path

from badinput import INSTRUMENT, LOCALE_PATH, SCORE, SECTOR, Case, case, catalog, write_data

SECRET = "hunter2-relscale-secret"


def _line_of(path: Path, text: bytes) -> int:
    return path.read_bytes().split(b"\n").index(text) + 1


# --- 1, 2: catalogs: every form checked, no format specs --------------------------------


@case
def catalog_plural_form_reads_environment(d: Path) -> Case:
    """1: msgstr[1] of a plural entry was used without the placeholder check."""
    po = catalog(d, b'#, python-brace-format\nmsgid "{path}: form with {n} item written"\n'
                    b'msgid_plural "{path}: form with {n} items written"\n'
                    b'msgstr[0] "{path}: vragenlijst met {n} item"\n'
                    b'msgstr[1] "{path.__class__.__init__.__globals__[os].environ'
                    b'[RELSCALE_TEST_SECRET]}"\n')
    return Case(["--locale", "nl", "form", INSTRUMENT, "-s", SECTOR, "-o", "form.xlsx"],
                f"{po}: vermelding '{{path}}: form with {{n}} item written' niet gebruikt",
                code=0, env={**LOCALE_PATH, "RELSCALE_TEST_SECRET": SECRET}, lacks=[SECRET],
                present=["form.xlsx"])


@case
def catalog_format_spec_pads_output(d: Path) -> Case:
    """2: a width in a translation's field was obeyed (300 MB on stderr)."""
    write_data(d, ["a"])
    po = catalog(d, b'#, python-brace-format\n'
                    b'msgid "{scored} scored, {incomplete} with missing scales, {rejected} '
                    b'rejected"\n'
                    b'msgstr "{scored:>3000000} gescoord, {incomplete} onvolledig, {rejected} '
                    b'afgewezen"\n')
    return Case(["--locale", "nl", *SCORE, "-o", "out.csv"], f"{po}: vermelding '{{scored}} "
                "scored, {incomplete} with missing scales, {rejected' niet gebruikt (veld "
                "{scored} heeft een opmaak", code=0, env=LOCALE_PATH, present=["out.csv"])


@case
def catalog_format_spec_on_a_path(d: Path) -> Case:
    """2: ``{path:>10}`` gave a traceback after the output was written."""
    write_data(d, ["a"])
    po = catalog(d, b'#, python-brace-format\nmsgid "{path} written"\n'
                    b'msgstr "{path:>10} geschreven"\n')
    return Case(["--locale", "nl", *SCORE, "-o", "out.csv"], f"{po}: vermelding "
                "'{path} written' niet gebruikt", code=0, env=LOCALE_PATH, present=["out.csv"])


@case
def i18n_check_reports_a_plural_form(d: Path) -> Case:
    """1: ``relscale i18n check`` read msgstr[0] only and reported 0 errors."""
    po = catalog(d, b'#, python-brace-format\nmsgid "{n} form written to {path}"\n'
                    b'msgid_plural "{n} forms written to {path}"\n'
                    b'msgstr[0] "{n} vragenlijst geschreven naar {path}"\n'
                    b'msgstr[1] "{path.__class__}"\n')
    line = _line_of(po, b'msgid "{n} form written to {path}"')
    return Case(["i18n", "check", "-d", "relscale", "-l", "nl"], f"{po}, line {line}: error: "
                "'{n} form written to {path}' msgstr[1]: unsafe placeholder {path.__class__}",
                env=LOCALE_PATH, raw=True)


@case
def i18n_check_reports_a_format_spec(d: Path) -> Case:
    """2: ``relscale i18n check`` let a translator's format spec through."""
    po = catalog(d, b'#, python-brace-format\nmsgid "{path} written"\n'
                    b'msgstr "{path:>300000000} geschreven"\n')
    line = _line_of(po, b'msgid "{path} written"')
    return Case(["i18n", "check", "-d", "relscale", "-l", "nl"], f"{po}, line {line}: error: "
                "'{path} written': unsafe placeholder {path}", env=LOCALE_PATH, raw=True)

"""The browsing commands, through typer's runner and one real subprocess."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from relscale import get_registry
from relscale.cli.main import app

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_sectors_lists_the_four_sectors() -> None:
    code, out, _ = run("sectors")
    assert code == 0
    for sector in ("education", "foster_homes", "disability_care", "youth_care"):
        assert sector in out
    assert "foster-home parent" in out


def test_instruments_lists_the_three_instruments() -> None:
    code, out, _ = run("instruments")
    assert code == 0
    for inst in ("relationship_quality", "relationship_quality_client", "working_alliance"):
        assert inst in out
    assert "not yet validated" in out


def _combinations() -> list[tuple[str, str, str]]:
    return [(s.id, i.id, p) for s, i, p in get_registry().offerings()]


@pytest.mark.parametrize(("sector", "instrument", "perspective"), _combinations())
def test_show_every_offered_combination(sector: str, instrument: str, perspective: str) -> None:
    code, out, err = run("show", instrument, "--sector", sector, "--perspective", perspective)
    assert code == 0, err
    from relscale import adapt

    adapted = adapt(instrument, sector, perspective)  # type: ignore[arg-type]
    # Every item's id is in the table, and the notice is shown.
    for item in adapted.items:
        assert f" {item.id} " in out
    assert "not yet validated" in out


def test_show_declined_perspective_is_a_clear_error() -> None:
    code, out, err = run(
        "show", "working_alliance", "--sector", "disability_care", "--perspective", "client"
    )
    assert code == 1
    assert err.startswith("relscale: error: sector 'disability_care' declines")
    assert "Traceback" not in err + out


def test_show_needs_perspective_when_ambiguous() -> None:
    code, _, err = run("show", "working_alliance", "--sector", "youth_care")
    assert code == 1 and "choose one with --perspective" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("show", "nope", "--sector", "education"), "unknown instrument 'nope'"),
        (("show", "relationship_quality", "--sector", "nope"), "unknown sector 'nope'"),
        (("show", "relationship_quality", "--sector", "education", "--locale", "xx_YY"),
         "unknown locale 'xx_YY'"),
    ],
)
def test_bad_input_one_line_error(args: tuple[str, ...], message: str) -> None:
    code, _, err = run(*args)
    assert code == 1
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_diff_shows_provenance_and_rationale() -> None:
    code, out, err = run("diff", "relationship_quality", "--sector", "disability_care")
    assert code == 0, err
    assert "terms substituted" in out or "reworded" in out
    code, out, err = run(
        "diff", "relationship_quality", "--sector", "disability_care", "--format", "json"
    )
    assert code == 0, err
    import json

    records = {r["item"]: r for r in json.loads(out)}
    sector = get_registry().sector("disability_care")
    offering = sector.offering("relationship_quality", "professional")
    assert offering is not None
    education = get_registry().sector("education").offering("relationship_quality", "professional")
    assert education is not None
    assert set(records) == {w.item for w in offering.items}
    for wording in offering.items:
        record = records[wording.item]
        assert record["provenance"] == wording.provenance
        assert record["rationale"] == wording.rationale
        assert record["sector"] == (wording.text or "").replace("{subject}", "{subject}")
    for wording in education.items:
        if wording.item in records:
            assert records[wording.item]["education"] == wording.text


def test_real_subprocess_with_environment_locale() -> None:
    env = dict(os.environ, RELSCALE_LOCALE="nl")
    out = subprocess.run(
        [sys.executable, "-m", "relscale", "show", "relationship_quality",
         "--sector", "foster_homes"],
        capture_output=True, text=True, env=env, timeout=60,
    )
    assert out.returncode == 0, out.stderr
    from relscale import adapt

    adapted = adapt("relationship_quality", "foster_homes", locale="nl")
    assert adapted.items[0].text.split()[0] in out.stdout
    assert adapted.locale == "nl"


def test_diff_notes_a_locale_fallback_once() -> None:
    # diff adapts twice (the sector and education); the fallback note is the same.
    code, _, err = run("diff", "relationship_quality", "--sector", "foster_homes",
                       "--locale", "nl_BE")
    assert code == 0, err
    # the prefix in the run's language (nl_BE: Dutch)
    notes = [line for line in err.splitlines()
             if line.startswith(("relscale: note:", "relscale: opmerking:"))]
    assert len(notes) == 1, notes
    assert "nl_BE" in notes[0]


def test_declined_reason_is_in_the_chosen_language() -> None:
    from relscale.adapt import declined_reason

    sector = get_registry().sector("disability_care")
    offering = sector.offering("working_alliance", "client")
    assert offering is not None and offering.declined
    dutch = declined_reason(sector, offering, "nl")
    assert dutch != offering.declined  # the catalog has it
    code, _, err = run("--locale", "nl", "show", "working_alliance", "--sector",
                       "disability_care", "--perspective", "client")
    assert code == 1
    assert dutch in err and offering.declined not in err


def test_slots_lists_every_slot_with_its_intent() -> None:
    import json

    code, out, err = run("slots", "working_alliance", "--format", "json")
    assert code == 0, err
    records = json.loads(out)
    inst = get_registry().instrument("working_alliance")
    assert [(r["item"], r["dimension"], r["keying"], r["intent"]) for r in records] == [
        (s.id, s.dimension, s.keying, s.intent) for s in inst.items
    ]
    code, out, err = run("slots", "working_alliance", "-p", "client", "--format", "json")
    assert {r["perspective"] for r in json.loads(out)} == {"client"}
    code, _, err = run("slots", "working_alliance", "-p", "nope")
    assert code == 1 and "has no 'nope' perspective" in err

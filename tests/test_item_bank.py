"""Item bank 0.2 and 0.3: sector response scales end to end, 'does not apply', per-locale
provenance, and the reviews' content rules."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from helpers import fill_with_openpyxl, make_form, runner
from relscale.adapt import adapt
from relscale.i18n import parse_locale_change
from relscale.io.responses import read_responses
from relscale.plugins import get_registry
from relscale.scoring.engine import score_responses, validate_values
from relscale.workbooks.codebook import build_codebook

NA = 9


def test_children_answer_with_truth_words_only() -> None:
    for sector in ("education", "foster_homes"):
        en = adapt("relationship_quality_client", sector, "client", "en").scale
        nl = adapt("relationship_quality_client", sector, "client", "nl").scale
        assert en.values == nl.values == (1, 2, 3, 4)
        assert [p.label for p in nl.points] == [
            "Klopt niet", "Klopt een beetje", "Klopt best wel", "Klopt helemaal"]
        assert all("true" in p.label.lower() for p in en.points)
    # and the instrument's own scale (youth care keeps it) mixes no frequency words in
    for locale in ("en", "nl"):
        labels = [p.label.lower() for p in
                  adapt("relationship_quality_client", "youth_care", "client", locale).scale.points]
        assert not any(w in label for label in labels
                       for w in ("mostly", "meestal", "ertussenin", "in between", "sometimes"))
        # 0.3: "a little" and "partly" (een beetje / deels) could not be told apart
        assert not any(w in label.split() for label in labels for w in ("partly", "deels"))
    youth = adapt("relationship_quality_client", "youth_care", "client", "nl").scale
    assert [p.label for p in youth.points] == [
        "Klopt helemaal niet", "Klopt een beetje", "Klopt half", "Klopt grotendeels",
        "Klopt helemaal"]


def test_disability_clients_answer_on_three_points_with_balancing_items() -> None:
    adapted = adapt("relationship_quality_client", "disability_care", "client", "nl")
    assert [p.label for p in adapted.scale.points] == ["Nee", "Een beetje", "Ja"]
    assert adapted.scale_changes and adapted.scale_rationale
    for dim in adapted.dimensions:
        keys = [i.keying for i in adapted.items_for(dim.id)]
        assert keys.count("-") == 1 and len(keys) >= 5, (dim.id, keys)
    # an acquiescent client ("yes" to everything) no longer lands on the unfavourable
    # maximum of conflict and negative expectations
    yes = np.full((1, len(adapted.items)), 3.0)
    raw = score_responses(adapted, yes).raw
    assert all(raw[d][0] < 3 for d in ("conflict", "negative_expectations"))


def _foster() -> tuple[object, int]:
    adapted = adapt("relationship_quality", "foster_homes", "professional")
    return adapted, adapted.item_ids.index("fh_rq_a01")


def test_does_not_apply_scores_as_missing() -> None:
    adapted, j = _foster()
    assert adapted.scale.not_applicable is not None
    assert adapted.scale.not_applicable.value == NA
    values = np.full((1, len(adapted.items)), 2.0)
    conflict = [k for k, i in enumerate(adapted.items) if i.dimension == "conflict"]
    values[0, conflict] = 4.0
    values[0, j] = NA
    scores = score_responses(adapted, values)
    assert scores.raw["conflict"][0] == pytest.approx(4.0)  # 9 left out, not averaged in
    answered = scores.answered["conflict"][0]
    assert answered == len(conflict) - 1
    with pytest.raises(Exception, match="9 for does not apply"):
        validate_values(adapted, np.where(np.arange(values.shape[1]) == j, 7.0, values))


def test_does_not_apply_from_csv_and_from_a_filled_form(tmp_path: Path) -> None:
    adapted, j = _foster()
    # CSV: `relscale score`
    data = tmp_path / "answers.csv"
    with data.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["respondent_code", *adapted.item_ids])
        w.writerow(["r1", *(NA if k == j else 3 for k in range(len(adapted.items)))])
    out = tmp_path / "scores.csv"
    result = runner().invoke(_app(), ["score", str(data), "-i", "relationship_quality",
                                      "-s", "foster_homes", "-o", str(out)])
    assert result.exit_code == 0, result.output
    row = next(csv.DictReader(out.open(encoding="utf-8")))
    assert float(row["conflict"]) == pytest.approx(3.0) and row["status"] == "scored"
    # a filled form: the read-back keeps the code, scoring treats it as missing
    form, _ = make_form(tmp_path, "relationship_quality", "foster_homes", locale="nl")
    filled = tmp_path / "filled.xlsx"
    fill_with_openpyxl(form, filled, {i: (NA if i == "fh_rq_a01" else 2)
                                      for i in adapted.item_ids})
    table = read_responses([filled], adapted)
    assert np.isnan(table.values[0, j]) and not np.isnan(table.values[0, j - 1])
    read = runner().invoke(_app(), ["read", str(filled), "-o", str(tmp_path / "read.csv")])
    assert read.exit_code == 0, read.output
    back = next(csv.DictReader((tmp_path / "read.csv").open(encoding="utf-8")))
    assert back["fh_rq_a01"] == str(NA)


def test_disability_client_form_reads_back_on_its_own_scale(tmp_path: Path) -> None:
    form, adapted = make_form(tmp_path, "relationship_quality_client", "disability_care",
                              locale="nl")
    answers = {i: 1 + k % 3 for k, i in enumerate(adapted.item_ids)}
    filled = tmp_path / "filled.xlsx"
    fill_with_openpyxl(form, filled, answers)
    table = read_responses([filled], adapted)
    assert table.values[0].tolist() == [float(answers[i]) for i in adapted.item_ids]
    bad = tmp_path / "bad.xlsx"
    fill_with_openpyxl(form, bad, {adapted.item_ids[0]: 4})  # 4 is not on a 3-point scale
    result = runner().invoke(_app(), ["read", str(bad), "-o", str(tmp_path / "x.csv")])
    assert result.exit_code != 0 and "from 1 to 3" in result.output


def test_codebooks_follow_the_sector_scale_and_show_locale_provenance() -> None:
    adapted = adapt("relationship_quality_client", "disability_care", "client", "en")
    entries = {e.variable: e for e in build_codebook(adapted)}
    assert entries["rqc01"].values == "1 = No; 2 = A bit; 3 = Yes"
    assert entries["dc_rqc_b02"].keying.startswith("- ") and "1 + 3" in entries["dc_rqc_b02"].keying
    assert entries["closeness"].values == "1-3"
    assert entries["dc_rqc_b01"].provenance.startswith("added: ")
    nl = {e.variable: e for e in build_codebook(
        adapt("relationship_quality_client", "disability_care", "client", "nl"), "nl")}
    # in the reader's words: the language by name, the change as a word
    assert "| Nederlands: kept" in nl["rqc01"].provenance
    professional = {e.variable: e for e in build_codebook(
        adapt("relationship_quality", "disability_care", "professional", "nl"), "nl")}
    assert "| Nederlands: reworded: " in professional["rq19"].provenance  # "uit dienst"
    foster, _ = _foster()
    missing = {e.variable: e.missing for e in build_codebook(foster)}["fh_rq_a01"]
    assert "9 = Does not apply to this situation" in missing


def test_shipped_norms_follow_the_scales() -> None:
    reg = get_registry()
    for sector, top in (("education", 4), ("disability_care", 3)):
        (table,) = reg.norms_for("relationship_quality_client", sector, "client")
        assert table.population.status == "illustrative"
        for dim in table.dimensions:
            assert dim.percentiles[0].raw >= 1 and dim.percentiles[-1].raw <= top


def test_diff_shows_dutch_only_changes_with_their_rationale() -> None:
    cli = runner()
    result = cli.invoke(_app(), ["diff", "relationship_quality_client", "-s", "youth_care",
                                 "--locale", "nl", "-F", "json"])
    assert result.exit_code == 0, result.output
    rows = {r["item"]: r for r in json.loads(result.stdout)}
    assert rows["rqc05"]["locale_change"] == "reworded"
    assert "dichtklap" in rows["rqc05"]["sector"]
    assert "itemreview" in rows["rqc05"]["locale_rationale"]
    assert rows["rqc01"]["locale_change"] == "kept"
    table = cli.invoke(_app(), ["diff", "relationship_quality_client", "-s", "foster_homes",
                                "--locale", "nl"])
    assert "termen vervangen" in table.stdout and "t.o.v. Engels" in table.stdout
    english = cli.invoke(_app(), ["diff", "relationship_quality_client", "-s", "education",
                                  "-F", "json"])
    assert "locale_change" not in json.loads(english.stdout)[0]


def test_locale_change_comments() -> None:
    assert parse_locale_change(["change: kept"]) == ("kept", None)
    assert parse_locale_change(["change: reworded", "rationale: Two lines", "of text."]) == (
        "reworded", "Two lines of text.")
    assert parse_locale_change(["a translator's note"]) is None


def test_i18n_check_reports_an_unknown_change(tmp_path: Path) -> None:
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    from relscale.translation import check_catalog

    catalog = Catalog(locale="nl")
    catalog.add("Hello.", "Hallo.", context="x01", user_comments=["change: rewritten"])
    catalog.add("Bye.", "Dag.", context="x02", user_comments=["change: reworded"])
    catalog.add("Yes.", "Ja.", context="x03", user_comments=["change: kept"])
    path = tmp_path / "x.po"
    with path.open("wb") as fh:
        write_po(fh, catalog)
    errors = [p for p in check_catalog(path) if p.severity == "error"]
    assert len(errors) == 2  # an unknown type, and a change without a rationale


def test_review_findings_stay_fixed() -> None:
    """Regression guard for the item reviews of November 2026 (0.2) and of 0.2 (0.3): the
    fragments that made items too close to published ones, and the faults named, do not
    come back."""
    banned = ("make sense to me", "on my side", "enjoy the time i spend", "sometimes",
              "could explain", "could tell", "have talked about", "has a hard time",
              # 0.3
              "look forward to", "how to go about", "want different things", "enjoy working",
              "even on days", "power struggle", "deal with", "can turn into", "cannot seem",
              "claims more of my time", "too busy", "at the weekend", "a fight with",
              "really listens", "get along", "gezinshuis parent", "a nuisance")
    for sector in get_registry().sectors.values():
        for offering in sector.offerings:
            for w in offering.items:
                text = (w.text or "").lower()
                assert not any(b in text for b in banned), (sector.id, w.item, w.text)
            for text in (offering.title or "", offering.instructions or ""):
                assert "gezinshuis parent" not in text.lower(), (sector.id, text)
    banned_nl = ("opschieten", "uit mijn dienst", "hoe waar is", "stop met luisteren",
                 "lastig", "jeugdhulpverlener")
    for s, inst, perspective in get_registry().offerings():
        if perspective != "client":
            continue
        adapted = adapt(inst.id, s.id, perspective, "nl")
        for text in [adapted.title, adapted.instructions, *(i.text for i in adapted.items)]:
            assert not any(b in text.lower() for b in banned_nl), (s.id, text)
    for inst in get_registry().instruments.values():
        for perspective in inst.perspectives:
            for dim in inst.dimensions:
                n = sum(s.dimension == dim.id for s in inst.slots(perspective))
                assert n == 0 or n >= 4, (inst.id, perspective, dim.id, n)


def _app():  # type: ignore[no-untyped-def]
    from relscale.cli.main import app

    return app

"""Relationship profiles and the reliable change index.

A teacher report and a child report of the same pairs make one page per pair with both
views; a wave column gives change with the Jacobson-Truax RCI, checked by hand against
the norm table's SD and reliability; LibreOffice prints each profile on one A4 page.
"""

from __future__ import annotations

import csv
import math
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from helpers import runner
from relscale.adapt import adapt
from relscale.cli.main import app
from relscale.scoring.change import reliable_change
from relscale.scoring.norms import select_norm_table
from relscale.scoring.profile import build_profiles
from relscale.scoring.simulate import simulate, write_sample


def _pairs(tmp_path: Path) -> tuple[Path, Path]:
    """Teacher reports on 4 children (2 teachers) and those children's reports."""
    teacher_sim = tmp_path / "t_sim.csv"
    child_sim = tmp_path / "c_sim.csv"
    write_sample(simulate(adapt("relationship_quality", "education", "professional", "en"),
                          4, 7), teacher_sim)
    write_sample(simulate(adapt("relationship_quality_client", "education", "client", "en"),
                          4, 8), child_sim)

    def recode(src: Path, dst: Path, child: bool) -> None:
        rows = list(csv.DictReader(src.open(encoding="utf-8")))
        items = [c for c in rows[0] if c.startswith("rq")]
        with dst.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["respondent_code", "subject_code", *items])
            for k, r in enumerate(rows):
                teacher, kid = f"T{k // 2 + 1}", f"C{k + 1}"
                codes = [kid, teacher] if child else [teacher, kid]
                w.writerow([*codes, *(r[i] for i in items)])

    teacher, child = tmp_path / "teacher.csv", tmp_path / "child.csv"
    recode(teacher_sim, teacher, False)
    recode(child_sim, child, True)
    return teacher, child


def test_both_views_side_by_side(tmp_path: Path) -> None:
    teacher, child = _pairs(tmp_path)
    profiles = build_profiles(teacher, instrument="relationship_quality", sector="education",
                              client_data=child)
    assert [(p.professional_code, p.client_code) for p in profiles.profiles] == [
        ("T1", "C1"), ("T1", "C2"), ("T2", "C3"), ("T2", "C4")]
    lines = {line.id: line for line in profiles.profiles[0].lines}
    assert set(lines) == {"closeness", "conflict", "dependency", "negative_expectations"}
    assert lines["closeness"].professional and lines["closeness"].client  # both views
    assert lines["dependency"].client is None  # only the teacher is asked
    assert lines["negative_expectations"].professional is None
    assert lines["closeness"].favourable == "high" and lines["conflict"].favourable == "low"
    # the same scores relscale score gives
    out = tmp_path / "scored.csv"
    assert runner().invoke(app, ["score", str(teacher), "-i", "relationship_quality", "-s",
                                 "education", "-o", str(out)]).exit_code == 0
    first = next(csv.DictReader(out.open(encoding="utf-8")))
    assert math.isclose(lines["closeness"].professional.raw, float(first["closeness"]))
    assert math.isclose(lines["closeness"].professional.percentile,
                        float(first["closeness_percentile"]))
    # score output works as input too (its score columns are recomputed)
    again = build_profiles(out, instrument="relationship_quality", sector="education")
    assert again.profiles[0].lines[0].professional == lines["closeness"].professional


def test_reliable_change_by_hand(tmp_path: Path) -> None:
    teacher, _child = _pairs(tmp_path)
    rows = list(csv.DictReader(teacher.open(encoding="utf-8")))
    waves = tmp_path / "waves.csv"
    with waves.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=[*rows[0], "wave"])
        w.writeheader()
        for wave in ("1", "2"):
            for r in rows:
                r = dict(r, wave=wave)
                if wave == "2" and r["rq01"]:
                    r["rq01"] = "5"
                w.writerow(r)
    table = select_norm_table(adapt("relationship_quality", "education", "professional",
                                    "en").norms)
    assert table is not None
    norm = table.dimension("closeness")
    assert norm is not None and norm.reliability is not None and 0.5 < norm.reliability < 1
    out = tmp_path / "scored.csv"
    result = runner().invoke(app, ["score", str(waves), "-i", "relationship_quality", "-s",
                                   "education", "-o", str(out), "--decimals", "15"])
    assert result.exit_code == 0, result.output
    scored = list(csv.DictReader(out.open(encoding="utf-8")))
    assert all(r["closeness_rci"] == "" for r in scored[:4])  # first wave: no change
    for before, after in zip(scored[:4], scored[4:], strict=True):
        diff = float(after["closeness"]) - float(before["closeness"])
        by_hand = diff / (norm.sd * math.sqrt(2) * math.sqrt(1 - norm.reliability))
        assert math.isclose(float(after["closeness_rci"]), by_hand, rel_tol=1e-9)
    assert reliable_change(2.0, 3.0, 0.5, 0.84) == pytest.approx(1 / (0.5 * 2**0.5 * 0.4))
    profiles = build_profiles(waves, instrument="relationship_quality", sector="education")
    line = profiles.profiles[0].lines[0]
    assert profiles.profiles[0].wave == "2" and profiles.profiles[0].before_wave == "1"
    assert line.professional_rci == pytest.approx(float(scored[4]["closeness_rci"]))


@pytest.mark.libreoffice
def test_profile_pdf_one_page_per_pair(tmp_path: Path) -> None:
    if not shutil.which("soffice") or not shutil.which("pdftotext"):
        pytest.skip("LibreOffice is not installed")
    teacher, child = _pairs(tmp_path)
    pdf = tmp_path / "profiles.pdf"
    result = runner().invoke(app, ["--locale", "nl", "profile", str(teacher), "-i",
                                   "relationship_quality", "-s", "education", "--client-data",
                                   str(child), "-o", str(pdf)])
    assert result.exit_code == 0, result.output
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages) == 4  # one A4 page per pair
    for page in pages:
        assert "Relatieprofiel" in page and "Leerkracht" in page and "Leerling" in page
        assert "Hoger is gunstig" in page and "Lager is gunstig" in page
        assert "Illustratieve normen" in page  # norm group and status
        assert "zeer laag" in page and "zeer hoog" in page  # the band scale


@pytest.mark.libreoffice
def test_profile_pdf_in_chunks_keeps_every_page_in_order(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Converted a few pages per workbook and a few workbooks per LibreOffice start, the
    joined PDF holds every pair's page, in the order of the pairs."""
    import relscale.workbooks.profile as profile_book

    teacher, child = _pairs(tmp_path)
    monkeypatch.setattr(profile_book, "PAIRS_PER_BOOK", 1)
    monkeypatch.setattr(profile_book, "BOOKS_PER_START", 3)
    pdf = tmp_path / "profiles.pdf"
    result = runner().invoke(app, ["profile", str(teacher), "-i", "relationship_quality",
                                   "-s", "education", "--client-data", str(child),
                                   "-o", str(pdf)])
    assert result.exit_code == 0, result.output
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    codes = [row["respondent_code"] for row in csv.DictReader(teacher.open(encoding="utf-8"))]
    assert len(pages) == len(codes) == 4
    for page, code in zip(pages, codes, strict=True):
        assert f"Teacher: {code}" in " ".join(page.split())


def test_profile_without_libreoffice_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             ) -> None:
    teacher, _child = _pairs(tmp_path)
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    result = runner().invoke(app, ["profile", str(teacher), "-i", "relationship_quality",
                                   "-s", "education", "-o", str(tmp_path / "p.pdf")])
    assert result.exit_code != 0
    assert "LibreOffice" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "p.pdf").exists()
    ok = runner().invoke(app, ["profile", str(teacher), "-i", "relationship_quality",
                               "-s", "education", "-o", str(tmp_path / "p.xlsx")])
    assert ok.exit_code == 0, ok.output


def test_results_workbook_holds_the_pair_pages(tmp_path: Path) -> None:
    """``score -o results.xlsx`` appends each pair's profile page, cell for cell the page
    ``relscale profile`` draws for the professional's view; capped, and none for a client
    report."""
    import openpyxl

    from relscale.workbooks.results import PAIR_PAGE_CAP

    adapted = adapt("relationship_quality", "foster_homes")
    data = tmp_path / "teacher.csv"
    write_sample(simulate(adapted, PAIR_PAGE_CAP + 5, 3), data)
    result = runner().invoke(app, ["score", str(data), "-i", "relationship_quality",
                                   "-s", "foster_homes", "-o", str(tmp_path / "r.xlsx")])
    assert result.exit_code == 0, result.stderr
    book = openpyxl.load_workbook(tmp_path / "r.xlsx")
    pages = book.sheetnames[3:]
    assert book.sheetnames[:3] == ["Scores", "Summary", "Profiles"]
    assert len(pages) == PAIR_PAGE_CAP and pages[0] == "sim0001"
    result = runner().invoke(app, ["profile", str(data), "-i", "relationship_quality",
                                   "-s", "foster_homes", "-o", str(tmp_path / "p.xlsx")])
    assert result.exit_code == 0, result.stderr
    alone = openpyxl.load_workbook(tmp_path / "p.xlsx")
    for name in (pages[0], pages[-1]):
        mine = [[c.value for c in row] for row in book[name].iter_rows()]
        theirs = [[c.value for c in row] for row in alone[name].iter_rows()]
        assert mine == theirs and any("Closeness" in str(v) for row in mine for v in row)

    child = adapt("relationship_quality_client", "foster_homes")
    kids = tmp_path / "child.csv"
    write_sample(simulate(child, 20, 4), kids)
    result = runner().invoke(app, ["score", str(kids), "-i", "relationship_quality_client",
                                   "-s", "foster_homes", "-o", str(tmp_path / "c.xlsx")])
    assert result.exit_code == 0, result.stderr
    assert openpyxl.load_workbook(tmp_path / "c.xlsx").sheetnames == [
        "Scores", "Summary", "Profiles"]


def test_page_explains_itself_in_the_readers_language(tmp_path: Path) -> None:
    """The page says what the marks, raw, P, bands and RCI mean; numbers in Dutch have a
    decimal comma; without client data no client mark is explained; the bands darken
    toward the favourable end (the right for closeness, the left for conflict)."""
    from relscale.i18n import set_locale
    from relscale.workbooks.profile import MARK_CLIENT, build_profile_workbook

    teacher, _child = _pairs(tmp_path)
    set_locale("nl")
    try:
        profiles = build_profiles(teacher, instrument="relationship_quality",
                                  sector="education", locale="nl")
        book = build_profile_workbook(profiles)
    finally:
        set_locale("en")
    sheet = book.sheets[0]
    texts = [str(c.value) for c in sheet.cells.values() if isinstance(c.value, str)]
    joined = "\n".join(texts)
    assert "ruw: de schaalscore" in joined and "percentiel" in joined
    assert MARK_CLIENT not in joined and "—" not in joined.split("\n")[4]
    values = [t for t in texts if t.startswith("ruw ")]
    assert values and all("," in v.split("·")[0] for v in values), values  # ruw 3,50
    assert not any(re.search(r"\d\.\d", v) for v in values)
    assert "education / relationship_quality" not in joined  # the norm line in words
    assert "Onderwijs" in joined
    fills = {name: style.fill for name, style in book.styles.items()}
    for label, dark_end in (("Nabijheid", "right"), ("Conflict", "left")):
        row = next(r for (r, c), cell in sheet.cells.items()
                   if c == 1 and cell.value == "Leerkracht" and r > next(
                       rr for (rr, cc), x in sheet.cells.items() if x.value == label))
        shades = [fills[sheet.cells[(row, c)].style] for c in range(2, 2 + len(profiles.bands))]
        darkness = [int(f[:2], 16) for f in shades]  # lower = darker
        assert (darkness == sorted(darkness, reverse=True)) == (dark_end == "right"), label

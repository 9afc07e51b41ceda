"""A whole measurement round, twice, on SQLite and on a real PostgreSQL server.

Roster of 3 groups x 2 professionals x 8 clients -> ``round new`` -> ``round forms`` ->
every form filled with openpyxl -> ``round collect`` -> ``round report``; then a second
round on the same roster with answers changed for a few planted pairs -> the report
finds reliable changes exactly where they were planted and nowhere else. On the way:
collecting the same folder again stores nothing; a changed re-submission is a new
version and the earlier one stays; 'does not apply' is stored apart from a skipped item.
"""

from __future__ import annotations

import math
import random
import tomllib
from pathlib import Path
from typing import Any

import pytest

from helpers import runner
from relscale.adapt import adapt
from relscale.cli.main import app
from rounds_helpers import count_rows, fill_round_form, roster_rows, write_roster

SECTOR = "foster_homes"
PROF = adapt("relationship_quality", SECTOR, "professional", "en")
CLIENT = adapt("relationship_quality_client", SECTOR, "client", "en")
NA_ITEM = "fh_rq_a01"  # birth-family contact: 'does not apply' (9) is a real answer here

# (professional, client, perspective, dimension, round-1 keyed score, round-2 keyed score)
PLANTED = [
    ("P11", "C1101", "professional", "closeness", 2, 5),
    ("P22", "C2203", "client", "conflict", 1, 4),
    ("P31", "C3105", "professional", "dependency", 4, 1),
]
SMALL = ("P12", "C1202", "professional", "closeness")
"""A change of one answer by one point: within measurement error, never flagged."""


def invoke(*args: str) -> Any:
    result = runner().invoke(app, list(args))
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def _keyed(adapted: Any, item_id: str, keyed: int) -> int:
    item = next(i for i in adapted.items if i.id == item_id)
    lo, hi = adapted.scale.min, adapted.scale.max
    return keyed if item.keying == "+" else lo + hi - keyed


def planned_answers(prof: str, client: str, perspective: str, round_no: int
                    ) -> dict[str, int | None]:
    """The answers of one form: the same random answers in both rounds, except the
    planted dimensions (every item at one keyed value) and the one small change."""
    adapted = PROF if perspective == "professional" else CLIENT
    rng = random.Random(f"{prof}/{client}/{perspective}")
    lo, hi = adapted.scale.min, adapted.scale.max
    answers: dict[str, int | None] = {i.id: rng.randint(lo, hi) for i in adapted.items}
    if perspective == "professional":
        if int(client[-1]) % 2:
            answers[NA_ITEM] = 9  # does not apply
        if client.endswith("04"):
            answers["rq03"] = None  # skipped
    for p, c, who, dim, first, second in PLANTED:
        if (p, c, who) == (prof, client, perspective):
            for item in adapted.items_for(dim):
                answers[item.id] = _keyed(adapted, item.id, first if round_no == 1 else second)
    if round_no == 2 and (prof, client, perspective) == SMALL[:3]:
        item = adapted.items_for(SMALL[3])[0].id
        answers[item] = answers[item] + 1 if answers[item] < hi else answers[item] - 1
    return answers


def fill_all(forms_dir: Path, filled: Path, round_no: int) -> int:
    filled.mkdir()
    n = 0
    for path in sorted(forms_dir.rglob("*.xlsx")):
        if path.name.startswith("cover_list"):
            continue
        fill_round_form(path, filled / path.name, lambda meta: planned_answers(
            meta["round.professional"], meta["round.client"], meta["perspective"],
            round_no))
        n += 1
    return n


def norm_sd_r(instrument: str, perspective: str, dimension: str) -> tuple[float, float]:
    """SD and reliability straight from the plugin's norm file (not through relscale)."""
    import relscale_foster_homes

    folder = Path(relscale_foster_homes.__file__).parent / "norms"
    name = f"{instrument}_{perspective}.toml"
    data = tomllib.loads((folder / name).read_text(encoding="utf-8"))
    d = next(x for x in data["dimensions"] if x["dimension"] == dimension)
    return d["sd"], d["reliability"]


def test_two_rounds_end_to_end(store_url: str, tmp_path: Path) -> None:
    from relscale.rounds.overview import round_overview
    from relscale.store.engine import open_store

    rows = roster_rows()
    for row in rows:
        if row["group"] == "Group 3":
            row["locale"] = "nl"  # one group's forms in Dutch
    roster = write_roster(tmp_path / "roster.csv", rows)
    db = ("--db", store_url)
    invoke("round", "new", "spring", "--roster", str(roster), "-i", "relationship_quality",
           "-s", SECTOR, "-l", "en", *db)
    invoke("round", "forms", "spring", "-o", str(tmp_path / "forms1"), "--no-pdf", *db)
    assert fill_all(tmp_path / "forms1", tmp_path / "filled1", 1) == 96

    first = invoke("round", "collect", "spring", str(tmp_path / "filled1"), *db)
    assert "96 new" in first.stderr
    counts = count_rows(store_url)
    n_prof, n_client = len(PROF.items), len(CLIENT.items)
    assert counts["forms"] == 96 and counts["submissions"] == 96
    assert counts["answers"] == 48 * (n_prof + n_client)
    assert counts["scores"] == 48 * (len(PROF.dimensions) + len(CLIENT.dimensions))
    assert counts["names"] == 6 + 48

    # the same folder again: nothing new, nothing duplicated
    again = invoke("round", "collect", "spring", str(tmp_path / "filled1"), *db)
    assert "0 new, 0 new versions, 96 unchanged" in again.stderr
    assert count_rows(store_url) == counts

    # 'does not apply' kept as given, apart from a skipped item
    _check_answer_states(store_url)

    # a changed re-submission is a new version; the earlier one stays
    _resubmit(tmp_path, store_url, db, counts)

    invoke("round", "report", "spring", "-o", str(tmp_path / "spring.xlsx"), *db)

    # --- the second round: the same roster, planted changes ------------------------------
    invoke("round", "new", "autumn", "--roster", str(roster), "-i", "relationship_quality",
           "-s", SECTOR, "-l", "en", *db)
    invoke("round", "forms", "autumn", "-o", str(tmp_path / "forms2"), "--no-pdf", *db)
    fill_all(tmp_path / "forms2", tmp_path / "filled2", 2)
    invoke("round", "collect", "autumn", str(tmp_path / "filled2"), *db)

    with open_store(store_url) as store:
        overview = round_overview(store, "autumn", previous="spring")
    found = {(p.professional_code, p.client_code, c.perspective, c.dimension): c
             for page in overview.professionals for p in page.pairs
             for c in p.reliable_changes}
    assert set(found) == {(p, c, w, d) for p, c, w, d, _a, _b in PLANTED}
    for p, c, who, dim, before, after in PLANTED:
        change = found[(p, c, who, dim)]
        instrument = "relationship_quality" if who == "professional" \
            else "relationship_quality_client"
        sd, r = norm_sd_r(instrument, who, dim)
        expected = (after - before) / (sd * math.sqrt(2) * math.sqrt(1 - r))
        assert change.rci == pytest.approx(expected, rel=1e-9)
    small = [c for page in overview.professionals for pair in page.pairs
             for c in pair.changes
             if (pair.professional_code, pair.client_code, c.perspective, c.dimension) == SMALL]
    assert len(small) == 1 and small[0].difference != 0 and not small[0].reliable
    every = [c for page in overview.professionals for pair in page.pairs for c in pair.changes]
    assert len(every) == 48 * 6  # every dimension of every pair from both views

    invoke("round", "report", "autumn", "--previous", "spring", "-o",
           str(tmp_path / "autumn.xlsx"), *db)
    _check_report_xlsx(tmp_path / "autumn.xlsx")


def _check_answer_states(url: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as conn:
        states = dict(conn.execute(sa.text(
            "SELECT state, count(*) FROM answers GROUP BY state")).all())
        na = conn.execute(sa.text(
            "SELECT DISTINCT value FROM answers WHERE state = 'not_applicable'")).scalars().all()
        skipped = conn.execute(sa.text(
            "SELECT count(*) FROM answers WHERE state = 'skipped' AND value IS NULL"
        )).scalar_one()
    engine.dispose()
    odd_clients = 24  # half of the 48 pairs: clients ending in an odd digit
    assert states["not_applicable"] == odd_clients and na == [9]
    assert states["skipped"] == skipped == 6  # the six clients ...04: rq03 left empty


def _resubmit(tmp_path: Path, url: str, db: tuple[str, str], counts: dict[str, int]) -> None:
    from relscale.rounds.export import export_round
    from relscale.store.engine import open_store

    source = next((tmp_path / "forms1").rglob("P21_C2102_relationship_quality_professional*"))
    folder = tmp_path / "resubmit"
    folder.mkdir()
    changed = planned_answers("P21", "C2102", "professional", 1)
    changed["rq01"] = 1 if changed["rq01"] != 1 else 2
    fill_round_form(source, folder / source.name, changed)
    out = invoke("round", "collect", "spring", str(folder / source.name), *db)
    assert "0 new, 1 new versions" in out.stderr
    after = count_rows(url)
    assert after["submissions"] == counts["submissions"] + 1
    assert after["answers"] == counts["answers"] + len(PROF.items)
    with open_store(url) as store:
        current = export_round(store, "spring", tmp_path / "current.csv")
        every = export_round(store, "spring", tmp_path / "all.csv", versions="all")
    assert every.answers == current.answers + len(PROF.items)
    rq01 = [line for line in (tmp_path / "all.csv").read_text().splitlines()
            if ",P21,C2102," in line and ",item,rq01," in line]
    assert len(rq01) == 2  # both versions kept
    # back to the original answers: a third version, equal to the first
    fill_round_form(source, folder / source.name,
                    planned_answers("P21", "C2102", "professional", 1))
    back = invoke("round", "collect", "spring", str(folder / source.name), *db)
    assert "0 new, 1 new versions" in back.stderr


def _check_report_xlsx(path: Path) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True)
    names = wb.sheetnames
    overviews = [n for n in names if n[:3].isdigit() and n[3] == " "]
    assert len(overviews) == 6  # one per professional
    texts = {n: "\n".join(str(v) for row in wb[n].iter_rows(values_only=True) for v in row
                          if v is not None) for n in overviews}
    p11 = next(t for n, t in texts.items() if n.endswith("P11"))
    assert "Reliable changes since spring" in p11
    assert "Child 1101 (C1101), foster-home parent's view, closeness: 2.00 → 5.00" in p11
    p12 = next(t for n, t in texts.items() if n.endswith("P12"))
    assert "No change larger than measurement error." in p12
    assert len(names) == 1 + 6 + 48  # summary, overviews, a profile page per pair
    wb.close()

"""The library behind the commands, called directly: each gives what its command writes or
prints, with the same errors."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
import tomli_w

from fixtures_content import instrument_dict, mini_sector_dict
from helpers import runner
from relscale import plugins
from relscale.adapt import adapt
from relscale.catalog import (
    diff_records,
    instrument_records,
    item_records,
    sector_records,
    slot_records,
)
from relscale.cli.main import app
from relscale.errors import DataError, RelscaleError
from relscale.io.tables import read_columns
from relscale.outputs import write_reliability, write_scores
from relscale.scoring import (
    build_norms_from_file,
    instrument_reliability,
    item_reliability,
    parse_group_specs,
    read_norm_table,
    respondent_groups,
    score_files,
    with_norms_file,
    write_norm_groups,
)
from relscale.scoring.simulate import simulate, write_sample
from relscale.user_content import add_content_files, clear_content_files

INSTRUMENT, SECTOR = "relationship_quality", "education"


def _responses(path: Path, n: int = 12, seed: int = 4) -> Path:
    adapted = adapt(INSTRUMENT, SECTOR)
    rng = np.random.default_rng(seed)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["respondent_code", "gender", *adapted.item_ids])
        for i in range(n):
            vals = [str(v) for v in rng.integers(1, 6, len(adapted.items))]
            if i % 4 == 1:
                vals[:3] = ["", "", ""]
            w.writerow([f"t{i}", "fm"[i % 2], *vals])
    return path


# --- score ------------------------------------------------------------------------------


def test_score_files_gives_the_table_the_cli_writes(tmp_path: Path) -> None:
    data = _responses(tmp_path / "data.csv")
    cli_out = tmp_path / "cli.csv"
    result = runner().invoke(app, ["score", str(data), "-i", INSTRUMENT, "-s", SECTOR,
                                    "-o", str(cli_out), "--flag-straightlining", "10"])
    assert result.exit_code == 0, result.output

    run = score_files([data], instrument=INSTRUMENT, sector=SECTOR, straightlining=10)
    assert run.counts == {"scored": 9, "incomplete": 3, "rejected": 0}
    assert run.norm_statuses == {"illustrative"} and run.straightlining == 0
    lib_out = write_scores(run, tmp_path / "lib.csv")
    assert lib_out.read_text("utf-8") == cli_out.read_text("utf-8")


def test_score_files_norm_groups_from_a_column_and_errors(tmp_path: Path) -> None:
    data = _responses(tmp_path / "data.csv")
    run = score_files([data], instrument=INSTRUMENT, sector=SECTOR, groups=["gender"])
    # no gender-specific table is registered: every respondent falls back to 'all'
    assert len(run.scored.data["norm_group"]) == 12
    with pytest.raises(RelscaleError, match="has no column 'age'"):
        score_files([data], instrument=INSTRUMENT, sector=SECTOR, groups=["age"])
    with pytest.raises(RelscaleError, match="give --instrument and --sector"):
        score_files([data])
    with pytest.raises(RelscaleError, match="is also an input"):
        write_scores(run, data, overwrite=True)
    (tmp_path / "taken.csv").write_text("mine", encoding="utf-8")
    with pytest.raises(RelscaleError, match="already exists"):
        write_scores(run, tmp_path / "taken.csv")
    assert (tmp_path / "taken.csv").read_text("utf-8") == "mine"


def test_write_scores_xlsx_is_a_results_workbook(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    run = score_files([_responses(tmp_path / "d.csv")], instrument=INSTRUMENT, sector=SECTOR)
    out = write_scores(run, tmp_path / "scores.xlsx")
    assert load_workbook(out).sheetnames  # a workbook openpyxl reads back
    with pytest.raises(RelscaleError, match=r"must be a \.csv, \.xlsx or \.sav"):
        write_scores(run, tmp_path / "scores.txt")


def test_group_specs_one_parser_for_score_and_scoring_sheet() -> None:
    spec = parse_group_specs(["gender=f ", "age_band"])
    assert spec.fixed == {"gender": "f"} and spec.columns == ("age_band",)
    assert parse_group_specs(["gender=f"], columns=False).fixed == {"gender": "f"}
    with pytest.raises(RelscaleError, match=r"expected KEY=VALUE$"):
        parse_group_specs(["gender"], columns=False)
    with pytest.raises(RelscaleError, match="expected KEY=VALUE or a column name"):
        parse_group_specs(["=f"])


def test_respondent_groups_per_row(tmp_path: Path) -> None:
    from relscale.io.responses import read_responses

    table = read_responses([_responses(tmp_path / "d.csv", n=3)], adapt(INSTRUMENT, SECTOR))
    assert respondent_groups(parse_group_specs(["site=a"]), table) == {"site": "a"}
    assert respondent_groups(parse_group_specs(["site=a", "gender"]), table) == [
        {"site": "a", "gender": "f"}, {"site": "a", "gender": "m"}, {"site": "a", "gender": "f"},
    ]
    assert respondent_groups(parse_group_specs([]), table) is None


# --- norms ------------------------------------------------------------------------------


def _sample(tmp_path: Path, n: int = 400) -> Path:
    adapted = adapt(INSTRUMENT, "foster_homes", "professional")
    path = tmp_path / "sample.csv"
    write_sample(simulate(adapted, n, 7), path)
    return path


def test_build_norms_from_file_and_write_them(tmp_path: Path) -> None:
    adapted = adapt(INSTRUMENT, "foster_homes", "professional")
    groups = build_norms_from_file(_sample(tmp_path), adapted, min_n=100, year=2024)
    (group,) = groups
    assert group.table is not None and group.table.population.n == 400
    assert group.table.population.source == "reference sample sample.csv"
    (path,) = write_norm_groups(groups, tmp_path / "norms.toml")
    assert read_norm_table(path) == group.table
    # the same table as `relscale norms build` writes
    out = tmp_path / "cli.toml"
    result = runner().invoke(app, ["norms", "build", str(tmp_path / "sample.csv"), "-i",
                                    INSTRUMENT, "-s", "foster_homes", "-p", "professional",
                                    "--min-n", "100", "--year", "2024", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text("utf-8") == path.read_text("utf-8")


def test_build_norms_options_are_checked() -> None:
    adapted = adapt(INSTRUMENT, "foster_homes", "professional")
    with pytest.raises(RelscaleError, match="--status 'draft'"):
        build_norms_from_file("x.csv", adapted, status="draft")
    with pytest.raises(RelscaleError, match="--min-n must be at least 2"):
        build_norms_from_file("x.csv", adapted, min_n=1)


def test_write_norm_groups_refuses_before_writing_anything(tmp_path: Path) -> None:
    adapted = adapt(INSTRUMENT, "foster_homes", "professional")
    sample = _sample(tmp_path)
    with sample.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    rows[0].append("site")
    for i, row in enumerate(rows[1:]):
        row.append("ab"[i % 2])
    with sample.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    groups = build_norms_from_file(sample, adapted, group_by=["site"], min_n=100)
    assert [g.file_stem for g in groups] == ["all", "site-a", "site-b"]
    folder = tmp_path / "norms"
    folder.mkdir()
    (folder / "site-b.toml").write_text("mine", encoding="utf-8")  # the last target exists
    with pytest.raises(RelscaleError, match=r"site-b\.toml: already exists"):
        write_norm_groups(groups, folder, grouped=True)
    assert sorted(p.name for p in folder.iterdir()) == ["site-b.toml"]  # nothing written
    assert (folder / "site-b.toml").read_text("utf-8") == "mine"
    written = write_norm_groups(groups, folder, grouped=True, overwrite=True)
    assert [p.name for p in written] == ["all.toml", "site-a.toml", "site-b.toml"]


def test_with_norms_file_makes_the_table_the_only_one_and_checks_it(tmp_path: Path) -> None:
    adapted = adapt(INSTRUMENT, "foster_homes", "professional")
    groups = build_norms_from_file(_sample(tmp_path), adapted, min_n=100, status="local")
    (path,) = write_norm_groups(groups, tmp_path / "local.toml")
    used = with_norms_file(adapted, path)
    # issue 25: a file given is used or refused, never set aside for a registered table
    assert used.norms == (groups[0].table,) and adapted.norms
    other = adapt(INSTRUMENT, SECTOR)
    with pytest.raises(RelscaleError, match="norms for relationship_quality/foster_homes"):
        with_norms_file(other, path)


# --- reliability ------------------------------------------------------------------------


def _likert(n: int = 200, k: int = 4, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    trait = rng.normal(size=(n, 1))
    return np.clip(np.round(3 + trait + rng.normal(scale=0.8, size=(n, k))), 1, 5)


def test_item_reliability_reads_semicolon_decimal_comma_like_comma(tmp_path: Path) -> None:
    x = _likert()
    x[::7, 1] = np.nan
    comma = tmp_path / "comma.csv"
    semi = tmp_path / "semi.csv"
    comma.write_text("id,a,b,c,d\n" + "".join(
        f"r{i}," + ",".join("" if v != v else f"{v:.1f}" for v in row) + "\n"
        for i, row in enumerate(x.tolist())), encoding="utf-8")
    semi.write_text("\ufeffid;a;b;c;d\n" + "".join(
        f"r{i};" + ";".join("NA" if v != v else f"{v:.1f}".replace(".", ",") for v in row)
        + "\n" for i, row in enumerate(x.tolist())), encoding="utf-8")
    a = item_reliability(comma, ["a", "b", "c", "d"], reverse=["d"], scale_min=1, scale_max=5)
    b = item_reliability(semi, ["a", "b", "c", "d"], reverse=["d"], scale_min=1, scale_max=5)
    assert a.scales == b.scales
    assert a.scales[0].n == 200 - len(range(0, 200, 7))
    np.testing.assert_array_equal(read_columns(semi, ["a", "b"]).values, x[:, :2])


def test_item_reliability_errors(tmp_path: Path) -> None:
    data = tmp_path / "d.csv"
    data.write_text("a,b,c\n1,2,3\n2,x,3\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"d\.csv, row 3, column b: 'x' is not a number"):
        item_reliability(data, ["a", "b", "c"])
    with pytest.raises(DataError, match="no column"):
        item_reliability(data, ["a", "z"])
    with pytest.raises(RelscaleError, match="--reverse z: not among --items"):
        item_reliability(data, ["a", "b"], reverse=["z"])
    with pytest.raises(RelscaleError, match="--missing 'some'"):
        item_reliability(data, ["a", "b"], missing="some")


def test_instrument_reliability_and_write_reliability(tmp_path: Path) -> None:
    adapted = adapt(INSTRUMENT, "foster_homes", "professional")
    report = instrument_reliability(_sample(tmp_path), adapted)
    assert [s.scale for s in report.scales] == [d.id for d in adapted.dimensions]
    assert report.title == "relationship_quality / foster_homes / professional"
    out = write_reliability(report, tmp_path / "rel.json")
    assert json.loads(out.read_text("utf-8")) == report.to_dict()
    with pytest.raises(RelscaleError, match=r"must end in \.json or \.xlsx"):
        write_reliability(report, tmp_path / "rel.txt")


# --- browsing ---------------------------------------------------------------------------


def test_records_of_the_browsing_commands() -> None:
    sectors = {r["sector"]: r for r in sector_records("nl")}
    assert set(sectors) == {"education", "foster_homes", "disability_care", "youth_care"}
    assert sectors["foster_homes"]["plugin"] == "foster_homes"
    instruments = {r["instrument"]: r for r in instrument_records()}
    assert INSTRUMENT in instruments and instruments[INSTRUMENT]["dimensions"]
    slots = slot_records(INSTRUMENT, "professional")
    assert {r["perspective"] for r in slots.records} == {"professional"}
    assert set(slots.dimension_labels) >= {r["dimension"] for r in slots.records}
    with pytest.raises(RelscaleError, match="has no 'parent' perspective"):
        slot_records(INSTRUMENT, "parent")  # type: ignore[arg-type]
    adapted = adapt(INSTRUMENT, "foster_homes", "professional")
    assert [r["item"] for r in item_records(adapted)] == list(adapted.item_ids)


def test_diff_records_match_the_cli_json(tmp_path: Path) -> None:
    comparison = diff_records(INSTRUMENT, "foster_homes", "professional")
    result = runner().invoke(app, ["diff", INSTRUMENT, "-s", "foster_homes", "-p",
                                    "professional", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == comparison.records
    assert sum(comparison.provenance_counts().values()) == len(comparison.records)


def test_add_content_files_makes_a_sector_appear(tmp_path: Path) -> None:
    instrument = tmp_path / "mini.toml"
    instrument.write_text(tomli_w.dumps(instrument_dict()))
    sector = tmp_path / "sector.toml"
    data = mini_sector_dict()
    del data["domain"]
    sector.write_text(tomli_w.dumps(data))
    assert "test_sector" not in plugins.get_registry().sectors
    try:
        add_content_files([instrument, sector])
        plugins.reset_registry()
        assert "test_sector" in plugins.get_registry().sectors
    finally:
        clear_content_files()
        plugins.reset_registry()
    assert "test_sector" not in plugins.get_registry().sectors

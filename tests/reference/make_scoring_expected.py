"""Write the scoring engine's stored expected outputs (``tests/data/scoring/``).

Run once, on main as it was before issue 26 merged the two scorers into one engine
(commit 233f0fd, which scored a plain CSV with the polars bulk scorer and everything else
with the numpy engine, both asserted byte-identical): ``python
tests/reference/make_scoring_expected.py``. ``tests/test_scoring_expected.py`` scores the
same inputs and compares its bytes with these files. Do not re-run it to make a failing
test pass: a difference is a change of output, to be explained in CHANGELOG.md.

Per case: the input (``<case>.in.csv`` or ``.xlsx``, with a norm table ``<case>.norms.toml``
where the case uses one), the CSV ``relscale score`` writes (``<case>.csv``, 4 decimals)
and at full precision (``<case>.full.csv``), the SHA-256 of the .sav with its creation time blanked
(``<case>.sav.sha256``) and the SHA-256 of every part of the results workbook but its
timestamps (``<case>.xlsx.json``).
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "data" / "scoring"
INSTRUMENT = "relationship_quality"
ODD_IDS = ["r1", "r2", "=cmd()", "-5", "+3.5", "@home", "-x", " r1", "r1 ", "\tr3", "",
           "r\u00e9", "\u3000r2", "1e3"]
SPELLINGS = ["1", "2", "3", "4", "5", " 3", "4.0", "2.00", "NA", ".", "N/A"]
NO_WORKBOOK = {"sum_no_table", "group_column"}
"""Cases without a results workbook: on 233f0fd it fails (an AssertionError in
``relscale.scoring.profile._gather``) when norm tables exist but a group has none."""
SAV_TIME = slice(92, 109)
"""The .sav header's creation date and time (``dd mmm yy`` + ``hh:mm:ss``)."""


def random_rows(
    rng: np.random.Generator, items: list[str], n: int, spellings: list[str], ids: list[str],
    extra: list[str] | None = None,
) -> tuple[list[str], list[list[str]]]:
    """Respondents with few, some and most answers missing, blank rows, odd identifiers."""
    header = ["respondent_code", *(extra or []), *items, "note"]
    rows = []
    for i in range(n):
        kind = rng.random()
        if kind < 0.03:
            rows.append([""] * len(header))
            continue
        share = 0.05 if kind < 0.6 else 0.4 if kind < 0.9 else 0.95
        cells = ["" if rng.random() < share else spellings[int(rng.integers(len(spellings)))]
                 for _ in items]
        more = [str(rng.choice(["1", "2"])) if e == "wave" else
                str(rng.choice(["school", "elsewhere", ""])) for e in (extra or [])]
        rows.append([ids[int(rng.integers(len(ids)))], *more, *cells, f"n{i}"])
    return header, rows


def write_table(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    path.write_text("\n".join(",".join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
    return path


def exact_steps_table(base: Any, *, linear: bool, drop: int = 0) -> Any:
    """A table whose steps are exactly the means k answers can give, the first step above
    the lowest possible raw score (tests/test_bulk_scoring.py's, before issue 26)."""
    from relscale.model.norms import PercentilePoint

    dims = []
    for norm in base.dimensions[drop:]:
        k = {"closeness": 8, "conflict": 7, "dependency": 5}.get(norm.dimension, 6)
        raws = sorted({total / count for count in range(1, k + 1)
                       for total in range(count, 5 * count + 1)})
        raws = [r for r in raws if r >= 1.5][::3]
        steps = tuple(PercentilePoint(raw=r, percentile=round(100 * i / len(raws), 2))
                      for i, r in enumerate(raws))
        dims.append(norm.model_copy(update={"percentiles": steps}))
    return base.model_copy(update={"dimensions": tuple(dims),
                                   "t_score": "linear" if linear else "normalized"})


def cases() -> dict[str, dict[str, Any]]:
    """Each case: how to make its input, and the arguments of ``score_files``."""
    from relscale.adapt import adapt

    edu = adapt(INSTRUMENT, "education")
    items = list(edu.item_ids)
    out: dict[str, dict[str, Any]] = {}
    foster = list(adapt(INSTRUMENT, "foster_homes").item_ids)
    for sector, seed, ids in (("education", 7, items), ("foster_homes", 8, foster)):
        out[sector] = {"rows": (seed, ids, 400, SPELLINGS, ODD_IDS, None),
                       "kw": {"instrument": INSTRUMENT, "sector": sector,
                              "straightlining": 3}}
    out["nl_group"] = {"rows": (11, items, 200, ["1", "3", "5"], ["a", "b"], None),
                       "kw": {"instrument": INSTRUMENT, "sector": "education", "locale": "nl",
                              "groups": ("setting=school",)}}
    for linear in (False, True):
        name = "steps_linear" if linear else "steps_normalized"
        out[name] = {"rows": (3, items, 300, ["1", "2", "3", "4", "5"], ["x"], None),
                     "norms": exact_steps_table(edu.norms[0], linear=linear, drop=1),
                     "kw": {"instrument": INSTRUMENT, "sector": "education"}}
    out["sum_no_table"] = {
        "rows": (5, items, 150, ["1", "2", "5"], ["p", "q"], None),
        "norms": edu.norms[0].model_copy(update={"group": {"setting": "elsewhere"}}),
        "scoring": {"method": "sum", "min_answered": 0.5},
        "kw": {"instrument": INSTRUMENT, "sector": "education"}}
    out["without_norms"] = {"rows": (9, items, 100, ["2", "4"], ["a1"], None),
                            "no_norms": True,
                            "kw": {"instrument": INSTRUMENT, "sector": "education"}}
    out["wave"] = {"rows": (12, items, 300, SPELLINGS, [f"p{i}" for i in range(60)], ["wave"]),
                   "kw": {"instrument": INSTRUMENT, "sector": "education"}}
    out["group_column"] = {
        "rows": (13, items, 300, SPELLINGS, ODD_IDS, ["setting"]),
        "norms": edu.norms[0].model_copy(update={"group": {"setting": "school"}}),
        "kw": {"instrument": INSTRUMENT, "sector": "education", "groups": ("setting",)}}
    out["not_applicable"] = {"rows": (14, foster, 200, [*SPELLINGS, "9"], ODD_IDS, None),
                             "kw": {"instrument": INSTRUMENT, "sector": "foster_homes",
                                    "straightlining": 4}}
    out["xlsx"] = {"rows": (15, items, 200, SPELLINGS, ["a", "@b", "c d"], None), "xlsx": True,
                   "kw": {"instrument": INSTRUMENT, "sector": "education"}}
    return out


def make_input(name: str, case: dict[str, Any], folder: Path) -> Path:
    """Write the case's input (and norm table) into ``folder``; return the input's path."""
    from relscale.scoring.norms import write_norm_table

    seed, items, n, spellings, ids, extra = case["rows"]
    header, rows = random_rows(np.random.default_rng(seed), items, n, spellings, ids, extra)
    if "norms" in case:
        write_norm_table(case["norms"], folder / f"{name}.norms.toml", overwrite=True)
    if case.get("xlsx"):
        import openpyxl

        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(header)
        for row in rows:
            ws.append([c if c.strip() else None for c in row])
        path = folder / f"{name}.in.xlsx"
        wb.save(path)
        return path
    return write_table(folder / f"{name}.in.csv", header, rows)


def score_case(name: str, case: dict[str, Any], source: Path, folder: Path) -> Any:
    """Score the case's input as ``relscale score`` does."""
    from relscale.adapt import adapt
    from relscale.scoring.norms import with_norms_file
    from relscale.scoring.run import score_files

    kw = dict(case["kw"])
    norms = source.parent / f"{name}.norms.toml"
    if "scoring" in case or "no_norms" in case or norms.exists():
        adapted = adapt(kw.pop("instrument"), kw.pop("sector"), None, kw.get("locale", "en"))
        if norms.exists():
            adapted = with_norms_file(adapted, norms)
        if "scoring" in case:
            adapted = adapted.model_copy(update={
                "scoring": adapted.scoring.model_copy(update=case["scoring"])})
        if case.get("no_norms"):
            adapted = adapted.model_copy(update={"norms": ()})
        kw["adapted"] = adapted
    return score_files([source], **kw)


def outputs(run: Any, folder: Path, name: str) -> dict[str, bytes]:
    """The bytes of every output of ``run`` (written into ``folder``), by file name."""
    from relscale.outputs import write_scores

    found: dict[str, bytes] = {}
    for suffix, decimals in ((".csv", 4), (".full.csv", None)):
        path = folder / f"{name}{suffix}"
        write_scores(run, path, decimals=decimals, overwrite=True)
        found[path.name] = path.read_bytes()
    sav = folder / f"{name}.sav"
    write_scores(run, sav, overwrite=True)
    data = bytearray(sav.read_bytes())
    data[SAV_TIME] = b"\x00" * (SAV_TIME.stop - SAV_TIME.start)
    found[f"{name}.sav.sha256"] = (hashlib.sha256(bytes(data)).hexdigest() + "\n").encode()
    book = folder / f"{name}.xlsx"
    if name not in NO_WORKBOOK:
        write_scores(run, book, overwrite=True)
        found[f"{name}.xlsx.json"] = (json.dumps(xlsx_parts(book), indent=1) + "\n").encode()
    for path in (folder / f"{name}{s}" for s in (".csv", ".full.csv", ".sav", ".xlsx")):
        path.unlink(missing_ok=True)
    return found


def xlsx_parts(path: Path) -> dict[str, str]:
    """SHA-256 of each part of a workbook but its timestamps (docProps/core.xml)."""
    with zipfile.ZipFile(path) as zf:
        return {n: hashlib.sha256(zf.read(n)).hexdigest() for n in sorted(zf.namelist())
                if n != "docProps/core.xml"}


def main() -> None:
    from relscale.io import bulk_csv

    OUT.mkdir(parents=True, exist_ok=True)
    for name, case in cases().items():
        source = make_input(name, case, OUT)
        run = score_case(name, case, source, OUT)
        with tempfile.TemporaryDirectory() as tmp:
            found = outputs(run, Path(tmp), name)
        for file, data in found.items():
            (OUT / file).write_bytes(data)
        # The same files through the bulk scorer (where it applies) give the same bytes.
        bulk_csv.BULK_MIN_BYTES = 0
        again = score_case(name, case, source, OUT)
        with tempfile.TemporaryDirectory() as tmp:
            assert outputs(again, Path(tmp), name) == found, name
        bulk_csv.BULK_MIN_BYTES = 1 << 16
        print(name, type(run).__name__, type(again).__name__, run.counts, file=sys.stderr)


if __name__ == "__main__":
    main()

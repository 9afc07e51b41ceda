"""Regenerate every shipped illustrative norm table, deterministically.

For each sector x instrument x perspective a built-in sector offers, this draws a
synthetic reference sample with :func:`relscale.scoring.simulate.simulate` (N = 1000, a seed
derived from the combination's name) and builds the table with the same code as
``relscale norms build`` (:func:`relscale.scoring.norms_build.build_norms_from_file`: read
the CSV, score it with the scorer, build the steps). The tables land in
``plugins/<sector>/relscale_<sector>/norms/<instrument>_<perspective>.toml``, which the
plugins register.

    python scripts/build_illustrative_norms.py          # rewrite the tables
    python scripts/build_illustrative_norms.py --check  # exit 1 if a table is out of date

``tests/test_norms_illustrative.py`` runs the check, so a change to the item bank, the
sector wording, the simulation or the norm code that changes a table fails until the
tables are rebuilt with this script.
"""

from __future__ import annotations

import os
import sys
import tempfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILTIN_SECTORS = ("education", "foster_homes", "disability_care", "youth_care")
N = 1000
YEAR = 2026
"""Fixed so that a rebuild is byte-identical; the year the simulation was set up."""
MIN_N = 200


def seed_for(sector: str, instrument: str, perspective: str) -> int:
    """A stable seed per combination: CRC-32 of ``sector/instrument/perspective``."""
    return zlib.crc32(f"{sector}/{instrument}/{perspective}".encode())


def target(sector: str, instrument: str, perspective: str) -> Path:
    return ROOT / "plugins" / sector / f"relscale_{sector}" / "norms" / (
        f"{instrument}_{perspective}.toml"
    )


def build_all() -> dict[Path, str]:
    """Every illustrative table as TOML text, keyed by the file it belongs in."""
    os.environ["RELSCALE_PLUGINS"] = ",".join(BUILTIN_SECTORS)
    from relscale.adapt import adapt
    from relscale.plugins import make_plugin_manager
    from relscale.registry import build_registry
    from relscale.scoring.norms import norm_table_to_toml
    from relscale.scoring.norms_build import build_norms_from_file
    from relscale.scoring.simulate import simulate, write_sample

    registry = build_registry(make_plugin_manager())
    out: dict[Path, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for sector, instrument, perspective in sorted(
            (s.id, i.id, p) for s, i, p in registry.offerings() if s.id in BUILTIN_SECTORS
        ):
            adapted = adapt(instrument, sector, perspective, "en", registry=registry)
            seed = seed_for(sector, instrument, perspective)
            csv_path = Path(tmp) / f"{sector}_{instrument}_{perspective}.csv"
            write_sample(simulate(adapted, N, seed), csv_path)
            command = (
                f"relscale simulate -i {instrument} -s {sector} -p {perspective} "
                f"--n {N} --seed {seed}"
            )
            groups = build_norms_from_file(
                csv_path,
                adapted,
                group_by=[],
                min_n=MIN_N,
                status="illustrative",
                source=f"synthetic sample from relscale.simulate, seed {seed}, N={N} ({command})",
                year=YEAR,
                note="Illustrative norms from simulated data: not data about anyone, not "
                "for decisions about individuals. Rebuild: scripts/build_illustrative_norms.py",
            )
            (group,) = groups
            assert group.table is not None
            out[target(sector, instrument, perspective)] = norm_table_to_toml(group.table)
    return out


def main(argv: list[str]) -> int:
    tables = build_all()
    if "--check" in argv:
        stale = [p for p, text in tables.items() if not p.exists() or p.read_text("utf-8") != text]
        for p in stale:
            print(f"out of date: {p.relative_to(ROOT)}", file=sys.stderr)
        return 1 if stale else 0
    from relscale.io.atomic import atomic_write

    for path, text in tables.items():
        with atomic_write(path, overwrite=True) as tmp:
            tmp.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

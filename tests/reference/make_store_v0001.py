"""Makes tests/data/rounds/store_v0001.db: a store of the first schema (0001_rounds).

Run once, at the commit that had 0001_rounds as the newest migration, from the tree root:
``python tests/reference/make_store_v0001.py``. The file is kept as it was made: later
code must open it, upgrade it and read it (tests/test_store.py).
"""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("RELSCALE_PLUGINS", "education,foster_homes,disability_care,youth_care")

from relscale.rounds.create import new_round
from relscale.rounds.record import record_answers
from relscale.rounds.status import round_status
from relscale.store.engine import open_store
from relscale.store.migrate import head

TARGET = Path(__file__).resolve().parents[1] / "data" / "rounds" / "store_v0001.db"


def main() -> None:
    assert head() == "0001_rounds", head()
    roster = TARGET.with_suffix(".roster.csv")
    roster.write_text("professional_code,client_code,professional_name,client_name,group\n"
                      "T1,C1,Teacher One,Child One,A\nT1,C2,Teacher One,Child Two,A\n",
                      encoding="utf-8")
    TARGET.unlink(missing_ok=True)
    with open_store(TARGET, create=True) as store:
        new_round(store, "v1-round", roster, instruments=["relationship_quality"],
                  sector="foster_homes", locale="en")
        form = next(f for f in round_status(store, "v1-round").outstanding
                    if f.client_code == "C1" and f.perspective == "professional")
        record_answers(store, "v1-round", {"rq01": 4, "rq02": 2, "fh_rq_a01": 9},
                       key=form.key, source="v1.xlsx", source_kind="form")
    import sqlite3

    db = sqlite3.connect(TARGET)  # one file, no write-ahead log beside it
    db.execute("PRAGMA journal_mode = DELETE")
    db.execute("VACUUM")
    db.close()
    roster.unlink()


if __name__ == "__main__":
    main()

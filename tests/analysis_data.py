"""Loaders for the seeded analysis data sets and their lavaan / MASS::polr references.

The CSV files are written by ``scripts/make_analysis_reference_data.py``; the JSON files
by ``tests/reference/lavaan_reference.R`` (committed, so the tests need no R).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import numpy as np

DATA = Path(__file__).parent / "data" / "analysis"


def load_csv(name: str) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(items, group label per row, respondents x items with NaN for NA)."""
    with (DATA / f"{name}.csv").open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    items = rows[0][1:]
    groups = np.array([r[0] for r in rows[1:]])
    x = np.array([[np.nan if v == "NA" else float(v) for v in r[1:]] for r in rows[1:]])
    return items, groups, x


def by_group(name: str) -> tuple[list[str], dict[str, np.ndarray]]:
    items, groups, x = load_csv(name)
    labels = list(dict.fromkeys(groups.tolist()))
    return items, {g: x[groups == g] for g in labels}


def factors(name: str) -> dict[str, str]:
    with (DATA / "models.csv").open(encoding="utf-8") as f:
        return {r["item"]: r["factor"] for r in csv.DictReader(f) if r["dataset"] == name}


def reference(filename: str) -> Any:
    return json.loads((DATA / filename).read_text(encoding="utf-8"))

"""The ``relscale read`` floor: python-calamine reading the same cells, as one process.

``python benchmarks/floor_read_calamine.py FOLDER OUT.csv``: for every ``*.xlsx`` in the
folder, read the metadata sheet (key/value pairs and the item table) and the answer and
field cells of the form sheet it names, then write one CSV row per form. No checks.
"""

import csv
import re
import sys
from pathlib import Path

from python_calamine import CalamineWorkbook


def ref(cell: str) -> tuple[int, int]:
    m = re.fullmatch(r"([A-Z]+)(\d+)", cell)
    assert m
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)) - 1, col - 1


def main(folder: str, output: str) -> None:
    rows = []
    header: list[str] = []
    for path in sorted(Path(folder).glob("*.xlsx")):
        wb = CalamineWorkbook.from_path(str(path))
        meta_rows = wb.get_sheet_by_name("relscale_meta").to_python()
        pairs, items, in_table = {}, [], False
        for r in meta_rows:
            if r and r[0] == "item":
                in_table = True
                continue
            if in_table and r and r[0]:
                items.append((str(r[0]), str(r[4])))
            elif r and r[0]:
                pairs[str(r[0])] = r[1]
        form = wb.get_sheet_by_name(str(pairs["form_sheet"])).to_python()
        row = {"source_file": str(path)}
        for key in ("instrument", "instrument_version", "sector", "perspective", "locale"):
            row[key] = pairs.get(key, "")
        for name in ("respondent_code", "subject_code", "date"):
            cell = pairs.get(f"field.{name}")
            r, c = ref(str(cell))
            row[name] = form[r][c] if cell and r < len(form) and c < len(form[r]) else ""
        for item, cell in items:
            r, c = ref(cell)
            row[item] = form[r][c]
        header = header or list(row)
        rows.append(row)
        wb.close()
    with open(output, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, header)
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    main(*sys.argv[1:3])

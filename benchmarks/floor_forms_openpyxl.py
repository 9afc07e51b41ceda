"""Floor for ``bench_forms.py``: bare openpyxl writing the cells of the forms, nothing else.

    python benchmarks/floor_forms_openpyxl.py CELLS.json OUT_DIR

``CELLS.json`` (written by ``bench_forms.py`` from the forms ``relscale forms --all``
wrote) holds, per workbook, its sheets in order and every cell that has a value:
``{"file.xlsx": [[sheet name, [[row, column, value], ...]], ...], ...}``. Each workbook is
written with the same values in the same sheets and cells: no styles, merged cells, data
validation, protection, print setup or defined names. Does not import relscale.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main() -> None:
    import openpyxl

    cells_file, out_dir = Path(sys.argv[1]), Path(sys.argv[2])
    out_dir.mkdir(parents=True, exist_ok=True)
    books = json.loads(cells_file.read_text(encoding="utf-8"))
    for filename, sheets in books.items():
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        for name, cells in sheets:
            ws = wb.create_sheet(name)
            for row, column, value in cells:
                xc = ws.cell(row=row, column=column, value=value)
                if isinstance(value, str):
                    xc.data_type = "s"  # text stays text, as in the forms
        wb.save(out_dir / filename)


if __name__ == "__main__":
    main()

"""Second floor for ``bench_forms.py`` (printed when xlsxwriter is installed): bare
xlsxwriter writing the same cells as ``floor_forms_openpyxl.py``, nothing else.

    python benchmarks/floor_forms_xlsxwriter.py CELLS.json OUT_DIR
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main() -> None:
    import xlsxwriter

    cells_file, out_dir = Path(sys.argv[1]), Path(sys.argv[2])
    out_dir.mkdir(parents=True, exist_ok=True)
    books = json.loads(cells_file.read_text(encoding="utf-8"))
    for filename, sheets in books.items():
        wb = xlsxwriter.Workbook(str(out_dir / filename))
        for name, cells in sheets:
            ws = wb.add_worksheet(name)
            for row, column, value in cells:
                if isinstance(value, str):
                    ws.write_string(row - 1, column - 1, value)
                else:
                    ws.write_number(row - 1, column - 1, value)
        wb.close()


if __name__ == "__main__":
    main()

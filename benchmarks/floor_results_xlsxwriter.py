"""The ``relscale score -o results.xlsx`` floor: polars scoring, XlsxWriter writing.

``python benchmarks/floor_results_xlsxwriter.py responses.csv spec.json out.xlsx [polars]``:
the work of ``floor_score_polars.py`` (read the CSV, reverse keying, means with the
minimum-answered rule, percentile / T / band from the norm table, status and reason), then
the same Scores table (same 39 columns and values: the header, identifiers and texts as
text, items as whole numbers, scores with two decimals, missing as an empty cell) written
to .xlsx with XlsxWriter in ``constant_memory`` mode (rows streamed to the sheet XML,
inline strings), the fastest well-kept pure-Python xlsx writer. The fourth argument picks
another writer for the same table:

- ``polars``: ``polars.DataFrame.write_excel`` (which drives XlsxWriter; slower than
  XlsxWriter's own ``write_row`` loop here, see RESULTS-results-xlsx.md);
- ``rust``: rust_xlsxwriter (XlsxWriter's author's Rust port) through the
  ``rustpy-xlsxwriter`` binding, handed the polars frame: no Python code per cell, the
  strictest floor we found. Its number format is one for all floats (``0.00``), items
  are whole-number floats in General, so it does slightly less styling work.

XlsxWriter and rustpy-xlsxwriter are benchmark-only dependencies:
``pip install -e ".[bench]"``.
``spec.json`` is written by ``bench_scoring.py`` from relscale's adapted instrument, so
the floor does not import relscale.
"""

import json
import sys

import floor_score_polars  # the same scoring work, beside this script
import polars as pl


def scored_frame(source: str, spec: dict) -> pl.DataFrame:
    """floor_score_polars.py's table: identifiers, items, scores, norms, status, reason."""
    return floor_score_polars.scored_frame(source, spec).with_columns(
        pl.col(pl.Categorical).cast(pl.String))


def kind(name: str, spec: dict) -> str:
    if name in spec["items"] or name.endswith("_percentile"):
        return "int"
    if name in spec["dimensions"] or name.endswith("_t"):
        return "num"
    return "text"


def write_xlsxwriter(df: pl.DataFrame, spec: dict, output: str) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(output, {"constant_memory": True})
    formats = {"int": book.add_format({"num_format": "0"}),
               "num": book.add_format({"num_format": "0.00"}), "text": None}
    head = book.add_format({"bold": True})
    sheet = book.add_worksheet("Scores")
    for c, name in enumerate(df.columns):
        # a column's format is every cell's format in it (XlsxWriter's _write_cell)
        sheet.set_column(c, c, 12, formats[kind(name, spec)])
    sheet.write_row(0, 0, df.columns, head)
    sheet.freeze_panes(1, 0)
    write_row = sheet.write_row
    for r, row in enumerate(df.iter_rows(), start=1):
        write_row(r, 0, row)  # None: nothing written (an empty cell)
    book.close()


def write_polars(df: pl.DataFrame, spec: dict, output: str) -> None:
    formats = {name: {"int": "0", "num": "0.00"}[k] for name in df.columns
               if (k := kind(name, spec)) != "text"}
    df.write_excel(output, worksheet="Scores", column_formats=formats, autofit=False,
                   table_style=None, autofilter=False, freeze_panes=(1, 0))


def write_rust(df: pl.DataFrame, spec: dict, output: str) -> None:
    from rustpy_xlsxwriter import FastExcel

    (FastExcel(output).format(float_format="0.00", bold_headers=True).freeze(row=1)
     .sheet("Scores", df).save())


WRITERS = {"xlsxwriter": write_xlsxwriter, "polars": write_polars, "rust": write_rust}


def main(source: str, spec_file: str, output: str, writer: str = "xlsxwriter") -> None:
    with open(spec_file, encoding="utf-8") as fh:
        spec = json.load(fh)
    df = scored_frame(source, spec)
    WRITERS[writer](df, spec, output)


if __name__ == "__main__":
    main(*sys.argv[1:5])

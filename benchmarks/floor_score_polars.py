"""The ``relscale score`` floor: polars doing the same work in one process.

``python benchmarks/floor_score_polars.py responses.csv spec.json out.csv``: read the CSV,
recode reverse-keyed items, take each scale's mean when enough items are answered (the
minimum-answered rule), look up percentile, T and band in the norm table, derive status
and reason, and write the same 40 columns as CSV. ``spec.json`` (written by
``bench_scoring.py`` from relscale's adapted instrument) holds the items, keys, scale,
dimensions and norm steps, so the floor does not import relscale.
"""

import json
import sys

import polars as pl


def scored_frame(source: str, spec: dict) -> pl.DataFrame:
    """The scored table: identifiers, items, scores, norms, status, reason, norm group
    (also the scoring part of ``floor_results_xlsxwriter.py``)."""
    items = spec["items"]
    lo, hi = spec["min"], spec["max"]
    df = pl.read_csv(source, infer_schema=False)
    ids = [c for c in df.columns if c not in items]
    values = [pl.col(i).cast(pl.Int8) for i in items]
    df = df.with_columns(values)
    keyed = {
        i: (lo + hi - pl.col(i)) if spec["keys"][i] == "-" else pl.col(i) for i in items
    }
    scores = []
    for dim, dim_items in spec["dimensions"].items():
        answered = pl.sum_horizontal(pl.col(i).is_not_null() for i in dim_items)
        total = pl.sum_horizontal(keyed[i].fill_null(0) for i in dim_items)
        scores.append(
            pl.when(answered >= spec["needed"][dim]).then(total / answered).alias(dim)
        )
        scores.append(answered.alias(f"_{dim}_n"))
    df = df.with_columns(scores)
    norm_cols = []
    for dim, norm in spec["norms"].items():
        raws = pl.Series(norm["raw"])
        idx = (
            raws.search_sorted(df[dim].fill_null(norm["raw"][0]) + 1e-9, side="right") - 1
        ).clip(0, len(norm["raw"]) - 1)
        missing = df[dim].is_null()
        norm_cols += [
            pl.Series(f"{dim}_percentile", norm["percentile"]).gather(idx)
            .set(missing, None),
            pl.Series(f"{dim}_t", norm["t"]).gather(idx).set(missing, None),
            pl.Series(f"{dim}_band", norm["band"], dtype=pl.Categorical).gather(idx)
            .set(missing, None),
        ]
    df = df.with_columns(norm_cols)
    dims = list(spec["dimensions"])
    n_missing = pl.sum_horizontal(pl.col(d).is_null() for d in dims)
    reason = pl.concat_str(
        [
            pl.when(pl.col(d).is_null()).then(
                pl.format(f"{d} ({{}} of {len(spec['dimensions'][d])}, needs "
                          f"{spec['needed'][d]})", pl.col(f"_{d}_n"))
            )
            for d in dims
        ],
        separator=", ", ignore_nulls=True,
    )
    df = df.with_columns(
        pl.when(n_missing == 0).then(pl.lit("scored"))
        .when(n_missing == len(dims)).then(pl.lit("rejected"))
        .otherwise(pl.lit("incomplete")).alias("status"),
        pl.when(n_missing > 0).then(pl.lit("too few answers: ") + reason).alias("reason"),
        pl.lit(spec["norm_group"]).alias("norm_group"),
        pl.lit(spec["norm_status"]).alias("norm_status"),
    )
    out = [*ids, *items, *dims,
           *[f"{d}_{s}" for d in dims for s in ("percentile", "t", "band")],
           "status", "reason", "norm_group", "norm_status"]
    return df.select(out)


def main(source: str, spec_file: str, output: str) -> None:
    with open(spec_file, encoding="utf-8") as fh:
        spec = json.load(fh)
    scored_frame(source, spec).write_csv(output, line_terminator="\r\n")


if __name__ == "__main__":
    main(*sys.argv[1:4])

"""Reading the respondent layouts of a filled form: answers in words, as boxes to mark
(one per row) or a drop-down; :func:`relscale.io.readback.read_form` hands them here."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from relscale.excel.identity import cell_text
from relscale.i18n import _


def _options(meta: dict[str, str]) -> list[tuple[int, str]]:
    """(value, label) of each answer on a respondent form, in form order."""
    options = []
    k = 0
    while f"option.{k}" in meta:
        value, _sep, label = meta[f"option.{k}"].partition("=")
        options.append((int(value), label))
        k += 1
    return options


def read_respondent_answers(
    path: Path, ws: Any, meta: dict[str, str], table: Sequence[Sequence[str]],
    row: dict[str, Any], *, strict: bool = False,
) -> tuple[list[str], list[str]]:
    """Answers of a ``boxes`` or ``dropdown`` form into ``row``; (item ids, problems).

    ``boxes``: a row's answer is the box holding a mark (any text: x, X, a tick); two or
    more marks are an error naming the row; no mark is a missing answer (the scoring rule
    decides whether the scale still has a score), or with ``strict`` an error too. ``dropdown``: the
    cell holds one of the answers in words (or its number); anything else is an error.
    """
    from relscale.excel.sheet import parse_ref

    options = _options(meta)
    layout = meta.get("layout")
    id_col = int(meta.get("item_id_column") or 0)
    by_label = {_norm_label(label): value for value, label in options}
    problems: list[str] = []
    item_ids: list[str] = []
    for item_id, position, _dimension, _keying, cells in table:
        item_ids.append(item_id)
        addresses = cells.split()
        r, _c = parse_ref(addresses[0])
        found_id = cell_text(ws.cell(row=r, column=id_col).value)
        if found_id != item_id:
            problems.append(_(
                "{path}: cell {cell} should hold the answer to item {item}, but the row "
                "belongs to {found}: rows were moved; export a fresh form"
            ).format(path=path, cell=addresses[0], item=item_id, found=found_id or "-"))
            continue
        if layout == "boxes":
            marked = [k for k, a in enumerate(addresses) if cell_text(ws[a].value).strip()]
            if len(marked) > 1:
                problems.append(_(
                    "{path}: statement {position} (item {item}): {n} boxes are marked "
                    "({labels}); mark exactly one box per row"
                ).format(path=path, position=position, item=item_id, n=len(marked),
                         labels=", ".join(options[k][1] for k in marked)))
                row[item_id] = None
                continue
            if not marked and strict:
                problems.append(_(
                    "{path}: statement {position} (item {item}): no box is marked; mark "
                    "exactly one box per row (--strict)"
                ).format(path=path, position=position, item=item_id))
            row[item_id] = options[marked[0]][0] if marked else None
            continue
        text = cell_text(ws[addresses[0]].value).strip()
        if not text:
            row[item_id] = None
        elif _norm_label(text) in by_label:
            row[item_id] = by_label[_norm_label(text)]
        elif text.lstrip("-").isdigit() and int(text) in {v for v, _l in options}:
            row[item_id] = int(text)
        else:
            row[item_id] = None
            problems.append(_(
                "{path}: cell {cell} (item {item}): {value!r} is not one of the answers "
                "({labels})"
            ).format(path=path, cell=addresses[0], item=item_id, value=text,
                     labels=", ".join(label for _v, label in options)))
    return item_ids, problems


def _norm_label(text: str) -> str:
    """A label as compared: drop-down entries replace commas and quotes."""
    return " ".join(text.replace("\u201a", ",").replace("'", '"').split()).casefold()

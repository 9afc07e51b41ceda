"""A newcomer's walk through every README block, in Dutch, on a fresh clone.

Clones the repository (``--repo``, default this checkout's HEAD) into a temporary folder,
installs it as the README's first block says (``python3 -m venv .venv && .venv/bin/pip
install -q -e .``), and runs every line of every ``bash`` block of its README, in order,
as written, with ``$RELSCALE_LOCALE=nl`` and ``--locale nl`` put right after every
``relscale`` (the global option: a line's own ``--locale`` for the content of what it
writes still applies). The README's inputs (filled forms, a Kobo export, teacher and child
reports, samples) are made first, the way the tests make them. Every line's output is
checked for English words with the list ``tests/test_dutch_throughout.py`` keeps, ids,
option names, file names and quoted text left out.

Two lines are not run: ``.venv/bin/pytest -q`` (the test suite, which CI runs) and
installing the test extras before it. Prints one line per command (exit code, English words
found) and exits non-zero when a line failed or printed English.

Usage::

    python scripts/readme_walk_nl.py [--repo PATH] [--keep]
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
FENCE = re.compile(r"^```(\w*)\s*$")
SKIP = ("pytest", '".[test]"')


def blocks(readme: Path) -> list[str]:
    """The command lines of the README's bash blocks, continuation lines joined."""
    lines: list[str] = []
    inside = False
    for raw in readme.read_text(encoding="utf-8").splitlines():
        fence = FENCE.match(raw)
        if fence:
            inside = not inside and fence.group(1) in ("bash", "sh", "")
            continue
        if not inside or not raw.strip() or raw.lstrip().startswith("#"):
            continue
        if lines and lines[-1].endswith("\\"):
            lines[-1] = lines[-1][:-1] + " " + raw.strip()
        else:
            lines.append(raw.strip())
    return lines


def in_dutch(line: str) -> str:
    """``line`` with ``--locale nl`` after every ``relscale`` that starts a command."""
    return re.sub(r"(^|&& |\.venv/bin/)relscale(\s)", r"\1relscale --locale nl\2", line)


def run(cmd: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", cmd], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=1800)


def prepare_inputs(work: Path, env: dict[str, str], clone: Path) -> None:
    """The files the README's commands read, made as a user would get them."""
    rs = str(clone / ".venv" / "bin" / "relscale")

    def relscale(*args: str) -> None:
        done = subprocess.run([rs, *args], cwd=work, env=env, capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"preparing {args}: {done.stderr}")

    relscale("simulate", "-i", "relationship_quality", "-s", "foster_homes", "-o",
             "sample.csv", "--n", "1000")  # groups (gender) of 200 and more, for norms
    # data.csv: the sample, with four columns for the ad hoc scale as well
    rows = list(csv.DictReader((work / "sample.csv").open(encoding="utf-8")))
    with (work / "data.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, [*rows[0], "a", "b", "c", "d"])
        writer.writeheader()
        for r in rows:
            writer.writerow({**r, "a": r["rq01"] or "3", "b": r["rq02"] or "3",
                             "c": r["rq03"] or "3", "d": r["rq04"] or "3"})
    # sectors.csv: education and youth care, each in its own wording, a sector column
    sys.path.insert(0, str(clone / "tests"))
    from equivalence_data import write_sectors  # type: ignore[import-not-found]

    write_sectors(work / "sectors.csv", ["education", "youth_care"], 300)
    # filled/: three disability-care professional forms, filled in
    import openpyxl

    (work / "filled").mkdir()
    for k in range(3):
        form = work / "filled" / f"f{k}.xlsx"
        relscale("form", "relationship_quality", "--sector", "disability_care", "-o",
                 str(form))
        wb = openpyxl.load_workbook(form)
        sheet, cells = next(iter(wb.defined_names["relscale_answers"].destinations))
        for i, row in enumerate(wb[sheet][cells]):
            row[0].value = (i + k) % 5 + 1
        wb.save(form)
    # kobo_export.csv: a KoboToolbox export of the same instrument (the tests' maker)
    sys.path.insert(0, str(clone / "tests"))
    from export_samples import reference_scores, sample_answers  # type: ignore[import-not-found]
    from platform_fixtures import kobo_csv  # type: ignore[import-not-found]

    from relscale.adapt import adapt

    kobo = adapt("relationship_quality", "disability_care", "professional", "en")
    answers = sample_answers(kobo)
    kobo_csv([kobo], answers, work / "kobo_export.csv",
             scores=reference_scores(kobo, answers))
    # teacher.csv and child.csv: the same pairs from both sides
    relscale("simulate", "-i", "relationship_quality", "-s", "education", "-o", "t.csv",
             "--n", "6")
    relscale("simulate", "-i", "relationship_quality_client", "-s", "education", "-o",
             "c.csv", "--n", "6")
    for src, dst, child in (("t.csv", "teacher.csv", False), ("c.csv", "child.csv", True)):
        rows = list(csv.DictReader((work / src).open(encoding="utf-8")))
        items = [c for c in rows[0] if c.startswith("rq")]
        with (work / dst).open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["respondent_code", "subject_code", *items])
            for k, r in enumerate(rows):
                teacher, kid = f"T{k // 2 + 1}", f"C{k + 1}"
                w.writerow([*([kid, teacher] if child else [teacher, kid]),
                            *(r[i] for i in items)])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", default=str(HERE))
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE / "tests"))
    from test_dutch_throughout import command_paths, english_words

    names = frozenset(p[-1] for p in command_paths() if p) | {
        "scored", "incomplete", "rejected", "illustrative", "local", "published"}
    tmp = Path(tempfile.mkdtemp(prefix="relscale-walk-"))
    clone = tmp / "relscale"
    subprocess.run(["git", "clone", "-q", args.repo, str(clone)], check=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RELSCALE_", "VIRTUAL"))}
    env["RELSCALE_LOCALE"] = "nl"
    env["PATH"] = f"{clone / '.venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    lines = blocks(clone / "README.md")
    install = lines[0].split(" && .venv/bin/relscale")[0]
    done = run(install, clone, env)
    if done.returncode:
        print(done.stderr)
        return 1
    work = clone  # the README's commands run in the clone, as a newcomer's would
    prepare_inputs(work, env, clone)
    failures = 0
    for line in lines:
        if any(s in line for s in SKIP):
            print(f"SKIP  {line}")
            continue
        if "relscale" not in line:
            cmd = line
        else:
            cmd = in_dutch(line.split(" && ", 2)[-1] if line.startswith("python3 -m venv")
                           else line)
        result = run(cmd, work, env)
        # another program's output (pip) is not relscale's to word
        ours = re.search(r"(^|\s|/)relscale\s", cmd.split(" #")[0]) is not None
        words = english_words(result.stdout + result.stderr, names) if ours else []
        status = "ok" if result.returncode == 0 and not words else "FAIL"
        failures += status == "FAIL"
        print(f"{status:5s} exit {result.returncode}  {cmd}")
        if words:
            print(f"      English: {sorted(set(words))}")
        if result.returncode:
            print("      " + (result.stderr.strip().splitlines() or ["-"])[-1])
    if not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        print(f"kept: {tmp}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())

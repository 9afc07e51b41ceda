"""Every workbook and PDF relscale writes, printed by LibreOffice and measured.

Forms in every layout, scoring sheets, the codebook, the results workbook, relationship
profiles (.xlsx, and the .pdf ``relscale profile`` makes itself), the translation review
workbook, the adaptation report and the reliability and CFA workbooks: each is made with
the real command line, printed to PDF in one LibreOffice run, and read back word by word
with their positions (``tests/print_check.py``). On every printout: no text over other
text, no word of a printed cell missing (cut off at its box) or broken inside, no page that
is one narrow column, no chart across a page break, and the page count a reader expects.
The platform files (XLSForm, REDCap, LimeSurvey) are uploaded, not printed: not here.
"""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import print_check as pc
import pytest
from equivalence_data import write_sectors

from helpers import runner
from relscale.adapt import adapt
from relscale.cli.main import app

pytestmark = pytest.mark.libreoffice

# name -> (command line, most pages)
FORMS = {
    "form_prof_foster_nl": (["form", "relationship_quality", "-s", "foster_homes", "-l", "nl"], 2),
    "form_prof_education_en": (["form", "working_alliance", "-s", "education", "-p",
                                "professional", "-l", "en"], 2),
    "form_compact_client_nl": (["form", "working_alliance", "-s", "youth_care", "-p", "client",
                                "-l", "nl", "--layout", "compact",
                                "--professional-name", "Alexandra van der Berg-Oosterhuis"], 2),
    "form_boxes_foster_child_nl": (["form", "relationship_quality_client", "-s",
                                    "foster_homes", "-l", "nl"], 3),
    "form_boxes_youth_nl": (["form", "relationship_quality_client", "-s", "youth_care",
                             "-l", "nl"], 3),
    "form_boxes_alliance_youth_nl": (["form", "working_alliance", "-s", "youth_care", "-p",
                                      "client", "-l", "nl"], 3),
    "form_pictures_disability_nl": (["form", "relationship_quality_client", "-s",
                                     "disability_care", "-l", "nl", "--pictures"], 4),
    "form_boxes_education_en_admin": (["form", "relationship_quality_client", "-s",
                                       "education", "-l", "en", "--with-admin-sheet"], 4),
    "form_dropdown_education_nl": (["form", "relationship_quality_client", "-s", "education",
                                    "-l", "nl", "--layout", "dropdown"], 3),
}
OTHERS = {
    "sheet_alliance_youth_nl": (["scoring-sheet", "working_alliance", "--sector", "youth_care",
                                 "-p", "client", "--locale", "nl", "--rows", "40"], 8),
    "sheet_rq_foster_en": (["scoring-sheet", "relationship_quality", "--sector", "foster_homes",
                            "--rows", "40"], 10),
    "codebook_foster_nl": (["codebook", "relationship_quality", "--sector", "foster_homes",
                            "-l", "nl"], 4),
    "review_youth_nl": (["i18n", "review", "--sector", "youth_care", "--locale", "nl"], 30),
    "report_youth_nl": (["--locale", "nl", "report", "adaptation", "relationship_quality",
                         "--sector", "youth_care"], 30),
}
# PDFs relscale makes itself: name -> (command line, most pages); checked on the PDF alone
PDFS = {
    "cards_disability_nl": (["--locale", "nl", "cards", "relationship_quality_client",
                             "--sector", "disability_care"], 1),
}
# made from data (below): name -> most pages
# results: Scores and Summary, the Profiles sheet (2 or 3 profiles a page) and a page per
# professional-client pair
FROM_DATA = {"results_nl": 48, "results_en_clients": 12, "profiles_xlsx_nl": 6,
             "reliability_nl": 4, "cfa_nl": 6, "report_data_nl": 40}
PAGE_WORDS = ["Page", "of", "Pagina", "van"]


def _run(*args: str) -> None:
    result = runner().invoke(app, list(args))
    assert result.exit_code == 0, (args, result.output, result.stderr)


def _teacher_and_child(tmp: Path) -> tuple[Path, Path]:
    """Teacher reports on 6 children (3 teachers) and the children's own reports."""
    _run("simulate", "-i", "relationship_quality", "-s", "education", "-o",
         str(tmp / "t.csv"), "--n", "6", "--seed", "3")
    _run("simulate", "-i", "relationship_quality_client", "-s", "education", "-o",
         str(tmp / "c.csv"), "--n", "6", "--seed", "4")

    def recode(src: Path, dst: Path, child: bool) -> None:
        rows = list(csv.DictReader(src.open(encoding="utf-8")))
        items = [c for c in rows[0] if c.startswith("rq")]
        with dst.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["respondent_code", "subject_code", *items])
            for k, r in enumerate(rows):
                teacher, kid = f"T{k // 2 + 1}", f"C{k + 1}"
                w.writerow([*([kid, teacher] if child else [teacher, kid]),
                            *(r[i] for i in items)])

    teacher, child = tmp / "teacher.csv", tmp / "child.csv"
    recode(tmp / "t.csv", teacher, False)
    recode(tmp / "c.csv", child, True)
    return teacher, child


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path, int]]:
    """name -> (workbook or PDF, its PDF, most pages), every output made and printed."""
    pc.tools_or_skip()
    tmp = tmp_path_factory.mktemp("print")
    books: dict[str, tuple[Path, int]] = {}
    for name, (args, most) in {**FORMS, **OTHERS}.items():
        out = tmp / f"{name}.xlsx"
        _run(*args, "-o", str(out))
        books[name] = (out, most)
    sample = tmp / "sample.csv"
    _run("simulate", "-i", "relationship_quality", "-s", "education", "-o", str(sample),
         "--n", "30")
    _run("--locale", "nl", "score", str(sample), "-i", "relationship_quality", "-s",
         "education", "-o", str(tmp / "results_nl.xlsx"))
    teacher, child = _teacher_and_child(tmp)
    _run("score", str(child), "-i", "relationship_quality_client", "-s", "education", "-o",
         str(tmp / "results_en_clients.xlsx"))
    _run("--locale", "nl", "profile", str(teacher), "-i", "relationship_quality", "-s",
         "education", "--client-data", str(child), "-o", str(tmp / "profiles_xlsx_nl.xlsx"))
    _run("--locale", "nl", "reliability", str(sample), "-i", "relationship_quality", "-s",
         "education", "-o", str(tmp / "reliability_nl.xlsx"))
    big = tmp / "big.csv"
    _run("simulate", "-i", "relationship_quality", "-s", "education", "-o", str(big),
         "--n", "300")
    _run("--locale", "nl", "cfa", str(big), "-i", "relationship_quality", "-s", "education",
         "-F", "xlsx", "-o", str(tmp / "cfa_nl.xlsx"))
    sectors = tmp / "sectors.csv"
    write_sectors(sectors, ["education", "disability_care"], 150)
    _run("--locale", "nl", "report", "adaptation", "relationship_quality", "--sector",
         "disability_care", "--data", str(sectors), "-o", str(tmp / "report_data_nl.xlsx"))
    for name, most in FROM_DATA.items():
        books[name] = (tmp / f"{name}.xlsx", most)
    pdfs = pc.render([b for b, _m in books.values()], tmp / "pdf")
    done = {name: (book, pdfs[book], most) for name, (book, most) in books.items()}
    if shutil.which("soffice"):
        pdf = tmp / "profiles_nl.pdf"
        _run("--locale", "nl", "profile", str(teacher), "-i", "relationship_quality", "-s",
             "education", "--client-data", str(child), "-o", str(pdf))
        done["profiles_pdf_nl"] = (tmp / "profiles_xlsx_nl.xlsx", pdf, 6)
    for name, (args, most) in PDFS.items():
        pdf = tmp / f"{name}.pdf"
        _run(*args, "-o", str(pdf))
        done[name] = (pdf, pdf, most)
    return done


ALL = [*FORMS, *OTHERS, *FROM_DATA, "profiles_pdf_nl"]


@pytest.mark.parametrize("name", list(PDFS))
def test_pdfs_print_cleanly(printed: dict[str, tuple[Path, Path, int]], name: str) -> None:
    """A PDF relscale draws itself: its page count, no text over text, and every answer's
    words on it, whole."""
    _pdf, pdf, most = printed[name]
    pages = pc.read_pdf(pdf)
    args = PDFS[name][0]
    adapted = adapt(args[args.index("cards") + 1], args[args.index("--sector") + 1], None,
                    args[args.index("--locale") + 1])
    labels = [p.label for p in (*adapted.scale.points,
                                *((adapted.scale.not_applicable,)
                                  if adapted.scale.not_applicable else ()))]
    problems = {
        "pages": [f"{len(pages)} pages, expected at most {most}"] if len(pages) > most else [],
        "overlapping text": pc.overlaps(pages),
        "answers missing": pc.missing_words(pages, labels),
    }
    problems = {k: v for k, v in problems.items() if v}
    assert not problems, problems


@pytest.mark.parametrize("name", ALL)
def test_prints_cleanly(printed: dict[str, tuple[Path, Path, int]], name: str) -> None:
    book, pdf, most = printed[name]
    pages = pc.read_pdf(pdf)
    texts = pc.printed_texts(book)
    problems = {
        "pages": [f"{len(pages)} pages, expected at most {most}"] if len(pages) > most else [],
        "overlapping text": pc.overlaps(pages),
        "cut off": pc.missing_words(pages, texts),
        "broken words": pc.broken_words(pages, texts, PAGE_WORDS),
        "a column alone": pc.lone_columns(pages),
    }
    problems = {k: v for k, v in problems.items() if v}
    assert not problems, "\n".join(f"{name}: {k}: {v[:8]}" for k, v in problems.items())


@pytest.mark.parametrize("name", ["results_nl", "results_en_clients"])
def test_no_chart_across_a_page_break(printed: dict[str, tuple[Path, Path, int]],
                                      name: str) -> None:
    import openpyxl

    book, pdf, _most = printed[name]
    wb = openpyxl.load_workbook(book)
    charts = sum(len(ws._charts) for ws in wb.worksheets)
    assert charts
    locale = "nl" if name.endswith("nl") else "en"
    instrument = "relationship_quality" if locale == "nl" else "relationship_quality_client"
    labels = [d.label for d in adapt(instrument, "education", None, locale).dimensions]
    axis = "Percentiel" if locale == "nl" else "Percentile"
    problems = pc.split_charts(pc.read_pdf(pdf), axis, labels, charts)
    assert not problems, problems


@pytest.mark.parametrize("name", [n for n in FORMS if "boxes" in n or "pictures" in n
                                  or "dropdown" in n])
def test_no_page_holds_one_item_or_only_the_closing_line(
    printed: dict[str, tuple[Path, Path, int]], name: str
) -> None:
    """Item bank 0.3, page economy: every page of a respondent form holds at least two
    statements, and the closing line never stands alone (the foster-home child form's page
    3 held one statement, the disability-care client form's the thanks alone)."""
    args = FORMS[name][0]
    instrument, sector = args[1], args[3]
    perspective = args[args.index("-p") + 1] if "-p" in args else None
    locale = args[args.index("-l") + 1]
    adapted = adapt(instrument, sector, perspective, locale)
    _book, pdf, _most = printed[name]
    pages = [p for p in pc.read_pdf(pdf)
             if not any(w.text in ("administrator:", "afnemer:") for w in p.words)]
    starts = [re.compile(rf"^{item.position}\.$") for item in adapted.items]
    counts = []
    for page in pages:
        lefts = [w for w in page.words if w.x0 < page.width * 0.2]
        counts.append(sum(1 for s in starts if any(s.match(w.text) for w in lefts)))
    assert sum(counts) == len(adapted.items), counts
    assert all(c >= 2 for c in counts if c), counts
    assert counts[-1] >= 1, ("the closing line alone on the last page", counts)

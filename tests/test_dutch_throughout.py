"""Dutch throughout: every command's ``--help`` and every listing, in ``--locale nl``, with
no English word outside ids, option names, file names and quoted commands.

Each command line runs end to end (``python -m relscale``, as a user starts it: the
locale is read before typer parses), several at once. A word counts as English when it is
in :data:`ENGLISH`, a list of common English words that are not Dutch words, kept here;
ids (``relationship_quality``), option names (``--locale``), paths and file names,
``$VARIABLES`` and quoted text (``'relscale read'``) are left out before the words are
looked up.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from relscale.cli.main import cli_command
from relscale.i18n import available_locales

pytestmark = pytest.mark.skipif("nl" not in available_locales(), reason="no nl catalog")

ENGLISH = frozenset([
    "usage", "options", "option", "arguments", "argument", "commands", "required", "default",
    "defaults", "show", "shows", "the", "and", "with", "for", "from", "to", "this", "that",
    "these", "those", "which", "what", "who", "whose", "where", "when", "write", "writes",
    "written", "wrote", "read", "reads", "file", "files", "folder", "folders", "output",
    "input", "name", "names", "title", "offers", "perspectives", "dimensions", "error",
    "errors", "warning", "warnings", "note", "notes", "missing", "invalid", "value", "values",
    "help", "message", "exit", "exits", "try", "got", "such", "did", "you", "your", "mean",
    "possible", "does", "exist", "unexpected", "extra", "aborted", "dynamic", "env", "var",
    "number", "integer", "path", "language", "unchanged", "kept", "reworded", "dropped",
    "added", "terms", "substituted", "scored", "incomplete", "rejected", "percentile", "yes",
    "no", "all", "none", "one", "every", "each", "only", "not", "are", "be", "or", "if", "on",
    "by", "it", "its", "has", "have", "will", "can", "may", "must", "should", "use", "see",
    "give", "choose", "list", "lists", "instead", "without", "within", "between", "before",
    "after", "about", "above", "below", "than", "then", "also", "other", "others", "more",
    "most", "less", "least", "into", "onto", "under", "new", "old", "first", "last", "next",
    "same", "sheet", "sheets", "workbook", "answer", "answers", "raw", "norms", "group",
    "groups", "column", "columns", "row", "rows", "validated", "translated", "fuzzy", "total",
    "complete", "package", "domain", "format", "formats", "suffix", "description", "plugins",
    "native", "english", "dutch",
    # the analysis outputs (cfa, invariance, reliability, the adaptation report); not
    # "criteria", "reverse", "points": Dutch says "criteria", "reverse proxy", "entry points"
    "invariance", "configural", "metric", "scalar", "strict", "partial", "partially",
    "loading", "loadings", "loads", "intercepts", "threshold", "thresholds", "residual",
    "residuals", "variances", "means", "correlations", "correlate", "compare", "comparable",
    "hold", "holds", "level", "levels", "criterion", "freed", "freeing",
    "improper", "solution", "negative", "negatively", "deletion", "respondents", "estimator",
    "continuous", "ordinal", "categories", "category", "reliability", "scale", "scales",
    "answered", "nobody", "several", "nested", "look", "disagree", "verdict", "readings",
    "difference", "correction", "remaining", "rejects", "still", "would", "could", "fewer",
    "unstable", "across", "share", "structure", "neither", "nor", "recoded", "reversed",
    "already", "keying", "declared", "information", "singular", "identified",
    "converge", "iterations", "trustworthy", "sample", "synthetic", "treated",
])
"""Common English words that are not Dutch words (``score``, ``item``, ``status``,
``instrument``, ``sector``, ``plugin``, ``band``, ``code``, ``of``, ``is``, ``over`` are
both; ``professional``, ``client``, ``table``, ``text`` are values a user types: not
listed). Command names are ids too (:func:`command_paths`)."""

QUOTED = re.compile(r"'[^'\n]*'|`[^`\n]*`|\"[^\"\n]*\"")
WORD = re.compile(r"[A-Za-zÀ-ÿ']+")


def english_words(text: str, ids: frozenset[str] = frozenset(),
                  words: frozenset[str] = ENGLISH) -> list[str]:
    """The words of ``text`` in ``words`` (:data:`ENGLISH`), ids (and ``ids``), names and
    quoted text left out."""
    found = []
    for token in QUOTED.sub(" ", text).split():
        if token.strip(".,;:()") in ids:
            continue
        if token.startswith(("-", "$", "<", "[", "{", "/", "~", "(", "http")):
            token = token.lstrip("([{<")
            if token.startswith(("-", "$", "/", "~", "http")):
                continue
        if re.search(r"[_./\\=@#]|\w-\w|\d", token.strip(".,;:()[]{}'\"")):
            continue  # an id, a path, a file name, a KEY=VALUE, a number
        for word in WORD.findall(token):
            if word.lower().strip("'") in words:
                found.append(word)
    return found


def command_paths() -> list[tuple[str, ...]]:
    """Every command and group of the tree (plugins' commands too), hidden ones left out."""
    paths: list[tuple[str, ...]] = [()]

    def walk(command: object, path: tuple[str, ...]) -> None:
        for name, sub in getattr(command, "commands", {}).items():
            if not getattr(sub, "hidden", False):
                paths.append((*path, name))
                walk(sub, (*path, name))

    walk(cli_command(), ())
    return paths


def relscale(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "RELSCALE_LOCALE"}
    env["COLUMNS"] = "100"
    return subprocess.run([sys.executable, "-m", "relscale", *args], capture_output=True,
                          text=True, env=env, timeout=120, cwd=cwd)


def run_all(runs: list[tuple[str, ...]], cwd: Path | None = None
            ) -> dict[tuple[str, ...], subprocess.CompletedProcess[str]]:
    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(zip(runs, pool.map(lambda a: relscale(*a, cwd=cwd), runs), strict=True))


def test_the_word_list_catches_english_and_leaves_ids() -> None:
    assert english_words("Usage: relscale score [OPTIONS]") == ["Usage", "OPTIONS"]
    assert english_words("Show this message and exit.") == ["Show", "this", "message", "and",
                                                             "exit"]
    assert english_words("--force relationship_quality x.csv 'relscale read' $RELSCALE_LOCALE "
                         "professional of client; [default: table]") == ["default"]
    assert english_words("Schrijf het bestand; standaard: table") == []


def test_every_help_in_dutch() -> None:
    paths = command_paths()
    # command names, and gettext's own term for an unsure translation
    names = frozenset(p[-1] for p in paths if p) | {"fuzzy"}
    runs = [("--locale", "nl", *path, "--help") for path in paths]
    done = run_all(runs)
    problems = {}
    for args, result in done.items():
        assert result.returncode == 0, (args, result.stderr)
        words = english_words(result.stdout + result.stderr, names)
        if words:
            problems[" ".join(args[2:-1]) or "relscale"] = sorted(set(words))
    assert not problems, problems


CODES = frozenset({"scored", "incomplete", "rejected", "published", "local", "illustrative"})
"""Values in the data (``status``, ``norm_status``), shown with their Dutch words."""


def test_every_listing_in_dutch(tmp_path: Path) -> None:
    sample, norm_file = tmp_path / "sample.csv", tmp_path / "norms.toml"
    for args in (("simulate", "-i", "working_alliance", "-s", "youth_care", "-p", "client",
                  "-o", str(sample), "--n", "250"),
                 ("--locale", "nl", "norms", "build", str(sample), "-i", "working_alliance",
                  "-s", "youth_care", "-p", "client", "--min-n", "100", "--source",
                  "Onze groepen, voorjaar 2026", "-o", str(norm_file))):
        made = relscale(*args)
        assert made.returncode == 0, made.stderr
    runs = [
        ("--locale", "nl", "sectors"),
        ("--locale", "nl", "instruments"),
        ("--locale", "nl", "slots", "working_alliance", "-p", "client"),
        ("--locale", "nl", "show", "relationship_quality", "--sector", "youth_care"),
        ("--locale", "nl", "diff", "relationship_quality", "--sector", "disability_care"),
        ("--locale", "nl", "exporters"),
        ("--locale", "nl", "locales"),
        ("--locale", "nl", "norms", "list"),
        ("--locale", "nl", "norms", "show", str(norm_file)),
        ("--locale", "nl", "i18n", "status", "-d", "relscale"),
        ("--locale", "nl", "codebook", "relationship_quality", "--sector", "foster_homes",
         "--format", "md"),
    ]
    done = run_all(runs, cwd=tmp_path)
    names = frozenset(p[-1] for p in command_paths() if p) | CODES
    problems = {}
    for args, result in done.items():
        assert result.returncode == 0, (args, result.stderr)
        # `locales` lists each language's English name beside its own, on purpose
        ids = names | {"Dutch", "English"} if args[2] == "locales" else names
        words = english_words(result.stdout + result.stderr, ids)
        if words:
            problems[" ".join(args[2:])] = sorted(set(words))
    assert not problems, problems


def test_usage_errors_in_dutch() -> None:
    runs = [("--locale", "nl", "score", "x.csv"), ("--locale", "nl", "scor"),
            ("--locale", "nl", "scoring-sheet", "working_alliance", "-s", "education",
             "-o", "x.xlsx", "--rows", "abc"),
            ("--locale", "nl", "score", "--bogus")]
    done = run_all(runs)
    for args, result in done.items():
        assert result.returncode == 2, (args, result.stderr)
        assert not english_words(result.stderr), (args, result.stderr)
        assert "Fout:" in result.stderr and "Gebruik:" in result.stderr

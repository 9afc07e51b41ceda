"""The `relscale` command lines in the docs name commands and options that exist.

Every fenced shell block (```bash, ```console, ```sh, ```shell or a bare ```) in
README.md and docs/*.md is scanned for `relscale` command lines, including the ones in
`&&` chains (`.venv/bin/relscale ...`), after environment assignments
(`RELSCALE_PLUGINS=education relscale sectors`), after a `$ ` prompt, continued with a
backslash, and the synopses in docs/scoring.md (`[--perspective P]`). Each is parsed with
shlex and checked against the click tree typer builds, without running it: the
subcommand path exists and every option it uses is accepted by the command it is given
to (root options such as `--locale` and `--content` before the subcommand). Running the
examples is a manual audit; this keeps the cheap part honest.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer

import relscale.cli.main

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

SHELL_LANGS = {"", "bash", "console", "sh", "shell"}
FENCE = re.compile(r"^(?P<indent> *)```(?P<lang>[\w-]*)\s*$")
ENV_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
# Shell operators that end a command; `&&`, `||` and `;` may start another one.
CHAIN = {"&&", "||", ";"}
MENTIONS_RELSCALE = re.compile(r"(^|[\s/;&|])relscale(\s|$)")
STOP = {"|", "&", ">", ">>", "<", "2>", "2>&1", "&>"}


@dataclass(frozen=True)
class DocCommand:
    """One `relscale` command line found in a doc."""

    where: str
    """``docs/forms.md:9``: the file and the line the command starts on."""
    tokens: tuple[str, ...]
    """The command's words, starting with ``relscale``, shell redirections removed."""


def _shell_blocks(path: Path) -> list[tuple[int, list[str]]]:
    """(line number of the first body line, body lines dedented) of every shell block."""
    blocks: list[tuple[int, list[str]]] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        indent, lang = match["indent"], match["lang"]
        body: list[str] = []
        start = i + 2
        i += 1
        while i < len(lines) and lines[i].strip() != "```":
            line = lines[i]
            body.append(line[len(indent):] if line.startswith(indent) else line.lstrip())
            i += 1
        i += 1  # the closing fence
        if lang in SHELL_LANGS:
            blocks.append((start, body))
    return blocks


def _is_synopsis(text: str) -> bool:
    """A usage synopsis (``[--perspective P]``) rather than a command to type."""
    return bool(re.search(r"\[-", text))


def _logical_lines(start: int, body: list[str]) -> list[tuple[int, str]]:
    """Join backslash continuations, and the indented lines that continue a synopsis."""
    out: list[tuple[int, str]] = []
    pending: tuple[int, str] | None = None
    for offset, raw in enumerate(body):
        line = raw.rstrip()
        if pending is not None:
            lineno, text = pending
            if text.endswith("\\"):
                pending = (lineno, text[:-1] + " " + line.strip())
            elif line.startswith((" ", "\t")) and line.strip() and _is_synopsis(text):
                pending = (lineno, text + " " + line.strip())
            else:
                out.append(pending)
                pending = None
        if pending is None:
            pending = (start + offset, line)
    if pending is not None:
        out.append(pending)
    return out


def _command_words(words: list[str]) -> list[str] | None:
    """The words of one simple command if it runs relscale, else None."""
    while words and ENV_ASSIGNMENT.match(words[0]):
        words = words[1:]
    if not words or words[0].rsplit("/", 1)[-1] != "relscale":
        return None
    cut = next(
        (k for k, w in enumerate(words) if w in STOP or w.startswith((">", "2>", "<"))),
        len(words),
    )
    return ["relscale", *words[1:cut]]


def doc_commands(path: Path) -> list[DocCommand]:
    """Every `relscale` command line in the shell blocks of one Markdown file."""
    found: list[DocCommand] = []
    rel = path.relative_to(ROOT)
    for start, body in _shell_blocks(path):
        for lineno, text in _logical_lines(start, body):
            stripped = text.strip()
            if stripped.startswith("$ "):
                stripped = stripped[2:]
            if not MENTIONS_RELSCALE.search(stripped):
                continue  # prose, trees and diagrams in bare ``` blocks
            synopsis = _is_synopsis(stripped)
            if synopsis:
                # `[--group KEY=VALUE | --group COLUMN]...`: brackets and alternatives
                # are notation, not shell.
                stripped = re.sub(r"[\[\]]|\.\.\.(?=\s|$)", " ", stripped)
                stripped = re.sub(r"\s\|\s", " ", stripped)
            try:
                words = shlex.split(stripped, comments=True)
            except ValueError as exc:  # unbalanced quotes: report, don't skip silently
                raise AssertionError(f"{rel}:{lineno}: cannot parse {text!r}: {exc}") from exc
            segment: list[str] = []
            for word in [*words, ";"]:
                if word in CHAIN:
                    command = _command_words(segment)
                    if command is not None:
                        found.append(DocCommand(f"{rel}:{lineno}", tuple(command)))
                    segment = []
                else:
                    segment.append(word)
    return found


def _option(command: Any, name: str) -> Any:
    for param in command.params:
        if param.param_type_name == "option" and name in (*param.opts, *param.secondary_opts):
            return param
    return None


def _takes_value(option: Any) -> bool:
    return not (getattr(option, "is_flag", False) or getattr(option, "count", False))


def check_command(root: Any, tokens: tuple[str, ...] | list[str]) -> list[str]:
    """Problems with one command line: unknown subcommands and options (empty: fine)."""
    problems: list[str] = []
    command, path = root, ["relscale"]
    args = list(tokens[1:])
    i = 0
    # Walk the groups: each group's own options, then a subcommand name.
    while hasattr(command, "commands"):
        while i < len(args) and args[i].startswith("-") and args[i] != "--help":
            name = args[i].split("=", 1)[0]
            option = _option(command, name)
            if option is None:
                problems.append(f"{' '.join(path)}: no option {name}")
                i += 1
                continue
            i += 2 if _takes_value(option) and "=" not in args[i] else 1
        if i >= len(args) or args[i] == "--help":
            return problems
        sub = command.commands.get(args[i])
        if sub is None:
            problems.append(
                f"{' '.join(path)}: no command {args[i]!r} "
                f"(has: {', '.join(sorted(command.commands))})"
            )
            return problems
        command = sub
        path.append(args[i])
        i += 1
    for arg in args[i:]:
        if arg == "--":
            break
        if re.fullmatch(r"--[A-Za-z][\w-]*(=.*)?", arg) or re.fullmatch(r"-[A-Za-z]", arg):
            name = arg.split("=", 1)[0]
            if name != "--help" and _option(command, name) is None:
                problems.append(f"{' '.join(path)}: no option {name}")
    return problems


def _all_commands() -> list[DocCommand]:
    return [c for path in DOCS for c in doc_commands(path)]


COMMANDS = _all_commands()


@pytest.fixture(scope="module")
def cli() -> Any:
    return typer.main.get_command(relscale.cli.main.app)


@pytest.mark.parametrize(
    "doc", COMMANDS, ids=[f"{c.where} {' '.join(c.tokens[1:3])}" for c in COMMANDS]
)
def test_documented_command_exists_with_its_options(cli: Any, doc: DocCommand) -> None:
    problems = check_command(cli, doc.tokens)
    assert not problems, f"{doc.where}: {shlex.join(doc.tokens)}\n" + "\n".join(problems)


def test_the_docs_have_commands_to_check() -> None:
    """The scan finds the examples (a broken parser must not pass by finding nothing)."""
    where = {c.where.split(":")[0] for c in COMMANDS}
    assert len(COMMANDS) >= 50
    assert {"README.md", "docs/forms.md", "docs/plugins.md", "docs/scoring.md",
            "docs/translating.md", "docs/norms.md", "docs/reliability.md"} <= where
    commands = {c.tokens for c in COMMANDS}
    # a backslash continuation, an indented block in a list, a synopsis, a `&&` chain
    assert any("--group-by" in t and t[1:3] == ("norms", "build") for t in commands)
    assert any(t[1:3] == ("norms", "list") for t in commands)
    assert any("--flag-straightlining" in t for t in commands)
    assert any(t[1] == "form" and "gezinshuis_relatiekwaliteit.xlsx" in t for t in commands)


@pytest.mark.parametrize(("line", "problem"), [
    ("relscale score data.csv --no-such-option 1", "relscale score: no option --no-such-option"),
    ("relscale --no-such-root show rq", "relscale: no option --no-such-root"),
    ("relscale norms biuld sample.csv", "relscale norms: no command 'biuld'"),
    ("relscale forms --out-dir x --all -z", "relscale forms: no option -z"),
    ("relscale show rq --sector s --format=csv --colour", "relscale show: no option --colour"),
])
def test_checker_catches_made_up_names(cli: Any, line: str, problem: str) -> None:
    assert problem in "\n".join(check_command(cli, shlex.split(line)))


@pytest.mark.parametrize("line", [
    "relscale --locale nl --content a.toml show rq --sector s",
    "relscale --locale=nl score --help",
    "relscale i18n status --locale de --check",
    "relscale reliability data.csv --items a,b --reverse b --scale-min 1 --scale-max 5",
])
def test_checker_accepts_real_command_lines(cli: Any, line: str) -> None:
    assert check_command(cli, shlex.split(line)) == []


def test_scanner_reads_chains_redirections_and_synopses(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setitem(globals(), "ROOT", tmp_path)
    doc = tmp_path / "x.md"
    doc.write_text(
        "```bash\n"
        "pip install -e . && .venv/bin/relscale sectors --locale nl  # comment --nope\n"
        "relscale diff rq --sector s --format csv > out.csv\n"
        "RELSCALE_PLUGINS=education relscale norms build s.csv \\\n"
        "    --group-by gender -o norms/\n"
        "```\n"
        "   ```\n"
        "   relscale score DATA... -o OUT.csv|OUT.xlsx [--instrument I]\n"
        "                  [--group KEY=VALUE | --group COLUMN]...\n"
        "   ```\n"
        "```python\n"
        "relscale --ignored\n"
        "```\n",
        encoding="utf-8",
    )
    got = [(c.where, c.tokens) for c in doc_commands(doc)]
    assert got == [
        ("x.md:2", ("relscale", "sectors", "--locale", "nl")),
        ("x.md:3", ("relscale", "diff", "rq", "--sector", "s", "--format", "csv")),
        ("x.md:4", ("relscale", "norms", "build", "s.csv", "--group-by", "gender", "-o",
                    "norms/")),
        ("x.md:8", ("relscale", "score", "DATA", "-o", "OUT.csv|OUT.xlsx", "--instrument", "I",
                    "--group", "KEY=VALUE", "--group", "COLUMN")),
    ]

"""relscale.io.libreoffice: bounded conversions that leave no process behind."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from relscale.errors import RelscaleError
from relscale.io.libreoffice import convert_to_pdf, pdf_timeout

# A stand-in for LibreOffice's launcher: it starts a long-lived child (as soffice starts
# soffice.bin), writes the child's pid where the test can see it, then hangs or converts.
FAKE = """#!/bin/sh
outdir=""
prev=""
for a in "$@"; do
  [ "$prev" = "--outdir" ] && outdir="$a"
  prev="$a"
done
sleep 600 &
echo $! >> "{pids}"
if [ "{mode}" = "hang" ]; then sleep 600; fi
if [ "{mode}" = "fail" ]; then echo "Error: source file could not be loaded" >&2; exit 1; fi
for a in "$@"; do
  case "$a" in *.xlsx) b=$(basename "$a" .xlsx); echo "%PDF-1.4 $b" > "$outdir/$b.pdf";; esac
done
"""


def _fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str) -> Path:
    bindir = tmp_path / "bin"
    bindir.mkdir()
    pids = tmp_path / "pids.txt"
    script = bindir / "soffice"
    script.write_text(FAKE.format(pids=pids, mode=mode))
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    return pids


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped by init) counts as gone.
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "State:\tZ" in status.read_text())


def _inputs(tmp_path: Path, n: int) -> list[Path]:
    files = []
    for i in range(n):
        f = tmp_path / f"book{i}.xlsx"
        f.write_bytes(b"not really a workbook")
        files.append(f)
    return files


def test_timeout_kills_the_whole_process_group(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    pids = _fake(tmp_path, monkeypatch, "hang")
    out = tmp_path / "out"
    out.mkdir()
    started = time.monotonic()
    with pytest.raises(RelscaleError) as err:
        convert_to_pdf(_inputs(tmp_path, 1), out, target="profiles.pdf", timeout=1.5)
    assert time.monotonic() - started < 20
    message = str(err.value)
    assert message.startswith("profiles.pdf: ") and "1.5 s" in message
    assert "\n" not in message
    child = int(pids.read_text().split()[0])
    deadline = time.monotonic() + 5
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child), "the converter's child outlived the timeout"


def test_children_are_ended_after_a_normal_run_and_chunks_are_bounded(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    pids = _fake(tmp_path, monkeypatch, "ok")
    out = tmp_path / "out"
    out.mkdir()
    pdfs = convert_to_pdf(_inputs(tmp_path, 5), out, chunk=2, timeout=30)
    assert [p.name for p in pdfs] == [f"book{i}.pdf" for i in range(5)]
    assert [p.read_text().split()[1] for p in pdfs] == [f"book{i}" for i in range(5)]
    started = [int(x) for x in pids.read_text().split()]
    assert len(started) == 3  # 2 + 2 + 1 workbooks: three LibreOffice starts
    time.sleep(0.2)
    assert not any(_alive(pid) for pid in started)


def test_a_failed_conversion_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    _fake(tmp_path, monkeypatch, "fail")
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(RelscaleError, match=r"^x\.pdf: LibreOffice could not make the PDF "
                                            r"\(Error: source file could not be loaded\)$"):
        convert_to_pdf(_inputs(tmp_path, 1), out, target="x.pdf", timeout=30)


def test_missing_converter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(RelscaleError, match="needs LibreOffice"):
        convert_to_pdf(_inputs(tmp_path, 1), tmp_path, target="p.pdf")


@pytest.mark.parametrize(("raw", "expected"), [("", 300.0), ("12", 12.0), ("inf", 300.0),
                                               ("nan", 300.0), ("-1", 300.0), ("abc", 300.0)])
def test_timeout_setting(monkeypatch: pytest.MonkeyPatch, raw: str, expected: float):
    monkeypatch.setenv("RELSCALE_PDF_TIMEOUT", raw)
    assert pdf_timeout() == expected


@pytest.mark.libreoffice
def test_real_conversion(tmp_path: Path):
    from relscale.excel.sheet import Workbook
    from relscale.workbooks import write

    book = Workbook()
    book.add_sheet("One").set(1, 1, "Hallo wereld")
    xlsx = tmp_path / "hello.xlsx"
    write(book, xlsx)
    (pdf,) = convert_to_pdf([xlsx], tmp_path, timeout=120)
    assert pdf.read_bytes().startswith(b"%PDF")

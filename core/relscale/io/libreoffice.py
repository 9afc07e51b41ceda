"""Converting workbooks to PDF with LibreOffice, bounded in time, leaving no process behind.

Every PDF relscale writes (profiles, round forms and reports, picture cards) is a workbook
converted by ``soffice --headless --convert-to pdf``. This module is the one place that
runs it:

- the converter runs in its own session (process group), so a timeout or an interrupt kills
  the launcher *and* ``soffice.bin`` (killing only the launcher left ``soffice.bin`` running
  on its own at 14 GB in issue 26);
- every call has its own LibreOffice profile directory, so two conversions at once, or one
  beside a user's open LibreOffice, do not block each other;
- several workbooks convert in one LibreOffice start (its start-up is most of the cost of a
  small file), in chunks of ``chunk`` files with a timeout per chunk, so the time a chunk may
  take does not grow with the whole job;
- failures end in one :class:`relscale.errors.RelscaleError` line (converter missing, timed
  out, or no PDF made), never a ``subprocess`` traceback.

The timeout per chunk is ``RELSCALE_PDF_TIMEOUT`` seconds (default 300).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from relscale.errors import RelscaleError
from relscale.i18n import _

ENV_TIMEOUT = "RELSCALE_PDF_TIMEOUT"
DEFAULT_TIMEOUT = 300.0
DEFAULT_CHUNK = 50


def find_soffice() -> str | None:
    """The LibreOffice executable on PATH (``soffice`` or ``libreoffice``), or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_timeout() -> float:
    """Seconds one conversion chunk may take (``RELSCALE_PDF_TIMEOUT``, default 300)."""
    raw = os.environ.get(ENV_TIMEOUT, "").strip()
    try:
        value = float(raw) if raw else DEFAULT_TIMEOUT
    except ValueError:
        return DEFAULT_TIMEOUT
    return value if 0 < value < 86_400 else DEFAULT_TIMEOUT


def require_soffice(target: Path | str) -> str:
    """The converter, or a one-line error that says what to do instead."""
    soffice = find_soffice()
    if soffice is None:
        raise RelscaleError(_(
            "{path}: a PDF needs LibreOffice (soffice), which is not installed; write "
            ".xlsx instead and print it, or install LibreOffice"
        ).format(path=target))
    return soffice


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(Exception):
        proc.wait(timeout=10)


def _run_chunk(soffice: str, files: Sequence[Path], outdir: Path, profile: Path,
               timeout: float, target: Path | str) -> None:
    cmd = [soffice, "--headless", "--norestore", "--nolockcheck", "--nodefault",
           f"-env:UserInstallation={profile.as_uri()}",
           "--convert-to", "pdf", "--outdir", str(outdir), *map(str, files)]
    # stderr goes to a file, not a pipe: a child that outlives the launcher would hold a
    # pipe open and make the wait last until the timeout.
    log = profile.parent / "stderr.txt"
    with open(log, "wb") as errfile:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=errfile, start_new_session=True)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            raise RelscaleError(_(
                "{path}: LibreOffice did not finish the PDF within {seconds} s (stopped; set "
                "RELSCALE_PDF_TIMEOUT for more time)"
            ).format(path=target, seconds=f"{timeout:g}")) from None
        except BaseException:
            _kill_group(proc)
            raise
        finally:
            # The launcher may exit while a child it started lives on: end the whole group.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
    err = log.read_bytes()[-4096:]
    missing = [f for f in files if not (outdir / (f.stem + ".pdf")).exists()]
    if proc.returncode != 0 or missing:
        lines = (err or b"").decode("utf-8", "replace").strip().splitlines()
        reason = lines[-1] if lines else "-"
        raise RelscaleError(_("{path}: LibreOffice could not make the PDF ({reason})").format(
            path=target, reason=reason))


def convert_to_pdf(files: Sequence[Path | str], outdir: Path | str, *,
                   target: Path | str | None = None, chunk: int = DEFAULT_CHUNK,
                   timeout: float | None = None) -> list[Path]:
    """Convert workbooks to PDF files in ``outdir`` (same stem, ``.pdf``), in input order.

    :param target: the file the user asked for, named in error messages (default: the
        first input).
    :param chunk: workbooks per LibreOffice start; each chunk has its own timeout.
    :param timeout: seconds per chunk (default :func:`pdf_timeout`).
    :raises RelscaleError: LibreOffice missing, a chunk timed out (its processes are
        killed), or a PDF was not made. Files already converted stay in ``outdir``; the
        caller writes its output atomically from them.
    """
    paths = [Path(f) for f in files]
    if not paths:
        return []
    stems = [p.stem for p in paths]
    if len(set(stems)) != len(stems):
        raise ValueError("convert_to_pdf: input files must have distinct stems")
    shown = target if target is not None else paths[0]
    soffice = require_soffice(shown)
    out = Path(outdir)
    limit = timeout if timeout is not None else pdf_timeout()
    with tempfile.TemporaryDirectory(prefix="relscale-lo-") as tmp:
        profile = Path(tmp) / "profile"
        for start in range(0, len(paths), max(1, chunk)):
            _run_chunk(soffice, paths[start:start + max(1, chunk)], out, profile, limit, shown)
    return [out / (p.stem + ".pdf") for p in paths]

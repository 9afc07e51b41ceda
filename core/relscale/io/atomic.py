"""Safe output: write to a temporary file beside the target, rename on success.

A failed export or read leaves no half-written file, and nothing the user gave is
overwritten unless they asked for it (``--force``): without it the finished file takes
its name only if the name is still free (a hard link, or an exclusive create), so a file
another run wrote meanwhile is never replaced.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from relscale.errors import RelscaleError
from relscale.i18n import _


def check_output(path: Path, *, overwrite: bool = False, inputs: tuple[Path, ...] = ()) -> Path:
    """Refuse an output path that exists (unless ``overwrite``) or that is one of the inputs."""
    path = Path(path)
    with contextlib.suppress(OSError):
        out = path.stat() if inputs else None  # one stat per input, not two resolve()s
        same = (out.st_dev, out.st_ino) if out is not None else None
        for source in inputs if same is not None else ():
            with contextlib.suppress(OSError):
                st = os.stat(source)
                if (st.st_dev, st.st_ino) == same:
                    raise RelscaleError(
                        _("{path}: is also an input; choose another output file").format(
                            path=path)
                    )
    if path.is_dir():
        raise RelscaleError(_("{path}: is a folder, expected a file name").format(path=path))
    if path.exists() and not overwrite:
        raise RelscaleError(
            _("{path}: already exists (use --force to overwrite)").format(path=path)
        )
    return path


_active: set[Path] = set()
"""Temporary files being written now (removed by :func:`_on_terminate`)."""


@contextlib.contextmanager
def atomic_write(path: Path | str, *, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary path to write to; move it onto ``path`` only if the block succeeds.

    ::

        with atomic_write(out, overwrite=force) as tmp:
            workbook.save(tmp)

    The temporary file (``.<name>.<pid>.<random>.part`` beside the target) is removed when
    the block fails, on Ctrl-C and on SIGTERM; one left by a process that was killed
    outright (``kill -9``) is removed by the next write of the same target. An existing
    ``path`` that is a symbolic link is written through: the file it points to is
    replaced (with ``overwrite``) and the link stays.
    """
    path = check_output(Path(path), overwrite=overwrite)
    if path.is_symlink():
        path = Path(os.path.realpath(path))
        check_output(path, overwrite=overwrite)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_parts(path)
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{path.name}.{os.getpid()}.", suffix=".part", dir=path.parent
        )
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    os.close(fd)
    tmp = Path(tmp_name)
    _active.add(tmp)
    previous = _catch_terminate()
    try:
        try:
            yield tmp
        except OSError as exc:  # disk full, a folder removed while writing, ...
            raise _cannot_write(path, exc) from None
        # mkstemp makes the file private (0600); give it the permissions a plain open()
        # would have, so outputs are readable the way the user's umask says.
        umask = os.umask(0)
        os.umask(umask)
        try:
            os.chmod(tmp, 0o666 & ~umask)
            if overwrite:
                os.replace(tmp, path)
            else:
                _place_new(tmp, path)
        except FileExistsError:
            raise RelscaleError(_(
                "{path}: appeared while relscale was writing it (another run?); it was not "
                "overwritten (use --force to overwrite)").format(path=path)) from None
        except OSError as exc:
            raise _cannot_write(path, exc) from None
    finally:
        _active.discard(tmp)
        _restore_terminate(previous)
        with contextlib.suppress(OSError):
            if tmp.exists():
                tmp.unlink()


def _place_new(tmp: Path, path: Path) -> None:
    """Move the finished ``tmp`` to ``path`` only if nothing is there: the existence
    check at the start of a run is not enough, another run may have written ``path``
    since. A hard link fails when the name exists (then FileExistsError); where the file
    system has no hard links, the name is taken with an exclusive create first and then
    replaced (only relscale's own empty placeholder can be replaced)."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError:  # no hard links here (FAT, some network shares)
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
        try:
            os.replace(tmp, path)
        except OSError:
            with contextlib.suppress(OSError):
                path.unlink()
            raise
        return
    tmp.unlink()


def _remove_stale_parts(path: Path) -> None:
    """Remove ``.part`` files of ``path`` whose writing process no longer runs."""
    for part in path.parent.glob(f".{glob_escape(path.name)}.*.part"):
        pid_text = part.name[len(path.name) + 2 :].split(".", 1)[0]
        if not pid_text.isdigit() or _running(int(pid_text)):
            continue
        with contextlib.suppress(OSError):
            part.unlink()


def glob_escape(name: str) -> str:
    """``name`` with glob's special characters taken literally."""
    import glob

    return glob.escape(name)


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def _on_terminate(signum: int, _frame: object) -> None:
    """SIGTERM while writing: unwind like Ctrl-C, so the ``.part`` file is removed."""
    raise SystemExit(128 + signum)


def _catch_terminate() -> object:
    """Install :func:`_on_terminate` for SIGTERM while writing, if nobody else handles it
    (only the main thread can); returns what to restore."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return None
    try:
        if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
            return None
        return signal.signal(signal.SIGTERM, _on_terminate)
    except (ValueError, OSError):
        return None


def _restore_terminate(previous: object) -> None:
    import signal

    if previous is not None and not _active:
        with contextlib.suppress(ValueError, OSError):
            signal.signal(signal.SIGTERM, previous)  # type: ignore[arg-type]


def make_folder(path: Path | str) -> Path:
    """Create an output folder (and its parents); one line when it cannot be: a file is
    in the way, the location is read-only."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise RelscaleError(_("{path}: is a file, expected a folder").format(path=path))
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    return path


def _cannot_write(path: Path, exc: OSError) -> RelscaleError:
    """One line for an output that cannot be written (a file where a folder should be, a
    read-only or missing location, a full disk)."""
    for parent in path.parents:
        if parent.exists() and not parent.is_dir():
            return RelscaleError(
                _("{path}: cannot write the output here ({parent} is a file, not a folder)")
                .format(path=path, parent=parent)
            )
    return RelscaleError(
        _("{path}: cannot write the output here ({reason})").format(
            path=path, reason=exc.strerror or type(exc).__name__
        )
    )

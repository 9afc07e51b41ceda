"""Safe output: write to a temporary file beside the target, rename on success.

A failed export or read leaves no half-written file, and nothing the user gave is
overwritten unless they asked for it (``--force``).
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


@contextlib.contextmanager
def atomic_write(path: Path | str, *, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary path to write to; move it onto ``path`` only if the block succeeds.

    ::

        with atomic_write(out, overwrite=force) as tmp:
            workbook.save(tmp)
    """
    path = check_output(Path(path), overwrite=overwrite)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    os.close(fd)
    tmp = Path(tmp_name)
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
            os.replace(tmp, path)
        except OSError as exc:
            raise _cannot_write(path, exc) from None
    finally:
        with contextlib.suppress(OSError):
            if tmp.exists():
                tmp.unlink()


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

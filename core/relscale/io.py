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
    for source in inputs:
        with contextlib.suppress(OSError):
            if path.exists() and path.resolve() == Path(source).resolve():
                raise RelscaleError(
                    _("{path}: is also an input; choose another output file").format(path=path)
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
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        # mkstemp makes the file private (0600); give it the permissions a plain open()
        # would have, so outputs are readable the way the user's umask says.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()

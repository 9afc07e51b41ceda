"""How to install an optional extra, said the way relscale itself was installed.

``pip install "relscale[spss]"`` is right for an install from the package index; from a
checkout (``pip install -e .``) the same extra is ``pip install -e ".[spss]"`` (or with the
checkout's path when the current folder is another); under pipx it is ``pipx inject``.
:func:`install_hint` reads the installer's record (PEP 610 ``direct_url.json``) to tell.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

DISTRIBUTION = "relscale"


def _direct_url() -> dict[str, object] | None:
    from importlib import metadata

    try:
        text = metadata.distribution(DISTRIBUTION).read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return None
    if not text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _checkout() -> Path | None:
    """The folder relscale is installed from in editable mode, or None."""
    from urllib.parse import unquote, urlparse

    data = _direct_url()
    if data is None:
        return None
    info = data.get("dir_info")
    if not (isinstance(info, dict) and info.get("editable")):
        return None
    url = urlparse(str(data.get("url", "")))
    return Path(unquote(url.path)) if url.scheme == "file" else None


def install_hint(extra: str, packages: Sequence[str] = ()) -> str:
    """The command that installs ``extra`` into this relscale: ``pip install -e ".[x]"``
    from a checkout, ``pipx inject relscale ...`` under pipx (``packages``), else
    ``pip install "relscale[x]"``."""
    checkout = _checkout()
    if checkout is not None:
        here = Path.cwd().resolve()
        where = "." if checkout.resolve() == here else str(checkout)
        return f'pip install -e "{where}[{extra}]"'
    if "pipx" in Path(sys.prefix).parts and packages:
        return f"pipx inject {DISTRIBUTION} {' '.join(packages)}"
    return f'pip install "{DISTRIBUTION}[{extra}]"'
